// Character classes and per-character folding for the normalize stage: what a code point is
// (letter, mark, space, emoji, ...), its lower-case form with stylized variants folded to plain
// letters (𝐁, Ｂ, ʙ → b), and its diacritics-free shadow (ệ → e, đ → d).
//
// One CharTable is built per Normalizer and shared read-only; lookups in the hot range (Latin and
// Vietnamese) are a single array read.
#pragma once

#include <array>
#include <cstddef>
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

// What the one-pass fast path (tokenizer.h: normalize_fast) needs to know about a code point.
struct FastChar {
  enum Kind : std::uint8_t {
    kOther,      // anything the fast path leaves to the two-pass path
    kLetter,     // a letter whose folded form is a letter in the table
    kPunct,      // punctuation that starts no token of its own kind (not @, #, +)
    kEmoji,      // a symbol that is its own token (©, ®, ...)
    kSeparator,  // ASCII white space: ' ', '\t', '\n', '\v', '\f', '\r'
  };
  // Bits of `bits` (of the folded form, for tone placement, tones.h).
  static constexpr std::uint8_t kMarked = 1;   // carries a diacritic (its shadow differs)
  static constexpr std::uint8_t kNotViet = 2;  // not a Vietnamese letter (a-z, đ, a vowel)
  static constexpr std::uint8_t kToned = 4;    // a vowel with a tone mark
  static constexpr std::uint8_t kVowel = 8;
  static constexpr std::uint8_t kQuality = 16;  // a vowel with a quality mark (ă â ê ô ơ ư)
  // For writing the character to text and shadow in one step: the UTF-8 of `folded` (folding is
  // idempotent for the kinds above, so for a folded letter that is the letter itself) and of its
  // shadow, each padded to 4 bytes. For every kind but kOther neither is longer than the UTF-8
  // of the code point itself, so output never outgrows the input it comes from.
  char utf8[4] = {};
  char shadow_utf8[4] = {};
  // For a letter, counts summed over a word's letters in one addition (a chunk has at most 66
  // bytes, so no field overflows): bits 0-6 letters (1 each), 7-12 kToned, 13-19 kVowel, 20-25
  // kMarked, 26-31 kNotViet (all but vowels are letters of 2 bytes or more). 0 for other kinds.
  std::uint32_t counts = 0;
  char32_t folded = 0;
  std::uint16_t plain = 0;  // for a letter, its folded form's plain vowel (ặ → a) or that form
  std::uint8_t utf8_len = 0;
  std::uint8_t shadow_len = 0;
  Kind kind = kOther;
  std::uint8_t bits = 0;       // kMarked, ... for letters
  bool boundary_safe = false;  // not white space, invisible or a combining mark
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

  // Code points below kFastSize (Latin, Vietnamese, general punctuation) have a FastChar.
  static constexpr char32_t kFastSize = 0x2070;
  const FastChar& fast(char32_t cp) const { return fast_[cp]; }  // REQUIRES: cp < kFastSize
  const FastChar* fast_table() const { return fast_.data(); }    // kFastSize entries
  // Whether `cp` may sit next to a space at which the fast path cuts the text.
  bool boundary_safe(char32_t cp) const {
    if (cp < kFastSize) return fast_[cp].boundary_safe;
    const CharClass c = info(cp).cls;
    return c != CharClass::kSpace && c != CharClass::kInvisible && c != CharClass::kMark;
  }

 private:
  static constexpr char32_t kTableSize = 0x2000;
  std::vector<CharInfo> table_;
  std::vector<FastChar> fast_;
};

// Canonical composition of `base` followed by combining `mark` (ê + U+0301 → ế), or 0 when
// Unicode has no precomposed character for the pair.
char32_t compose_pair(char32_t base, char32_t mark);

// Canonical combining class (used to put several marks in canonical order before composing).
int combining_class(char32_t cp);

}  // namespace tincay::normalize_internal
