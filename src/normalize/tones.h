// Vietnamese tone marks and syllable shape: moves a syllable's tone mark to one canonical vowel
// (old and new placement styles, and misplaced marks such as "qúy", all give one form) and tells
// whether a letter string is a well-formed Vietnamese syllable, which the de-obfuscation rules use
// to decide whether "l.ừ.a" or "l0n" really spell a word.
#pragma once

#include <cstddef>
#include <cstdint>

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

// True for a Vietnamese vowel letter with or without marks (a, ă, â, e, ê, i, o, ô, ơ, u, ư, y).
bool is_vowel(char32_t c);

// A vowel without any mark (ặ → a, ư → u); other characters unchanged.
char32_t plain_vowel(char32_t c);

}  // namespace tincay::normalize_internal
