// A first normalizer: NFC per character cluster, invisible-character removal, whitespace folding,
// lower case and a diacritics-free shadow, each byte mapped back to the original.
#include <utf8proc.h>

#include <cstdlib>

#include "tincay/core/utf8.h"
#include "tincay/normalize.h"

namespace tincay {
namespace {

bool is_combining(char32_t cp) {
  const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
  return p->combining_class != 0 || p->category == UTF8PROC_CATEGORY_MN;
}

// Zero-width and formatting characters that people insert to dodge filters.
bool is_invisible(char32_t cp) {
  return cp == 0x00AD || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF || cp == 0x180E;
}

bool is_space(char32_t cp) {
  if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C) return true;
  const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
  return p->category == UTF8PROC_CATEGORY_ZS || cp == 0x2028 || cp == 0x2029;
}

bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp < 0xA0); }

// The base letter of a Latin letter with diacritics (ệ → e, đ → d); other code points unchanged.
char32_t strip_diacritics(char32_t cp) {
  if (cp < 0xC0) return cp;
  if (cp == 0x0111) return U'd';
  if (cp == 0x0110) return U'D';
  if (cp > 0x24F && (cp < 0x1E00 || cp > 0x1EFF)) return cp;
  utf8proc_int32_t buf[8];
  int last_class = 0;
  const utf8proc_ssize_t n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(cp), buf, 8,
                                                     UTF8PROC_DECOMPOSE, &last_class);
  return n > 0 ? static_cast<char32_t>(buf[0]) : cp;
}

class Builder {
 public:
  explicit Builder(NormalizedText& out) : out_(out) {}

  void emit(char32_t cp, ByteSpan source) {
    if (is_invisible(cp)) return;
    if (is_space(cp) || is_control(cp)) {
      pending_space_ = !out_.text.empty();
      space_source_ = source;
      return;
    }
    if (pending_space_) {
      push(U' ', U' ', space_source_);
      pending_space_ = false;
    }
    const auto lower = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
    push(lower, strip_diacritics(lower), source);
  }

 private:
  void push(char32_t cp, char32_t shadow_cp, ByteSpan source) {
    const std::size_t before = out_.text.size();
    utf8::append(out_.text, cp);
    out_.text_map.insert(out_.text_map.end(), out_.text.size() - before, source);
    const std::size_t shadow_before = out_.shadow.size();
    utf8::append(out_.shadow, shadow_cp);
    out_.shadow_map.insert(out_.shadow_map.end(), out_.shadow.size() - shadow_before, source);
  }

  NormalizedText& out_;
  bool pending_space_ = false;
  ByteSpan space_source_;
};

}  // namespace

Result<Normalizer> Normalizer::create(const NormalizeOptions& options) {
  return Normalizer(options);
}

NormalizedText Normalizer::normalize(std::string_view original) const {
  NormalizedText out;
  const std::size_t used = utf8::prefix_at_boundary(original, options_.max_input_bytes);
  out.truncated = used < original.size();
  out.original_bytes_used = used;
  const std::string_view input = original.substr(0, used);
  out.text.reserve(input.size());
  out.text_map.reserve(input.size());
  out.shadow.reserve(input.size());
  out.shadow_map.reserve(input.size());
  Builder builder(out);

  std::size_t i = 0;
  while (i < input.size()) {
    // A cluster is one code point and the combining marks after it; NFC only changes clusters.
    const std::size_t start = i;
    const char32_t first = utf8::decode(input, i);
    std::size_t marks = 0;
    while (i < input.size()) {
      std::size_t j = i;
      if (!is_combining(utf8::decode(input, j))) break;
      i = j;
      ++marks;
    }
    const ByteSpan source{static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(i)};
    if (marks == 0) {
      builder.emit(first, source);
      continue;
    }
    utf8proc_uint8_t* composed = nullptr;
    const utf8proc_ssize_t n =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(input.data() + start),
                     static_cast<utf8proc_ssize_t>(i - start), &composed,
                     static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (n < 0) {
      builder.emit(first, source);  // cannot happen on valid UTF-8; keep the base letter
      continue;
    }
    const std::string_view c(reinterpret_cast<const char*>(composed), static_cast<std::size_t>(n));
    for (std::size_t k = 0; k < c.size();) builder.emit(utf8::decode(c, k), source);
    std::free(composed);
  }
  return out;
}

std::string Normalizer::normalize_phrase(std::string_view phrase) const {
  return normalize(phrase).text;
}

}  // namespace tincay
