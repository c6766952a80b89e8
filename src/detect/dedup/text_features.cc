#include "src/detect/dedup/text_features.h"

#include "tincay/core/utf8.h"

namespace tincay::features {

bool is_word_char(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  if (cp < 0xC0) return false;                       // Latin-1 punctuation and symbols
  if (cp == 0xD7 || cp == 0xF7) return false;        // × ÷
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;    // punctuation, arrows, math, dingbats
  if (cp >= 0x3000 && cp <= 0x303F) return false;    // CJK punctuation
  if (cp >= 0xFE00 && cp <= 0xFE0F) return false;    // variation selectors
  if (cp >= 0xFF00 && cp <= 0xFF0F) return false;    // full-width punctuation
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;  // emoji and pictographs
  if (cp >= 0xE0000) return false;                   // tags, private use
  return true;
}

void word_spans(std::string_view s, std::vector<ByteSpan>& out) {
  std::size_t i = 0;
  bool in_word = false;
  std::size_t start = 0;
  while (i < s.size()) {
    const std::size_t at = i;
    const bool word = is_word_char(utf8::decode(s, i));
    if (word && !in_word) {
      start = at;
      in_word = true;
    } else if (!word && in_word) {
      out.push_back({static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(at)});
      in_word = false;
    }
  }
  if (in_word) {
    out.push_back({static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(s.size())});
  }
}

}  // namespace tincay::features
