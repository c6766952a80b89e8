// tincay/core/normalized_text.h — what the normalize stage hands to every detector.
//
// The normalized text and its diacritics-free shadow each carry a byte-level map back to the
// original text, so any match a detector finds can be reported as evidence on what the author
// actually wrote.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace tincay {

// A half-open byte range [begin, end) of some UTF-8 string.
struct ByteSpan {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;

  friend bool operator==(const ByteSpan&, const ByteSpan&) = default;
};

enum class TokenKind : std::uint8_t {
  kWord,  // a syllable or word
  kNumber,
  kPunctuation,
  kUrl,
  kEmail,
  kPhone,
  kEmoji,
  kHashtag,
  kMention,
};

// The token kind's name in JSON output (`tincay normalize --json`, POST /v1/explain).
constexpr std::string_view token_kind_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::kWord:
      return "word";
    case TokenKind::kNumber:
      return "number";
    case TokenKind::kPunctuation:
      return "punct";
    case TokenKind::kUrl:
      return "url";
    case TokenKind::kEmail:
      return "email";
    case TokenKind::kPhone:
      return "phone";
    case TokenKind::kEmoji:
      return "emoji";
    case TokenKind::kHashtag:
      return "hashtag";
    case TokenKind::kMention:
      return "mention";
  }
  return "word";
}

// Bits of Token::flags: how the normalizer arrived at a token's text.
namespace token_flags {
inline constexpr std::uint8_t kExpanded = 1;      // a teencode/abbreviation form was expanded
inline constexpr std::uint8_t kAmbiguous = 2;     // kept as written; see the alternatives
inline constexpr std::uint8_t kDeobfuscated = 4;  // rejoined, de-stretched or de-leeted
}  // namespace token_flags

struct Token {
  TokenKind kind = TokenKind::kWord;
  ByteSpan normalized;     // bytes of NormalizedText::text
  ByteSpan original;       // bytes of the original text
  std::uint8_t flags = 0;  // token_flags bits
  // For an ambiguous form (flags & kAmbiguous): its readings are
  // NormalizedText::alternatives[alternatives_begin, alternatives_begin + alternatives_count).
  std::uint16_t alternatives_count = 0;
  std::uint32_t alternatives_begin = 0;
};

// The allocator of buffers that are written in full after they grow: growing a vector that
// uses it leaves the new elements of a trivial type unset instead of zeroing them. The
// normalizer sizes the maps to each post before writing them; zeroing ~16 bytes per input byte
// for every post cost about 5% of its time.
template <class T>
struct OverwriteAllocator : std::allocator<T> {
  using value_type = T;
  // Named by the allocator protocol (a base class of an older standard library may have one).
  template <class U>
  struct rebind {  // NOLINT(readability-identifier-naming)
    using other = OverwriteAllocator<U>;
  };
  OverwriteAllocator() = default;
  template <class U>
  explicit OverwriteAllocator(const OverwriteAllocator<U>& /*other*/) noexcept {}
  // Default construction: nothing for trivially copyable types (ByteSpan), which begin their
  // lifetime in the allocated storage (C++20 implicit object creation).
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    if constexpr (!(std::is_trivially_copyable_v<U> && std::is_trivially_destructible_v<U>)) {
      ::new (static_cast<void*>(p)) U;
    }
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  template <class U>
  void destroy(U* p) noexcept {
    if constexpr (!std::is_trivially_destructible_v<U>) p->~U();
  }
};

// A map from bytes of a normalized string to the original bytes each came from.
using OffsetMap = std::vector<ByteSpan, OverwriteAllocator<ByteSpan>>;

struct NormalizedText {
  std::string text;      // normalized UTF-8
  OffsetMap text_map;    // text_map[i]: original bytes that produced text[i]
  std::string shadow;    // `text` with diacritics removed (đ→d, ư→u, ...)
  OffsetMap shadow_map;  // shadow_map[i]: original bytes that produced shadow[i]
  std::vector<Token> tokens;
  bool truncated = false;  // only a prefix of the original was normalized
  std::size_t original_bytes_used = 0;
  // Readings of ambiguous tokens: spans of `alternative_text` (e.g. "t" → "tôi", "tao"), in the
  // lexicon's order (most frequent first). Each is normalized exactly like `text`.
  std::vector<ByteSpan> alternatives;
  std::string alternative_text;

  // Working buffers of the normalizer, kept here so that normalizing into a reused
  // NormalizedText allocates nothing once they have grown. Contents are unspecified.
  std::vector<char32_t> work_chars;
  std::vector<ByteSpan> work_spans;

  // The original bytes behind normalized bytes [begin, end) of `text`.
  // REQUIRES: begin < end <= text.size().
  ByteSpan text_to_original(std::size_t begin, std::size_t end) const {
    return {text_map[begin].begin, text_map[end - 1].end};
  }
  // The original bytes behind bytes [begin, end) of `shadow`.
  ByteSpan shadow_to_original(std::size_t begin, std::size_t end) const {
    return {shadow_map[begin].begin, shadow_map[end - 1].end};
  }
  // The k-th reading of an ambiguous token. REQUIRES: k < token.alternatives_count.
  std::string_view alternative(const Token& token, std::size_t k) const {
    const ByteSpan s = alternatives[token.alternatives_begin + k];
    return std::string_view(alternative_text).substr(s.begin, s.end - s.begin);
  }
};

}  // namespace tincay
