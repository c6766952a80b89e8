// Text features shared by near-duplicate detection and claim matching: word spans of a normalized
// string, and fast non-cryptographic hashing. Internal to src/detect/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "tincay/core/normalized_text.h"

namespace tincay::features {

// True for code points that belong to words: ASCII letters and digits, and any non-ASCII code
// point outside the punctuation, symbol and emoji blocks (Vietnamese letters, other scripts).
bool is_word_char(char32_t cp);

// Appends the byte spans of the words (maximal runs of word characters) of `s` to `out`.
// REQUIRES: `s` is valid UTF-8.
void word_spans(std::string_view s, std::vector<ByteSpan>& out);

// A 64-bit finalizer (splitmix64): spreads every input bit over the output.
inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// FNV-1a over the bytes, finalized by mix64; `seed` separates hash families.
inline std::uint64_t hash_bytes(std::string_view s, std::uint64_t seed = 0) {
  std::uint64_t h = 0xCBF29CE484222325ULL ^ seed;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return mix64(h);
}

}  // namespace tincay::features
