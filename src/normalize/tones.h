// Vietnamese tone marks and syllable shape: moves a syllable's tone mark to one canonical vowel
// (old and new placement styles, and misplaced marks such as "qúy", all give one form) and tells
// whether a letter string is a well-formed Vietnamese syllable, which the de-obfuscation rules use
// to decide whether "l.ừ.a" or "l0n" really spell a word.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tincay::normalize_internal {

// Canonical placement (the "old style" that dominates Vietnamese social media text: hòa, thủy,
// khỏe; and quý, giá):
//  - a vowel with a quality mark (ă â ê ô ơ ư) takes the tone; in ươ it is ơ;
//  - otherwise, with a final consonant, the last vowel (hoàng, toán);
//  - otherwise the first of two vowels (hòa, mùa, thủy) or the middle of three (khoái, khuỷu).
// "qu" and "gi" before another vowel belong to the initial consonant.
//
// Rewrites `letters` (lower-case, NFC) in place when it is one syllable carrying exactly one tone
// mark that is not where it belongs; returns true when it changed anything.
bool canonicalize_tone(char32_t* letters, std::size_t n);

// True when `letters` (lower-case, NFC) spell a plausible Vietnamese syllable: an initial
// consonant, a vowel nucleus and a final consonant allowed by Vietnamese spelling.
bool is_vietnamese_syllable(const char32_t* letters, std::size_t n);

namespace tones_detail {

// Rows: the 12 vowel letters; columns: no tone, huyền, sắc, hỏi, ngã, nặng.
inline constexpr std::array<std::u32string_view, 12> kVowels = {
    U"aàáảãạ", U"ăằắẳẵặ", U"âầấẩẫậ", U"eèéẻẽẹ", U"êềếểễệ", U"iìíỉĩị",
    U"oòóỏõọ", U"ôồốổỗộ", U"ơờớởỡợ", U"uùúủũụ", U"ưừứửữự", U"yỳýỷỹỵ",
};
inline constexpr char32_t kPlain[12] = {U'a', U'a', U'a', U'e', U'e', U'i',
                                        U'o', U'o', U'o', U'u', U'u', U'y'};

// Every vowel letter below U+1F00 → (row + 1) | tone << 4; 0 for anything else. Read for every
// letter on the hot path, so it is a flat array built at compile time, inlined into callers.
inline constexpr char32_t kVowelTableSize = 0x1F00;
struct VowelTable {
  std::array<std::uint8_t, kVowelTableSize> entry{};
};
constexpr VowelTable build_vowel_table() {
  VowelTable t;
  for (std::size_t r = 0; r < kVowels.size(); ++r) {
    for (std::size_t tone = 0; tone < kVowels[r].size(); ++tone) {
      t.entry[kVowels[r][tone]] = static_cast<std::uint8_t>((r + 1) | (tone << 4));
    }
  }
  return t;
}
inline constexpr VowelTable kVowelTable = build_vowel_table();

// The table entry of `c` (0: not a vowel).
inline std::uint8_t vowel_entry(char32_t c) {
  return c < kVowelTableSize ? kVowelTable.entry[c] : 0;
}

}  // namespace tones_detail

// True for a Vietnamese vowel letter with or without marks (a, ă, â, e, ê, i, o, ô, ơ, u, ư, y).
inline bool is_vowel(char32_t c) { return tones_detail::vowel_entry(c) != 0; }

// A vowel without any mark (ặ → a, ư → u); other characters unchanged.
inline char32_t plain_vowel(char32_t c) {
  const std::uint8_t e = tones_detail::vowel_entry(c);
  return e != 0 ? tones_detail::kPlain[(e & 15) - 1] : c;
}

}  // namespace tincay::normalize_internal
