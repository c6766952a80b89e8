// The teencode and abbreviation lexicon: written forms ("ko", "đc", "dthoai") and what they stand
// for ("không", "được", "điện thoại"), or, for ambiguous forms ("t": tôi/tao), their readings.
//
// Loaded once from data/normalize/teencode.tsv (generated from ViLexNorm train counts by
// `tincay lexnorm build`) and an optional hand-written data/normalize/teencode-extra.tsv that
// overrides it; looked up per word through an open-addressing table that never allocates.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "tincay/core/result.h"

namespace tincay::normalize_internal {

// FNV-1a: short keys, no allocation.
inline constexpr std::uint64_t kHashSeed = 1469598103934665603ULL;
inline std::uint64_t hash_step(std::uint64_t h, unsigned char c) {
  return (h ^ c) * 1099511628211ULL;
}
inline std::uint64_t hash_form(std::string_view s) {
  std::uint64_t h = kHashSeed;
  for (const char c : s) h = hash_step(h, static_cast<unsigned char>(c));
  return h;
}

struct LexiconEntry {
  std::string form;                       // as normalized text spells it (lower case, NFC)
  std::string expansion;                  // empty for an ambiguous form (kept as written)
  std::vector<std::string> alternatives;  // readings of an ambiguous form, most frequent first
  // The form is also how common words are spelled without marks ("hong": hồng, hông; listed in
  // data/normalize/unmarked-words.tsv), spells a Vietnamese syllable, and its expansion is another
  // word, not the same one with its marks ("hong" → "không", unlike "khong" → "không"). In a
  // post typed without any marks such a form is most likely the real word ("hoa hong" is
  // "hoa hồng"), so it is expanded only in posts that carry marks.
  bool needs_marked_context = false;
};

class TeencodeLexicon {
 public:
  // Parses one TSV file's text (see docs/normalization.md for the format) into `entries`,
  // replacing entries with the same form. Errors name `path` and the line.
  static Status parse_into(std::string_view path, std::string_view text,
                           std::vector<LexiconEntry>& entries);

  // Builds the lookup table. Forms must already be normalized.
  explicit TeencodeLexicon(std::vector<LexiconEntry> entries);
  TeencodeLexicon() = default;

  // False when `form` (form[0, len)) is certainly not a form: two bits of a Bloom filter, tested
  // before the exact lookup, so that most words of a post never hash their bytes one by one.
  // REQUIRES: 8 bytes are readable from `form` (bytes past `len` are ignored).
  bool may_contain(const char* form, std::size_t len) const {
    if (len == 0 || len > max_form_bytes_) return false;
    const std::uint64_t h = quick_hash(form, len);
    const std::size_t a = (h >> 48) & kFilterMask;
    const std::size_t b = (h >> 32) & kFilterMask;
    return ((filter_[a >> 6] >> (a & 63)) & (filter_[b >> 6] >> (b & 63)) & 1) != 0;
  }

  // The entry for a normalized word, or nullptr.
  const LexiconEntry* find(std::string_view form) const { return find(form, hash_form(form)); }
  // The same, given hash_form(form) (computed while building the key).
  const LexiconEntry* find(std::string_view form, std::uint64_t hash) const;
  std::size_t size() const { return entries_.size(); }
  std::size_t max_form_bytes() const { return max_form_bytes_; }
  const std::vector<LexiconEntry>& entries() const { return entries_; }

 private:
  // A slot holds the upper hash bits of its entry's form, so that a probe rejects most other
  // words without touching the entry (most words of a post are not in the lexicon).
  struct Slot {
    std::uint32_t tag = 0;
    std::int32_t index = -1;  // into entries_, -1 when empty
  };
  static constexpr std::size_t kFilterBits = std::size_t{1} << 16;
  static constexpr std::size_t kFilterMask = kFilterBits - 1;
  // A multiplicative hash of the first and last 8 bytes. REQUIRES: 8 bytes readable at p.
  static std::uint64_t quick_hash(const char* p, std::size_t len) {
    std::uint64_t a = 0;
    std::memcpy(&a, p, 8);
    if (len < 8) a &= (std::uint64_t{1} << (8 * len)) - 1;
    std::uint64_t b = 0;
    if (len > 8) std::memcpy(&b, p + len - 8, 8);
    return (a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL) ^
           (len * 0x165667B19E3779F9ULL);
  }

  std::vector<LexiconEntry> entries_;
  std::vector<Slot> slots_;  // size a power of two
  std::vector<std::uint64_t> filter_ = std::vector<std::uint64_t>(kFilterBits / 64);
  std::size_t max_form_bytes_ = 0;
};

}  // namespace tincay::normalize_internal
