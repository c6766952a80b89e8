// Tone placement and syllable shape, from a 12 × 6 table of Vietnamese vowels × tones.
#include "src/normalize/tones.h"

#include <array>
#include <string_view>

namespace tincay::normalize_internal {
namespace {

using tones_detail::kPlain;
using tones_detail::kVowels;

constexpr bool kHasQuality[12] = {false, true, true, false, true, false,
                                  false, true, true, false, true, false};

struct VowelInfo {
  int row = -1;  // index into kVowels, -1 when not a vowel
  int tone = 0;
};

VowelInfo vowel_info(char32_t c) {
  const std::uint8_t e = tones_detail::vowel_entry(c);
  if (e == 0) return {};
  return {(e & 15) - 1, e >> 4};
}

char32_t with_tone(int row, int tone) {
  return kVowels[static_cast<std::size_t>(row)][static_cast<std::size_t>(tone)];
}

// The shadow (no diacritics, đ → d) of a lower-case letter, or 0 for a non-Latin letter.
char32_t base_letter(char32_t c) {
  if (c >= U'a' && c <= U'z') return c;
  if (c == 0x111) return U'd';
  const VowelInfo v = vowel_info(c);
  return v.row >= 0 ? kPlain[v.row] : 0;
}

}  // namespace

bool canonicalize_tone(char32_t* s, std::size_t n) {
  if (n == 0 || n > 8) return false;
  // Table entries read once: (row + 1) | tone << 4, 0 for a consonant.
  std::uint8_t e[8];
  int tone = 0;
  int toned = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char32_t c = s[i];
    e[i] = tones_detail::vowel_entry(c);
    if (e[i] == 0) {
      if (!((c >= U'a' && c <= U'z') || c == 0x111)) return false;  // not a Vietnamese letter
      continue;
    }
    if ((e[i] >> 4) != 0) {
      tone = e[i] >> 4;
      ++toned;
    }
  }
  if (toned != 1) return false;
  // The nucleus starts after the initial consonant, "qu" and "gi" (before a vowel) included.
  std::size_t start = 0;
  while (start < n && e[start] == 0) ++start;
  if (start == 1 && start + 1 < n && e[start + 1] != 0) {
    const char32_t b = kPlain[(e[1] & 15) - 1];
    if ((s[0] == U'q' && b == U'u') || (s[0] == U'g' && b == U'i')) ++start;
  }
  std::size_t end = start;
  while (end < n && e[end] != 0) ++end;
  if (end == start) return false;
  for (std::size_t i = end; i < n; ++i) {
    if (e[i] != 0) return false;  // two vowel groups: not one syllable
  }
  const std::size_t len = end - start;
  std::size_t pos = start;
  bool quality = false;
  for (std::size_t i = start; i < end; ++i) {
    if (kHasQuality[(e[i] & 15) - 1]) {
      pos = i;
      quality = true;
    }
  }
  if (!quality) {
    if (end < n) {
      pos = end - 1;
    } else if (len == 3) {
      pos = start + 1;
    } else {
      pos = start;
    }
  }
  bool changed = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (e[i] == 0) continue;
    const int row = (e[i] & 15) - 1;
    const int want = i == pos ? tone : 0;
    if ((e[i] >> 4) != want) {
      s[i] = with_tone(row, want);
      changed = true;
    }
  }
  return changed;
}

bool is_vietnamese_syllable(const char32_t* s, std::size_t n) {
  if (n == 0 || n > 7) return false;
  char32_t b[8];
  for (std::size_t i = 0; i < n; ++i) {
    b[i] = base_letter(s[i]);
    if (b[i] == 0) return false;
  }
  const std::u32string_view w(b, n);
  // Initial consonant: the longest one that matches.
  static constexpr std::array<std::u32string_view, 27> kInitials = {
      U"ngh", U"ch", U"gh", U"gi", U"kh", U"ng", U"nh", U"ph", U"qu",
      U"th",  U"tr", U"b",  U"c",  U"d",  U"g",  U"h",  U"k",  U"l",
      U"m",   U"n",  U"p",  U"r",  U"s",  U"t",  U"v",  U"x",  U""};
  std::u32string_view initial;
  for (const std::u32string_view ini : kInitials) {
    if (w.substr(0, ini.size()) == ini && w.size() > ini.size()) {
      initial = ini;
      break;
    }
  }
  if (initial == U"gi" && !is_vowel(s[2])) initial = U"g";  // "gì", "gìn": i is the vowel
  std::u32string_view rest = w.substr(initial.size());
  std::size_t v = 0;
  while (v < rest.size() && is_vowel(rest[v])) ++v;
  if (v == 0 || v > 3) return initial == U"gi" && rest.empty();
  const std::u32string_view nucleus = rest.substr(0, v);
  const std::u32string_view final_c = rest.substr(v);
  static constexpr std::array<std::u32string_view, 9> kFinals = {U"",   U"c",  U"ch", U"m", U"n",
                                                                 U"ng", U"nh", U"p",  U"t"};
  bool final_ok = false;
  for (const std::u32string_view f : kFinals) final_ok = final_ok || f == final_c;
  if (!final_ok) return false;
  static constexpr std::array<std::u32string_view, 39> kNuclei = {
      U"a",   U"e",   U"i",   U"o",   U"u",   U"y",   U"ai",  U"ao",  U"au",  U"ay",
      U"eo",  U"eu",  U"ia",  U"ie",  U"iu",  U"oa",  U"oe",  U"oi",  U"oo",  U"ua",
      U"ue",  U"ui",  U"uo",  U"uu",  U"uy",  U"ya",  U"ye",  U"yu",  U"oai", U"oay",
      U"oeo", U"uay", U"uoi", U"uou", U"uya", U"uye", U"uyu", U"ieu", U"yeu"};
  bool nucleus_ok = false;
  for (const std::u32string_view nu : kNuclei) nucleus_ok = nucleus_ok || nu == nucleus;
  if (!nucleus_ok) return false;
  // Vowel clusters that end in a glide (ai, ao, eo, iu, oi, ui, ...) take no final consonant;
  // uô/ươ, uy and oo do ("muốn", "được", "huynh", "xoong"), and oo needs one.
  const char32_t last = nucleus.back();
  if (!final_c.empty() && nucleus.size() >= 2 &&
      (last == U'i' || last == U'o' || last == U'u' || last == U'y') && nucleus != U"uo" &&
      nucleus != U"uy" && nucleus != U"oo") {
    return false;
  }
  if (nucleus == U"oo" && final_c.empty()) return false;
  // Spelling: k, gh, ngh only before e, i, y; c, g, ng never before them.
  const char32_t first = nucleus.front();
  const bool front = first == U'e' || first == U'i' || first == U'y';
  if ((initial == U"k" || initial == U"gh" || initial == U"ngh") && !front) return false;
  if ((initial == U"c" || initial == U"g" || initial == U"ng") && front &&
      !(initial == U"g" && first == U'i')) {
    return false;
  }
  if (initial == U"qu" && first == U'u') return false;
  return true;
}

}  // namespace tincay::normalize_internal
