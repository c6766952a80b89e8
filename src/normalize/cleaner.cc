// Unicode clean-up (pass 1). The ASCII path is a table read and two push_backs; everything
// else goes through CharTable, and composition runs only when a combining mark appears.
#include "src/normalize/cleaner.h"

#include <utf8proc.h>

#include "tincay/core/utf8.h"

#include "src/normalize/tones.h"

namespace tincay::normalize_internal {
namespace {

// Stands in for a space that separated a detached mark from the rest of its word ("bươ ́ c"); it
// is removed when the two sides form one syllable, and becomes a plain space otherwise.
constexpr char32_t kSoftSpace = 0xE000;

bool is_vietnamese_mark(char32_t m) {
  return m == 0x300 || m == 0x301 || m == 0x303 || m == 0x309 || m == 0x323 || m == 0x302 ||
         m == 0x306 || m == 0x31B;
}

// Composes `base` + `mark`, also when the mark must go under another one first
// (ê + U+0323 → ệ): decomposes the base, inserts the mark in canonical order, recomposes.
char32_t compose_with(char32_t base, char32_t mark) {
  if (const char32_t c = compose_pair(base, mark); c != 0) return c;
  utf8proc_int32_t buf[8];
  int last_class = 0;
  const utf8proc_ssize_t n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(base), buf, 7,
                                                     UTF8PROC_DECOMPOSE, &last_class);
  if (n < 2 || n > 6) return 0;
  std::size_t len = static_cast<std::size_t>(n);
  const int cls = combining_class(mark);
  std::size_t at = len;
  while (at > 1 && combining_class(static_cast<char32_t>(buf[at - 1])) > cls) --at;
  for (std::size_t k = len; k > at; --k) buf[k] = buf[k - 1];
  buf[at] = static_cast<utf8proc_int32_t>(mark);
  ++len;
  char32_t out = static_cast<char32_t>(buf[0]);
  for (std::size_t k = 1; k < len; ++k) {
    out = compose_pair(out, static_cast<char32_t>(buf[k]));
    if (out == 0) return 0;
  }
  return out;
}

// Moves tone marks of the letter run ending at `end` (exclusive) to their canonical vowel.
void fix_tones(std::vector<char32_t>& chars, std::size_t begin, std::size_t end) {
  const std::size_t n = end - begin;
  if (n < 2 || n > 8) return;
  bool has_non_ascii = false;
  for (std::size_t i = begin; i < end; ++i) has_non_ascii = has_non_ascii || chars[i] >= 0x80;
  if (!has_non_ascii) return;
  canonicalize_tone(chars.data() + begin, n);
}

void resolve_soft_spaces(const CharTable& table, std::vector<char32_t>& chars,
                         std::vector<ByteSpan>& spans) {
  std::size_t w = 0;
  for (std::size_t r = 0; r < chars.size(); ++r) {
    if (chars[r] == kSoftSpace) {
      std::size_t left = w;
      while (left > 0 && table.is_letter(chars[left - 1])) --left;
      std::size_t right = r + 1;
      while (right < chars.size() && table.is_letter(chars[right])) ++right;
      const std::size_t n = (w - left) + (right - r - 1);
      char32_t joined[8];
      bool join = false;
      if (right > r + 1 && n <= 7) {
        std::size_t k = 0;
        for (std::size_t i = left; i < w; ++i) joined[k++] = chars[i];
        for (std::size_t i = r + 1; i < right; ++i) joined[k++] = chars[i];
        join = is_vietnamese_syllable(joined, n);
      }
      if (join) continue;  // dropped: the two halves are one word
      chars[w] = U' ';
      spans[w] = spans[r];
      ++w;
      continue;
    }
    chars[w] = chars[r];
    spans[w] = spans[r];
    ++w;
  }
  chars.resize(w);
  spans.resize(w);
  // Joined words may now carry their tone on the wrong vowel.
  std::size_t start = 0;
  for (std::size_t i = 0; i <= chars.size(); ++i) {
    if (i == chars.size() || !table.is_letter(chars[i])) {
      fix_tones(chars, start, i);
      start = i + 1;
    }
  }
}

}  // namespace

void clean_text(const CharTable& table, std::string_view input, std::vector<char32_t>& chars,
                std::vector<ByteSpan>& spans) {
  clean_text(table, input, 0, input.size(), chars, spans);
}

bool clean_text(const CharTable& table, std::string_view input, std::size_t begin, std::size_t end,
                std::vector<char32_t>& chars, std::vector<ByteSpan>& spans) {
  // At most one character per input byte (a space run, a soft space or a composed mark each
  // consume at least one byte): the buffers are sized once and written through pointers, then
  // trimmed; their capacity is kept between posts.
  chars.resize(end - begin);
  spans.resize(end - begin);
  char32_t* const out_c = chars.data();
  ByteSpan* const out_s = spans.data();
  std::size_t w = 0;  // characters written
  // Whether the letter run since word_start holds a non-ASCII character: only those can carry a
  // tone mark in the wrong place, so ASCII words skip the tone check.
  bool word_high = false;
  auto end_word = [&](std::size_t word_start) {
    const std::size_t len = w - word_start;
    if (word_high && len >= 2 && len <= 8) canonicalize_tone(out_c + word_start, len);
    word_high = false;
  };
  bool pending_space = false;
  ByteSpan space_source;
  bool any_soft_space = false;
  std::size_t word_start = 0;  // start of the current letter run
  std::size_t i = begin;
  const std::size_t n = end;
  while (i < n) {
    const auto start = static_cast<std::uint32_t>(i);
    const auto b = static_cast<unsigned char>(input[i]);
    char32_t cp;
    if (b < 0x80) {
      // Plain lower-case ASCII letters, the bulk of most posts, go straight through.
      if (b >= 'a' && b <= 'z' && !pending_space) {
        out_c[w] = b;
        out_s[w] = {start, start + 1};
        ++w;
        ++i;
        continue;
      }
      cp = b;
      ++i;
    } else if ((b & 0xE0) == 0xC0 && i + 1 < n) {
      cp = (static_cast<char32_t>(b & 0x1F) << 6) |
           (static_cast<char32_t>(static_cast<unsigned char>(input[i + 1])) & 0x3F);
      i += 2;
    } else if ((b & 0xF0) == 0xE0 && i + 2 < n) {
      cp = (static_cast<char32_t>(b & 0x0F) << 12) |
           ((static_cast<char32_t>(static_cast<unsigned char>(input[i + 1])) & 0x3F) << 6) |
           (static_cast<char32_t>(static_cast<unsigned char>(input[i + 2])) & 0x3F);
      i += 3;
    } else {
      cp = utf8::decode(input, i);
    }
    const ByteSpan source{start, static_cast<std::uint32_t>(i)};
    const CharInfo info = table.info(cp);
    switch (info.cls) {
      case CharClass::kInvisible:
        continue;
      case CharClass::kSpace:
        if (w > 0) {
          if (!pending_space) space_source = source;
          space_source.end = source.end;
          pending_space = true;
        }
        continue;
      case CharClass::kMark: {
        if (w == 0) continue;  // nothing to attach to
        const char32_t prev = out_c[w - 1];
        const CharClass prev_cls = table.info(prev).cls;
        const bool detached = pending_space;
        if (detached && !(prev_cls == CharClass::kLetter && is_vietnamese_mark(cp))) continue;
        if (prev_cls == CharClass::kLetter) {
          if (const char32_t c = compose_with(prev, cp); c != 0) {
            out_c[w - 1] = table.info(c).folded;
            word_high = word_high || out_c[w - 1] >= 0x80;
            out_s[w - 1].end = source.end;
            if (detached) {
              pending_space = false;
              // "thi ́ ch": the rest of the word may follow after another space.
              std::size_t j = i;
              while (j < n && input[j] == ' ') ++j;
              if (j > i && j < n) {
                out_c[w] = kSoftSpace;
                out_s[w] = {static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j)};
                ++w;
                word_high = true;
                any_soft_space = true;
                i = j;
              }
            }
            continue;
          }
        }
        if (detached) continue;
        out_c[w] = cp;  // a mark with no precomposed form stays, after its base
        out_s[w] = source;
        ++w;
        word_high = true;
        continue;
      }
      default:
        break;
    }
    if (pending_space) {
      end_word(word_start);
      out_c[w] = U' ';
      out_s[w] = space_source;
      ++w;
      pending_space = false;
      word_start = w;
    }
    if (info.cls != CharClass::kLetter) {
      end_word(word_start);
      out_c[w] = info.folded;
      out_s[w] = source;
      ++w;
      word_start = w;
      continue;
    }
    out_c[w] = info.folded;
    out_s[w] = source;
    ++w;
    word_high = word_high || info.folded >= 0x80;
  }
  end_word(word_start);
  chars.resize(w);
  spans.resize(w);
  if (any_soft_space) resolve_soft_spaces(table, chars, spans);
  return any_soft_space;
}

}  // namespace tincay::normalize_internal
