// The teencode and abbreviation lexicon: written forms ("ko", "đc", "dthoai") and what they stand
// for ("không", "được", "điện thoại"), or, for ambiguous forms ("t": tôi/tao), their readings.
//
// Loaded once from data/normalize/teencode.tsv (generated from ViLexNorm train counts by
// `tincay lexnorm build`) and an optional hand-written data/normalize/teencode-extra.tsv that
// overrides it; looked up per word through an open-addressing table that never allocates.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tincay/core/result.h"

namespace tincay::normalize_internal {

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

  // The hash the lexicon is keyed on, built one code point at a time from kSeed:
  // h = step(h, c) for each character c of the form. Callers that decode a word anyway hash it
  // as they go, without reading back what they wrote.
  static constexpr std::uint64_t kSeed = 0x243F6A8885A308D3ULL;
  static std::uint64_t step(std::uint64_t h, char32_t c) { return (h ^ c) * 0x9E3779B97F4A7C15ULL; }

  // The entry for form (normalized text) whose hash is h, or nullptr. Two bits of a Bloom filter
  // are tested first, so most words never touch the table.
  const LexiconEntry* find_hashed(std::string_view form, std::uint64_t h) const {
    const std::uint64_t m = mix(h);
    const std::size_t a = (m >> 48) & kFilterMask;
    const std::size_t b = (m >> 32) & kFilterMask;
    if (((filter_[a >> 6] >> (a & 63)) & (filter_[b >> 6] >> (b & 63)) & 1) == 0) return nullptr;
    return probe(form, m);
  }

  // The entry for a normalized word, or nullptr.
  const LexiconEntry* find(std::string_view form) const;
  std::size_t size() const { return entries_.size(); }
  std::size_t max_form_bytes() const { return max_form_bytes_; }
  const std::vector<LexiconEntry>& entries() const { return entries_; }

 private:
  // A slot holds 32 bits of its entry's mixed hash, so that a probe rejects most other words
  // without touching the entry (most words of a post are not in the lexicon).
  // Forms up to kInlineForm bytes are also kept in the slot: a hit is then confirmed without
  // reading the entry (a second cache miss on the way to every expansion).
  static constexpr std::size_t kInlineForm = 22;
  struct Slot {
    std::uint32_t tag = 0;
    std::int32_t index = -1;       // into entries_, -1 when empty
    std::uint8_t form_len = 0xFF;  // 0xFF: the form is longer than kInlineForm
    char form[kInlineForm + 1] = {};
  };
  static constexpr std::size_t kFilterBits = std::size_t{1} << 16;
  static constexpr std::size_t kFilterMask = kFilterBits - 1;
  // step() mixes little (its low bits depend on the low bits of the characters alone): the
  // filter, slot and tag bits come from this.
  static std::uint64_t mix(std::uint64_t h) {
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ULL;
    return h ^ (h >> 29);
  }
  // The table lookup of `form`, whose mixed hash is m.
  const LexiconEntry* probe(std::string_view form, std::uint64_t m) const;

  std::vector<LexiconEntry> entries_;
  std::vector<Slot> slots_;  // size a power of two, indexed by mix(hash)
  std::vector<std::uint64_t> filter_ = std::vector<std::uint64_t>(kFilterBits / 64);
  std::size_t max_form_bytes_ = 0;
};

}  // namespace tincay::normalize_internal
