// Character classes and per-character folding for the normalize stage: what a code point is
// (letter, mark, space, emoji, ...), its lower-case form with stylized variants folded to plain
// letters (𝐁, Ｂ, ʙ → b), and its diacritics-free shadow (ệ → e, đ → d).
//
// One CharTable is built per Normalizer and shared read-only; lookups in the hot range (Latin and
// Vietnamese) are a single array read.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace tincay::normalize_internal {

enum class CharClass : std::uint8_t {
  kLetter,
  kDigit,
  kSpace,      // any white space, line or paragraph separator, and control characters
  kInvisible,  // zero-width and format characters people insert to dodge filters: dropped
  kMark,       // combining mark: attaches to the letter before it
  kPunct,      // punctuation and ASCII symbols
  kEmoji,      // pictographs and other symbols
  kOther,      // any other code point (CJK, ...): kept as a letter-like character
};

struct CharInfo {
  char32_t folded = 0;  // lower case, stylized forms folded to plain letters
  char32_t shadow = 0;  // `folded` without diacritics
  CharClass cls = CharClass::kOther;
};

class CharTable {
 public:
  CharTable();

  // Everything the normalizer needs to know about `cp`.
  CharInfo info(char32_t cp) const {
    if (cp < kTableSize) return table_[cp];
    return compute(cp);
  }
  // The shadow of an already folded character.
  char32_t shadow(char32_t cp) const { return cp < kTableSize ? table_[cp].shadow : cp; }
  bool is_letter(char32_t cp) const { return info(cp).cls == CharClass::kLetter; }

  // The same, computed without the table (used to build it, and for rare code points).
  static CharInfo compute(char32_t cp);

 private:
  static constexpr char32_t kTableSize = 0x2000;
  std::vector<CharInfo> table_;
};

// Canonical composition of `base` followed by combining `mark` (ê + U+0301 → ế), or 0 when
// Unicode has no precomposed character for the pair.
char32_t compose_pair(char32_t base, char32_t mark);

// Canonical combining class (used to put several marks in canonical order before composing).
int combining_class(char32_t cp);

}  // namespace tincay::normalize_internal
