// The output side of the normalizer: appends characters to NormalizedText::text and ::shadow
// together, each byte mapped to the original bytes it came from, and records tokens. Keeping the
// two strings and their maps in one place is what keeps the shadow aligned with the text.
#pragma once

#include <string_view>

#include "tincay/core/normalized_text.h"
#include "tincay/core/utf8.h"

#include "src/normalize/chars.h"

namespace tincay::normalize_internal {

class Emitter {
 public:
  Emitter(NormalizedText& out, const CharTable& chars) : out_(out), chars_(chars) {}

  // Appends one (already folded) character produced by original bytes `source`.
  void put(char32_t c, ByteSpan source) {
    if (c < 0x80) {
      out_.text.push_back(static_cast<char>(c));
      out_.text_map.push_back(source);
      const char32_t s = chars_.shadow(c);
      out_.shadow.push_back(static_cast<char>(s));
      out_.shadow_map.push_back(source);
      return;
    }
    append_mapped(out_.text, out_.text_map, c, source);
    append_mapped(out_.shadow, out_.shadow_map, chars_.shadow(c), source);
  }

  // Appends UTF-8 `s` (normalized already), every byte produced by `source`.
  void put_string(std::string_view s, ByteSpan source) {
    for (std::size_t i = 0; i < s.size();) put(utf8::decode(s, i), source);
  }

  std::uint32_t text_size() const { return static_cast<std::uint32_t>(out_.text.size()); }
  bool empty() const { return out_.text.empty(); }

  // Records a token over text bytes [begin, current end) and original bytes `original`.
  Token& add_token(TokenKind kind, std::uint32_t begin, ByteSpan original, std::uint8_t flags = 0) {
    Token t;
    t.kind = kind;
    t.normalized = {begin, text_size()};
    t.original = original;
    t.flags = flags;
    out_.tokens.push_back(t);
    return out_.tokens.back();
  }

  // Attaches readings to the last token.
  void add_alternative(std::string_view reading) {
    Token& t = out_.tokens.back();
    if (t.alternatives_count == 0) {
      t.alternatives_begin = static_cast<std::uint32_t>(out_.alternatives.size());
    }
    const auto begin = static_cast<std::uint32_t>(out_.alternative_text.size());
    out_.alternative_text.append(reading);
    out_.alternatives.push_back({begin, static_cast<std::uint32_t>(out_.alternative_text.size())});
    ++t.alternatives_count;
  }

 private:
  static void append_mapped(std::string& s, std::vector<ByteSpan>& map, char32_t c,
                            ByteSpan source) {
    const std::size_t before = s.size();
    utf8::append(s, c);
    map.insert(map.end(), s.size() - before, source);
  }

  NormalizedText& out_;
  const CharTable& chars_;
};

}  // namespace tincay::normalize_internal
