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

  // The entry for a normalized word, or nullptr.
  const LexiconEntry* find(std::string_view form) const;
  std::size_t size() const { return entries_.size(); }
  std::size_t max_form_bytes() const { return max_form_bytes_; }
  const std::vector<LexiconEntry>& entries() const { return entries_; }

 private:
  std::vector<LexiconEntry> entries_;
  std::vector<std::int32_t> slots_;  // index into entries_, -1 when empty; size a power of two
  std::size_t max_form_bytes_ = 0;
};

// FNV-1a: short keys, no allocation.
inline std::uint64_t hash_form(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace tincay::normalize_internal
