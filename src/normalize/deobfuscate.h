// De-obfuscation helpers: undo the tricks people use to slip words past filters, but only when
// the result spells a real Vietnamese syllable (or a lexicon form), so that ordinary text, numbers
// and abbreviations such as "TP.HCM" stay as written.
#pragma once

#include <cstddef>

#include "tincay/core/normalized_text.h"

#include "src/normalize/tones.h"

namespace tincay::normalize_internal {

class TeencodeLexicon;

// Letters stand-ins in words like "l0n", "c@c", "đ!t": the letter, or 0 when `c` is no stand-in.
char32_t leet_letter(char32_t c);

// True when two neighbouring letters of w[0, n) count as the same letter stretched (equal, or
// the same vowel with and without a tone, "áa"): only then can collapse_stretched change w.
inline bool may_be_stretched(const char32_t* w, std::size_t n) {
  for (std::size_t i = 1; i < n; ++i) {
    const char32_t a = w[i - 1];
    const char32_t b = w[i];
    if (a == b) return true;
    if ((a < 0x80) != (b < 0x80) && plain_vowel(a) == plain_vowel(b)) return true;
  }
  return false;
}

// Collapses stretched letters ("lừaaaa" → "lừa", "điii" → "đi", "lắmmm" → "lắm") in the letter
// string w[0, n): runs of three or more equal letters always, runs of two when that turns a
// non-syllable into a syllable. A kept letter's span grows to cover its whole run; a kept letter
// prefers the variant carrying a tone mark ("quáaa" → "quá"). Words without a vowel ("kkk",
// "hmmm") are left alone. Returns the new length.
std::size_t collapse_stretched(char32_t* w, ByteSpan* spans, std::size_t n);

// Splits the letters w[0, n) into consecutive syllables, greedily taking the longest valid one
// (at most 7 letters) each time; a piece may also be a lexicon form when `lexicon` is given.
// Writes piece lengths to `lengths` and returns how many pieces cover the longest prefix that
// splits cleanly; `covered` receives that prefix's length.
std::size_t segment_syllables(const char32_t* w, std::size_t n, const TeencodeLexicon* lexicon,
                              std::size_t* lengths, std::size_t max_pieces, std::size_t& covered);

// True when w[0, n) is a Vietnamese syllable or (when `lexicon` is given) a lexicon form.
bool is_word_like(const char32_t* w, std::size_t n, const TeencodeLexicon* lexicon);

}  // namespace tincay::normalize_internal
