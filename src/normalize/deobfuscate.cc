// Stretch collapsing, leetspeak letters and syllable segmentation for the de-obfuscation rules.
#include "src/normalize/deobfuscate.h"

#include "tincay/core/utf8.h"

#include "src/normalize/teencode.h"
#include "src/normalize/tones.h"

namespace tincay::normalize_internal {
namespace {

// The tone-free, mark-free letter, so that "á" and "a" count as the same stretched letter.
char32_t plain(char32_t c) { return c < 0x80 ? c : plain_vowel(c); }

// Same letter for stretching purposes: equal, or the same vowel with and without a tone only
// ("áa"), never two different vowel qualities ("ơo" may be a real word).
bool same_stretch(char32_t a, char32_t b) {
  if (a == b) return true;
  return plain(a) == plain(b) && (b < 0x80 || a < 0x80);
}

}  // namespace

char32_t leet_letter(char32_t c) {
  switch (c) {
    case U'0':
      return U'o';
    case U'1':
      return U'i';
    case U'3':
      return U'e';
    case U'4':
      return U'a';
    case U'5':
      return U's';
    case U'7':
      return U't';
    case U'@':
      return U'a';
    case U'!':
      return U'i';
    case U'$':
      return U's';
    default:
      return 0;
  }
}

bool is_word_like(const char32_t* w, std::size_t n, const TeencodeLexicon* lexicon) {
  if (is_vietnamese_syllable(w, n)) return true;
  if (lexicon == nullptr || n == 0 || n > 16) return false;
  char buf[64];
  std::size_t len = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char tmp[4];
    const char32_t c = w[i];
    std::size_t k = 0;
    if (c < 0x80) {
      tmp[k++] = static_cast<char>(c);
    } else if (c < 0x800) {
      tmp[k++] = static_cast<char>(0xC0 | (c >> 6));
      tmp[k++] = static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      tmp[k++] = static_cast<char>(0xE0 | (c >> 12));
      tmp[k++] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      tmp[k++] = static_cast<char>(0x80 | (c & 0x3F));
    } else {
      return false;
    }
    if (len + k > sizeof buf) return false;
    for (std::size_t j = 0; j < k; ++j) buf[len++] = tmp[j];
  }
  return lexicon->find(std::string_view(buf, len)) != nullptr;
}

std::size_t collapse_stretched(char32_t* w, ByteSpan* spans, std::size_t n) {
  if (n < 2) return n;
  bool has_run = false;
  for (std::size_t i = 1; i < n && !has_run; ++i) has_run = same_stretch(w[i - 1], w[i]);
  if (!has_run) return n;
  bool has_vowel = false;
  for (std::size_t i = 0; i < n && !has_vowel; ++i) has_vowel = is_vowel(w[i]);
  if (!has_vowel) return n;
  const bool was_syllable = is_vietnamese_syllable(w, n);
  // Two passes: first runs of 3+, then (if still not a syllable) runs of 2.
  for (int pass = 0; pass < 2; ++pass) {
    const std::size_t min_run = pass == 0 ? 3 : 2;
    if (pass == 1 && (was_syllable || is_vietnamese_syllable(w, n))) break;
    char32_t tmp_w[64];
    ByteSpan tmp_s[64];
    if (n > 64) return n;
    std::size_t out = 0;
    for (std::size_t i = 0; i < n;) {
      std::size_t j = i + 1;
      while (j < n && same_stretch(w[i], w[j])) ++j;
      if (j - i >= min_run) {
        char32_t keep = w[i];
        for (std::size_t k = i; k < j; ++k) {
          if (w[k] >= 0x80) keep = w[k];
        }
        tmp_w[out] = keep;
        tmp_s[out] = {spans[i].begin, spans[j - 1].end};
        ++out;
      } else {
        for (std::size_t k = i; k < j; ++k) {
          tmp_w[out] = w[k];
          tmp_s[out] = spans[k];
          ++out;
        }
      }
      i = j;
    }
    if (pass == 1 && !is_vietnamese_syllable(tmp_w, out)) break;  // "xoong" stays
    for (std::size_t k = 0; k < out; ++k) {
      w[k] = tmp_w[k];
      spans[k] = tmp_s[k];
    }
    n = out;
  }
  return n;
}

std::size_t segment_syllables(const char32_t* w, std::size_t n, const TeencodeLexicon* lexicon,
                              std::size_t* lengths, std::size_t max_pieces, std::size_t& covered) {
  std::size_t pieces = 0;
  covered = 0;
  while (covered < n && pieces < max_pieces) {
    std::size_t best = 0;
    const std::size_t limit = std::min<std::size_t>(7, n - covered);
    for (std::size_t len = limit; len >= 2; --len) {
      if (is_word_like(w + covered, len, lexicon)) {
        best = len;
        break;
      }
    }
    if (best == 0) break;
    lengths[pieces++] = best;
    covered += best;
  }
  return pieces;
}

}  // namespace tincay::normalize_internal
