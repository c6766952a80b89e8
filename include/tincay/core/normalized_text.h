// tincay/core/normalized_text.h — what the normalize stage hands to every detector.
//
// The normalized text and its diacritics-free shadow each carry a byte-level map back to the
// original text, so any match a detector finds can be reported as evidence on what the author
// actually wrote.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tincay {

// A half-open byte range [begin, end) of some UTF-8 string.
struct ByteSpan {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;

  friend bool operator==(const ByteSpan&, const ByteSpan&) = default;
};

enum class TokenKind : std::uint8_t {
  kWord,         // a syllable or word
  kNumber,
  kPunctuation,
  kUrl,
  kEmail,
  kPhone,
  kEmoji,
  kHashtag,
  kMention,
};

struct Token {
  TokenKind kind = TokenKind::kWord;
  ByteSpan normalized;  // bytes of NormalizedText::text
  ByteSpan original;    // bytes of the original text
};

struct NormalizedText {
  std::string text;                 // normalized UTF-8
  std::vector<ByteSpan> text_map;   // text_map[i]: original bytes that produced text[i]
  std::string shadow;               // `text` with diacritics removed (đ→d, ư→u, ...)
  std::vector<ByteSpan> shadow_map; // shadow_map[i]: original bytes that produced shadow[i]
  std::vector<Token> tokens;
  bool truncated = false;           // only a prefix of the original was normalized
  std::size_t original_bytes_used = 0;

  // The original bytes behind normalized bytes [begin, end) of `text`.
  // REQUIRES: begin < end <= text.size().
  ByteSpan text_to_original(std::size_t begin, std::size_t end) const {
    return {text_map[begin].begin, text_map[end - 1].end};
  }
  // The original bytes behind bytes [begin, end) of `shadow`.
  ByteSpan shadow_to_original(std::size_t begin, std::size_t end) const {
    return {shadow_map[begin].begin, shadow_map[end - 1].end};
  }
};

}  // namespace tincay
