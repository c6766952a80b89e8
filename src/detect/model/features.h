// Feature hashing for the linear models: a streaming pass over the normalized text and its shadow
// that calls emit(bucket) for every hashed feature, with no allocation. Training and inference
// share this one function, so a model always sees the features it was trained on.
//
// Tokens are found here, not taken from NormalizedText::tokens, so that a change in the
// normalizer's tokenizer cannot silently shift the features of an existing model: a token is a
// run of letters/digits, or a run of other non-space characters (punctuation, emoji) in which a
// character repeated more than twice counts twice (":)))))" and ":))" hash alike).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "tincay/detect/model.h"

namespace tincay::model_internal {

inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

inline constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

// Decodes one code point of valid-or-not UTF-8 at s[i], advancing i; invalid bytes decode as
// themselves so hashing never reads past the end.
inline char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  const std::size_t len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1;
  if (len == 1 || i + len > s.size()) {
    ++i;
    return b0;
  }
  char32_t cp = b0 & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return b0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += len;
  return cp;
}

inline bool is_space_cp(char32_t cp) { return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r'; }

// Letters and digits of Latin (Vietnamese included) and the other alphabetic scripts; symbols,
// punctuation and emoji are not word characters.
inline bool is_word_cp(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  if (cp < 0xC0) return false;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp < 0x2000) return true;  // Latin, combining marks, Greek, Cyrillic, Thai...
  if (cp >= 0x3040 && cp <= 0x9FFF) return true;  // kana, CJK
  if (cp >= 0xAC00 && cp <= 0xD7A3) return true;  // Hangul
  return false;
}

// Distinct seeds per feature group keep the groups apart in the shared bucket space.
struct StreamSeeds {
  std::uint64_t token;
  std::uint64_t uni;
  std::uint64_t bi;
  std::uint64_t tri;
  std::uint64_t chars;
};

inline StreamSeeds make_seeds(std::uint32_t hash_seed, std::uint64_t stream) {
  const std::uint64_t base = mix64(hash_seed ^ (stream * 0x9E3779B97F4A7C15ULL));
  return {mix64(base + 1), mix64(base + 2), mix64(base + 3), mix64(base + 4), mix64(base + 5)};
}

inline constexpr std::size_t kMaxCharsPerToken = 48;

// Hashes the syllable n-grams (1..word_n) and, when char_max > 0, the character n-grams of every
// word token of `s`; calls emit(bucket) for each.
template <typename Emit>
void hash_stream(std::string_view s, const StreamSeeds& seeds, int word_n, int char_min,
                 int char_max, std::uint32_t mask, Emit& emit) {
  std::uint64_t prev1 = seeds.token ^ 0xB05;  // sentence start
  std::uint64_t prev2 = prev1;
  std::size_t i = 0;
  const auto emit_words = [&](std::uint64_t t) {
    if (word_n >= 1) emit(static_cast<std::uint32_t>(mix64(t ^ seeds.uni)) & mask);
    if (word_n >= 2) emit(static_cast<std::uint32_t>(mix64(mix64(prev1 ^ seeds.bi) ^ t)) & mask);
    if (word_n >= 3) {
      emit(static_cast<std::uint32_t>(mix64(mix64(mix64(prev2 ^ seeds.tri) ^ prev1) ^ t)) & mask);
    }
    prev2 = prev1;
    prev1 = t;
  };
  char32_t cps[kMaxCharsPerToken + 2];
  while (i < s.size()) {
    std::size_t j = i;
    const char32_t cp = next_code_point(s, j);
    if (is_space_cp(cp)) {
      i = j;
      continue;
    }
    std::uint64_t h = seeds.token;
    if (is_word_cp(cp)) {
      std::size_t n = 0;
      cps[0] = '<';
      char32_t c = cp;
      for (;;) {
        h = (h ^ c) * kFnvPrime;
        if (n < kMaxCharsPerToken) cps[++n] = c;
        i = j;
        if (i >= s.size()) break;
        c = next_code_point(s, j);
        if (!is_word_cp(c)) break;
      }
      emit_words(mix64(h));
      if (char_max > 0) {
        cps[n + 1] = '>';
        const std::size_t total = n + 2;
        for (std::size_t start = 0; start < total; ++start) {
          std::uint64_t g = seeds.chars;
          for (std::size_t len = 1; len <= static_cast<std::size_t>(char_max); ++len) {
            const std::size_t pos = start + len - 1;
            if (pos >= total) break;
            g = (g ^ cps[pos]) * kFnvPrime;
            if (len >= static_cast<std::size_t>(char_min) && len < total) {
              emit(static_cast<std::uint32_t>(mix64(g + len)) & mask);
            }
          }
        }
      }
    } else {
      // A run of symbols; a character repeated more than twice counts twice.
      char32_t last = 0;
      int repeat = 0;
      char32_t c = cp;
      for (;;) {
        repeat = c == last ? repeat + 1 : 1;
        last = c;
        if (repeat <= 2) h = (h ^ c) * kFnvPrime;
        i = j;
        if (i >= s.size()) break;
        c = next_code_point(s, j);
        if (is_space_cp(c) || is_word_cp(c)) break;
      }
      emit_words(mix64(h));
    }
  }
  const bool any_token = prev1 != (seeds.token ^ 0xB05);
  if (word_n >= 2 && any_token) {
    emit(static_cast<std::uint32_t>(mix64(mix64(prev1 ^ seeds.bi) ^ 0xE05)) & mask);
  }
}

// Every n-gram feature of `text` under `config` (the meta features are apart:
// for_each_meta_feature).
template <typename Emit>
void for_each_feature(const NormalizedText& text, const FeatureConfig& config, Emit& emit) {
  const std::uint32_t mask = (1u << config.bucket_bits) - 1u;
  const int cmax = config.char_max;
  const int cmin = config.char_min;
  const StreamSeeds text_seeds = make_seeds(config.hash_seed, 1);
  hash_stream(text.text, text_seeds, config.word_ngrams, cmin, config.char_text ? cmax : 0, mask,
              emit);
  if (config.shadow_word_ngrams > 0 || (config.char_shadow && cmax > 0)) {
    const StreamSeeds shadow_seeds = make_seeds(config.hash_seed, 2);
    hash_stream(text.shadow, shadow_seeds, config.shadow_word_ngrams, cmin,
                config.char_shadow ? cmax : 0, mask, emit);
  }
}

// The bin of a count on a log2 scale: 0, 1, 2-3, 4-7, ... capped at `cap`.
inline std::uint32_t log2_bin(std::size_t n, std::uint32_t cap) {
  std::uint32_t b = 0;
  while (n > 0 && b < cap) {
    ++b;
    n >>= 1;
  }
  return b;
}

// The features of kMetaRules: for each rule or PII finding in `prior`, its detector name; for each
// category they flag, the category with its best score in four bins; and the number of such
// findings (log2 bins). Findings of other detectors (models, claims) are ignored, so the features
// do not depend on the order of detectors after the rules.
template <typename Emit>
void for_each_rule_feature(std::span<const Finding> prior, const FeatureConfig& config,
                           Emit& emit) {
  const std::uint32_t mask = (1u << config.bucket_bits) - 1u;
  const std::uint64_t seed = mix64(config.hash_seed ^ 0x4B1E5EEDULL);
  double best[kCategoryCount];
  for (double& b : best) b = -1.0;
  std::size_t count = 0;
  for (const Finding& f : prior) {
    const std::string_view d = f.detector;
    if (d.rfind("rule:", 0) != 0 && d.rfind("pii:", 0) != 0) continue;
    ++count;
    std::uint64_t h = seed;
    for (const char c : d) h = (h ^ static_cast<unsigned char>(c)) * kFnvPrime;
    emit(static_cast<std::uint32_t>(mix64(h)) & mask);
    const auto cat = static_cast<std::size_t>(f.category);
    if (cat < kCategoryCount) best[cat] = std::max(best[cat], f.score);
  }
  if (count == 0) return;  // a text no rule touches adds nothing: the bias covers it
  for (std::size_t c = 0; c < kCategoryCount; ++c) {
    if (best[c] < 0.0) continue;
    const std::uint64_t bin = best[c] < 0.25 ? 0 : best[c] < 0.5 ? 1 : best[c] < 0.75 ? 2 : 3;
    emit(static_cast<std::uint32_t>(mix64(seed ^ (std::uint64_t{1} << 40) ^ (c << 8) ^ bin)) &
         mask);
  }
  emit(static_cast<std::uint32_t>(mix64(seed ^ (std::uint64_t{2} << 40) ^ log2_bin(count, 4))) &
       mask);
}

// Whether `w` (lower-case ASCII letters of the diacritics-free shadow) is a well-formed Vietnamese
// syllable: an optional initial consonant, one to three vowels, an optional final consonant.
// Keyboard mash ("dhnxncbcnc") and most English words fail; a few short English words pass,
// which is fine for a share. A consonant-only initial must be the whole leading consonant run
// (the rhyme starts with a vowel), so only that run and the initials "gi" and "qu" are tried.
inline bool is_vietnamese_syllable(std::string_view w) {
  if (w.empty() || w.size() > 7) return false;
  const auto is_vowel = [](char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
  };
  // One to three vowels, then "" or one of the final consonants c ch m n ng nh p t.
  const auto valid_rhyme = [&](std::size_t from) {
    std::size_t v = from;
    while (v < w.size() && is_vowel(w[v])) ++v;
    if (v == from || v - from > 3) return false;
    const std::size_t rest = w.size() - v;
    if (rest == 0) return true;
    const char f0 = w[v];
    if (rest == 1) return f0 == 'c' || f0 == 'm' || f0 == 'n' || f0 == 'p' || f0 == 't';
    if (rest == 2) {
      return w[v + 1] == 'h' ? (f0 == 'c' || f0 == 'n') : (f0 == 'n' && w[v + 1] == 'g');
    }
    return false;
  };
  std::size_t k = 0;
  while (k < w.size() && !is_vowel(w[k])) ++k;
  bool initial = false;
  if (k == 0) {
    initial = true;
  } else if (k == 1) {
    const char c = w[0];
    initial = c != 'f' && c != 'j' && c != 'q' && c != 'w' && c != 'z';
  } else if (k == 2) {
    const char c = w[0];
    initial =
        (w[1] == 'h' && (c == 'n' || c == 'c' || c == 'g' || c == 'k' || c == 'p' || c == 't')) ||
        (c == 'n' && w[1] == 'g') || (c == 't' && w[1] == 'r');
  } else if (k == 3) {
    initial = w.substr(0, 3) == "ngh";
  }
  if (initial && valid_rhyme(k)) return true;
  return (w.substr(0, 2) == "gi" || w.substr(0, 2) == "qu") && valid_rhyme(2);
}

// Whether `cp` is an upper-case letter of the Latin alphabets Vietnamese uses (A-Z, Latin-1,
// Latin Extended-A, Ơ, Ư and the Latin Extended Additional block of Vietnamese letters).
inline bool is_upper_cp(char32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  if (cp >= 0xC0 && cp <= 0xDE) return cp != 0xD7;
  if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) return cp % 2 == 0;
  if (cp >= 0x139 && cp <= 0x148) return cp % 2 == 1;
  if (cp == 0x1A0 || cp == 0x1AF) return true;
  if (cp >= 0x1EA0 && cp <= 0x1EF9) return cp % 2 == 0;
  return false;
}

// The features of kMetaText. Most come from the text as written, since normalizing lower-cases
// it, de-stretches "ngonnnnn" and folds line breaks, and those are what spam shows: the share
// of upper-case letters, the longest run of one letter, words with a letter stretched three
// times or more, line breaks; and from the shadow, the share of words that are not Vietnamese
// syllables (keyboard mash, English). One pass over each, no allocation. `original` is only read
// up to the prefix the normalizer used.
template <typename Emit>
void for_each_text_feature(const NormalizedText& text, std::string_view original,
                           const FeatureConfig& config, Emit& emit) {
  const std::uint32_t mask = (1u << config.bucket_bits) - 1u;
  const std::uint64_t seed = mix64(config.hash_seed ^ 0x7E47F00DULL);
  const auto put = [&](std::uint64_t group, std::uint64_t bin) {
    emit(static_cast<std::uint32_t>(mix64(seed ^ (group << 16) ^ bin)) & mask);
  };
  if (text.truncated) original = original.substr(0, text.original_bytes_used);
  std::size_t letters = 0, upper = 0, newlines = 0, longest_run = 0, stretched = 0;
  std::size_t run = 0;
  char32_t last = 0;
  bool word_stretched = false;
  std::size_t i = 0;
  while (i < original.size()) {
    const char32_t c = next_code_point(original, i);
    if (c == '\n') ++newlines;
    if (!is_word_cp(c)) {
      stretched += word_stretched ? 1 : 0;
      word_stretched = false;
      last = 0;
      continue;
    }
    run = c == last ? run + 1 : 1;
    last = c;
    longest_run = std::max(longest_run, run);
    const bool digit = c >= '0' && c <= '9';
    if (run >= 3 && !digit) word_stretched = true;
    if (digit || (c >= 0x300 && c <= 0x36F)) continue;  // digits, combining marks
    ++letters;
    upper += is_upper_cp(c) ? 1 : 0;
  }
  stretched += word_stretched ? 1 : 0;
  // Letter-only words of the shadow that are not Vietnamese syllables.
  const std::string_view sh = text.shadow;
  std::size_t letter_words = 0, invalid = 0;
  char buf[8];
  i = 0;
  while (i < sh.size()) {
    std::size_t j = i;
    char32_t c = next_code_point(sh, j);
    if (!is_word_cp(c)) {
      i = j;
      continue;
    }
    std::size_t length = 0;
    bool ascii_letters = true;
    for (;;) {
      if (c >= 'a' && c <= 'z') {
        if (length < sizeof buf) buf[length] = static_cast<char>(c);
      } else {
        ascii_letters = false;
      }
      ++length;
      i = j;
      if (i >= sh.size()) break;
      c = next_code_point(sh, j);
      if (!is_word_cp(c)) break;
    }
    if (!ascii_letters) continue;
    ++letter_words;
    if (length > sizeof buf || !is_vietnamese_syllable(std::string_view(buf, length))) ++invalid;
  }
  if (letters >= 5) {
    put(1, upper == 0                  ? 0
           : 10 * upper <= letters     ? 1
           : 10 * upper <= 3 * letters ? 2
           : 10 * upper <= 6 * letters ? 3
                                       : 4);
  }
  put(2, longest_run <= 3 ? longest_run : longest_run <= 5 ? 4 : longest_run <= 9 ? 5 : 6);
  put(3, stretched <= 1 ? stretched : stretched <= 3 ? 2 : 3);
  put(4, newlines <= 1 ? newlines : newlines <= 3 ? 2 : 3);
  if (letter_words > 0) {
    put(5, invalid == 0                      ? 0
           : 10 * invalid <= letter_words    ? 1
           : 4 * invalid <= letter_words     ? 2
           : 2 * invalid <= letter_words     ? 3
           : 4 * invalid <= 3 * letter_words ? 4
                                             : 5);
  }
}

// The features of kMetaAux: for each auxiliary probability (Model::aux_probabilities; index j
// names the auxiliary model and its label, which the file fixes), its bin: under 0.1, 0.25, 0.5,
// 0.75, or above. Bins rather than the raw value, since the link from an auxiliary model's
// probability to the odds of this model's labels need not be linear.
template <typename Emit>
void for_each_aux_feature(std::span<const float> aux_probs, const FeatureConfig& config,
                          Emit& emit) {
  const std::uint32_t mask = (1u << config.bucket_bits) - 1u;
  const std::uint64_t seed = mix64(config.hash_seed ^ 0xA0C5EEDULL);
  for (std::size_t j = 0; j < aux_probs.size(); ++j) {
    const float p = aux_probs[j];
    const std::uint64_t bin = p < 0.1f ? 0 : p < 0.25f ? 1 : p < 0.5f ? 2 : p < 0.75f ? 3 : 4;
    emit(static_cast<std::uint32_t>(mix64(seed ^ (std::uint64_t{j} << 8) ^ bin)) & mask);
  }
}

// The meta features: shape (kMetaShape), prior findings (kMetaRules), the text as written
// (kMetaText; `original` is the text `text` was normalized from) and the auxiliary models'
// probabilities (kMetaAux: `aux_probs`); calls emit(bucket) once per feature. They are counted
// apart from the n-grams (added to the logits unscaled), so they weigh the same in short and
// long texts.
template <typename Emit>
void for_each_meta_feature(const NormalizedText& text, std::string_view original,
                           std::span<const Finding> prior, const FeatureConfig& config, Emit& emit,
                           std::span<const float> aux_probs = {}) {
  if (config.meta & kMetaAux) for_each_aux_feature(aux_probs, config, emit);
  if (config.meta & kMetaRules) for_each_rule_feature(prior, config, emit);
  if (config.meta & kMetaText) for_each_text_feature(text, original, config, emit);
  if ((config.meta & kMetaShape) == 0) return;
  const std::string_view s = text.text;
  std::size_t words = 0, symbols = 0, digit_words = 0, letters = 0, marked = 0, longest = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = i;
    const char32_t cp = next_code_point(s, j);
    if (is_space_cp(cp)) {
      i = j;
      continue;
    }
    const bool word = is_word_cp(cp);
    std::size_t length = 0;
    bool digits = false;
    char32_t c = cp;
    for (;;) {
      ++length;
      if (word) {
        if (c >= '0' && c <= '9') {
          digits = true;
        } else {
          ++letters;
          if (c >= 0x80) ++marked;
        }
      }
      i = j;
      if (i >= s.size()) break;
      c = next_code_point(s, j);
      if (is_space_cp(c) || is_word_cp(c) != word) break;
    }
    if (word) {
      ++words;
      digit_words += digits ? 1 : 0;
      longest = std::max(longest, length);
    } else {
      ++symbols;
    }
  }
  const std::uint32_t mask = (1u << config.bucket_bits) - 1u;
  const std::uint64_t seed = mix64(config.hash_seed ^ 0x3E7AF00DULL);
  const auto put = [&](std::uint64_t group, std::uint64_t bin) {
    emit(static_cast<std::uint32_t>(mix64(seed ^ (group << 16) ^ bin)) & mask);
  };
  const std::uint32_t length_bin = log2_bin(words, 9);
  // Share of letters carrying a Vietnamese mark: 0 for English or unaccented text.
  const std::uint32_t marked_bin =
      letters == 0 ? 6
                   : static_cast<std::uint32_t>(std::min<std::size_t>(5, 10 * marked / letters));
  const std::size_t tokens = words + symbols;
  const std::uint32_t symbol_bin =
      tokens == 0 ? 0 : static_cast<std::uint32_t>(std::min<std::size_t>(4, 10 * symbols / tokens));
  put(1, length_bin);
  put(2, marked_bin);
  put(3, length_bin * 16 + marked_bin);
  put(4, longest <= 4 ? 0 : longest <= 7 ? 1 : longest <= 10 ? 2 : longest <= 15 ? 3 : 4);
  put(5, symbol_bin);
  put(6, log2_bin(digit_words, 3));
  put(7, (s.find("http") != std::string_view::npos || s.find("www.") != std::string_view::npos)
             ? 1
             : 0);
}

}  // namespace tincay::model_internal
