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

// The meta features: shape (kMetaShape) and prior findings (kMetaRules); calls emit(bucket) once
// per feature. They are counted apart from the n-grams (added to the logits unscaled), so they
// weigh the same in short and long texts.
template <typename Emit>
void for_each_meta_feature(const NormalizedText& text, std::span<const Finding> prior,
                           const FeatureConfig& config, Emit& emit) {
  if (config.meta & kMetaRules) for_each_rule_feature(prior, config, emit);
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
