// The output side of the normalizer: appends characters to NormalizedText::text and ::shadow
// together, each byte mapped to the original bytes it came from, and records tokens. Keeping the
// two strings and their maps in one place is what keeps the shadow aligned with the text.
#pragma once

#include <algorithm>
#include <cstring>
#include <string_view>

#include "tincay/core/normalized_text.h"
#include "tincay/core/utf8.h"

#include "src/normalize/chars.h"

namespace tincay::normalize_internal {

class Emitter {
 public:
  // `size_hint`: the expected text length in bytes (the buffers grow past it when needed).
  // NormalizedText::text, ::shadow and their maps are written through raw pointers between
  // construction and finish(); until finish() their sizes are the buffers' capacity in use.
  Emitter(NormalizedText& out, const CharTable& chars, std::size_t size_hint)
      : out_(out), chars_(chars) {
    // What the buffers hold is overwritten, not cleared: growing a cleared map would
    // value-initialize every span again for every post.
    // Exactly the hint (growing doubles, which here would value-initialize twice the post).
    if (out_.text.size() < size_hint + 16) {
      out_.text.resize(size_hint + 16);
      out_.text_map.resize(size_hint + 16);
    }
    if (out_.shadow.size() < size_hint + 16) {
      out_.shadow.resize(size_hint + 16);
      out_.shadow_map.resize(size_hint + 16);
    }
  }

  // Trims text, shadow and maps to what was written. Call once, after the last put.
  void finish() {
    out_.text.resize(t_len_);
    out_.text_map.resize(t_len_);
    out_.shadow.resize(s_len_);
    out_.shadow_map.resize(s_len_);
  }

  // Appends one (already folded) character produced by original bytes `source`.
  void put(char32_t c, ByteSpan source) {
    if (c < 0x80 && t_len_ < out_.text.size() && s_len_ < out_.shadow.size()) {
      // An ASCII character (the space between words, mostly): no encoding, no loop.
      out_.text[t_len_] = static_cast<char>(c);
      out_.text_map[t_len_++] = source;
      out_.shadow[s_len_] = static_cast<char>(chars_.shadow(c));
      out_.shadow_map[s_len_++] = source;
      return;
    }
    put_run(&c, &source, 1);
  }

  // put(U' ', source), inlined: the space between two chunks.
  void put_space(ByteSpan source) {
    if (t_len_ >= out_.text.size()) grow_text(1);
    if (s_len_ >= out_.shadow.size()) grow_shadow(1);
    out_.text[t_len_] = ' ';
    out_.text_map[t_len_++] = source;
    out_.shadow[s_len_] = ' ';
    out_.shadow_map[s_len_++] = source;
  }

  // Appends characters w[0, n), w[k] produced by original bytes ws[k].
  void put_run(const char32_t* w, const ByteSpan* ws, std::size_t n) {
    if (t_len_ + 4 * n > out_.text.size()) grow_text(4 * n);
    if (s_len_ + 4 * n > out_.shadow.size()) grow_shadow(4 * n);
    char* t = out_.text.data() + t_len_;
    ByteSpan* tm = out_.text_map.data() + t_len_;
    char* sh = out_.shadow.data() + s_len_;
    ByteSpan* sm = out_.shadow_map.data() + s_len_;
    const char* const t_begin = t;
    const char* const s_begin = sh;
    for (std::size_t k = 0; k < n; ++k) {
      const char32_t c = w[k];
      const ByteSpan source = ws[k];
      const char32_t s = chars_.shadow(c);
      if (c < 0x80) {
        *t++ = static_cast<char>(c);
        *tm++ = source;
      } else {
        const std::size_t len = encode(c, t);
        t += len;
        for (std::size_t j = 0; j < len; ++j) *tm++ = source;
      }
      if (s < 0x80) {  // most Vietnamese letters lose their marks and become ASCII
        *sh++ = static_cast<char>(s);
        *sm++ = source;
      } else {
        const std::size_t len = encode(s, sh);
        sh += len;
        for (std::size_t j = 0; j < len; ++j) *sm++ = source;
      }
    }
    t_len_ += static_cast<std::size_t>(t - t_begin);
    s_len_ += static_cast<std::size_t>(sh - s_begin);
  }

  // put_run for letters below CharTable::kFastSize, without branches per byte: each
  // character's UTF-8 and shadow come from its FastChar, and its span is stored three times
  // before the write position advances by the real length.
  void put_letters(const char32_t* w, const ByteSpan* ws, std::size_t n) {
    // At most 3 bytes per letter (all are below U+2070), each store writing 4 bytes and 3
    // spans; 8 bytes to spare, for the caller reads 8 bytes from the start of the letters.
    if (t_len_ + 3 * n + 8 > out_.text.size()) grow_text(3 * n + 8);
    if (s_len_ + 3 * n + 4 > out_.shadow.size()) grow_shadow(3 * n + 4);
    char* t = out_.text.data() + t_len_;
    ByteSpan* tm = out_.text_map.data() + t_len_;
    char* sh = out_.shadow.data() + s_len_;
    ByteSpan* sm = out_.shadow_map.data() + s_len_;
    for (std::size_t k = 0; k < n; ++k) {
      const FastChar& f = chars_.fast(w[k]);
      const ByteSpan source = ws[k];
      std::memcpy(t, f.utf8, 4);
      tm[0] = source;
      tm[1] = source;
      tm[2] = source;
      t += f.utf8_len;
      tm += f.utf8_len;
      std::memcpy(sh, f.shadow_utf8, 4);
      sm[0] = source;
      sm[1] = source;
      sm[2] = source;
      sh += f.shadow_len;
      sm += f.shadow_len;
    }
    t_len_ = static_cast<std::size_t>(t - out_.text.data());
    s_len_ = static_cast<std::size_t>(sh - out_.shadow.data());
  }

  // Raw write positions for the one-pass path (tokenizer.cc, FastPass): where the next byte of
  // text, shadow and their maps goes. A writer may store up to 4 bytes and 3 spans past its
  // final position.
  struct Cursor {
    char* t;
    ByteSpan* tm;
    char* sh;
    ByteSpan* sm;
  };
  // Makes room for `bytes` more bytes of text and of shadow (plus the 4 a writer may store past
  // them) and returns the current end, which stays uncommitted until advance().
  [[gnu::always_inline]] Cursor cursor(std::size_t bytes) {
    if (t_len_ + bytes + 4 > out_.text.size() || s_len_ + bytes + 4 > out_.shadow.size()) {
      make_room(bytes + 4);
    }
    return {out_.text.data() + t_len_, out_.text_map.data() + t_len_, out_.shadow.data() + s_len_,
            out_.shadow_map.data() + s_len_};
  }
  // The ends of the text and shadow buffers: a cursor may write up to them.
  const char* text_end() const { return out_.text.data() + out_.text.size(); }
  const char* shadow_end() const { return out_.shadow.data() + out_.shadow.size(); }
  // Commits what was written through a cursor of this emitter, up to `end`.
  void advance(const Cursor& end) {
    t_len_ = static_cast<std::size_t>(end.t - out_.text.data());
    s_len_ = static_cast<std::size_t>(end.sh - out_.shadow.data());
  }
  // Where text offset 0 is (text_offset(t) == t - text_offset_base()), until the next write.
  const char* text_offset_base() const { return out_.text.data(); }
  // advance() given only the text and shadow positions.
  void advance_to(const char* t, const char* sh) {
    t_len_ = static_cast<std::size_t>(t - out_.text.data());
    s_len_ = static_cast<std::size_t>(sh - out_.shadow.data());
  }
  // Text offset of a cursor position.
  std::uint32_t text_offset(const char* t) const {
    return static_cast<std::uint32_t>(t - out_.text.data());
  }

  // Records a token over text bytes [begin, end) and original bytes `original`.
  [[gnu::always_inline]] void add_token_range(TokenKind kind, std::uint32_t begin,
                                              std::uint32_t end, ByteSpan original) {
    Token t;
    t.kind = kind;
    t.normalized = {begin, end};
    t.original = original;
    out_.tokens.push_back(t);
  }

  // The text bytes written since `begin`.
  std::string_view text_since(std::uint32_t begin) const {
    return std::string_view(out_.text.data() + begin, t_len_ - begin);
  }
  std::uint32_t shadow_size() const { return static_cast<std::uint32_t>(s_len_); }
  // Forgets what was written after text byte `text_end` and shadow byte `shadow_end`.
  void rewind(std::uint32_t text_end, std::uint32_t shadow_end) {
    t_len_ = text_end;
    s_len_ = shadow_end;
  }

  // Appends UTF-8 `s` (normalized already), every byte produced by `source`.
  void put_string(std::string_view s, ByteSpan source) {
    for (std::size_t i = 0; i < s.size();) put(utf8::decode(s, i), source);
  }

  std::uint32_t text_size() const { return static_cast<std::uint32_t>(t_len_); }
  bool empty() const { return t_len_ == 0; }

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
  // Writes non-ASCII `c` as UTF-8 to buf[0, 4); returns the length.
  static std::size_t encode(char32_t c, char* buf) {
    if (c < 0x800) {
      buf[0] = static_cast<char>(0xC0 | (c >> 6));
      buf[1] = static_cast<char>(0x80 | (c & 0x3F));
      return 2;
    }
    if (c < 0x10000) {
      buf[0] = static_cast<char>(0xE0 | (c >> 12));
      buf[1] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      buf[2] = static_cast<char>(0x80 | (c & 0x3F));
      return 3;
    }
    buf[0] = static_cast<char>(0xF0 | (c >> 18));
    buf[1] = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    buf[2] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    buf[3] = static_cast<char>(0x80 | (c & 0x3F));
    return 4;
  }

  // Makes room for `more` bytes past what is written in both text and shadow (out of line: rare).
  [[gnu::noinline]] void make_room(std::size_t more) {
    if (t_len_ + more > out_.text.size()) grow_text(more);
    if (s_len_ + more > out_.shadow.size()) grow_shadow(more);
  }
  // Makes room for `more` bytes past what is written (rare after the first posts: resize only
  // zero-fills, the capacity is kept between posts).
  void grow_text(std::size_t more) {
    const std::size_t want = std::max(out_.text.size() * 2, t_len_ + more + 16);
    out_.text.resize(want);
    out_.text_map.resize(want);
  }
  void grow_shadow(std::size_t more) {
    const std::size_t want = std::max(out_.shadow.size() * 2, s_len_ + more + 16);
    out_.shadow.resize(want);
    out_.shadow_map.resize(want);
  }

  NormalizedText& out_;
  const CharTable& chars_;
  std::size_t t_len_ = 0;  // bytes of text (and text_map) written
  std::size_t s_len_ = 0;  // bytes of shadow (and shadow_map) written
};

}  // namespace tincay::normalize_internal
