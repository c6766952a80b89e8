// Tokenization (pass 2). Works chunk by chunk (runs between spaces) over the cleaned characters;
// each rule below says which real-text shapes it must leave alone.
#include "src/normalize/tokenizer.h"

#include <string_view>

#include "tincay/core/utf8.h"

#include "src/normalize/deobfuscate.h"
#include "src/normalize/offsets.h"
#include "src/normalize/tones.h"

namespace tincay::normalize_internal {
namespace {

constexpr std::size_t kMaxWord = 48;  // longer letter runs are copied as they are

// Characters that may sit inside a word-like run ("9.5", "10:30", "a@b.vn", "l.ừ.a", "đ!t").
bool is_joiner(char32_t c) {
  switch (c) {
    case U'.':
    case U',':
    case U':':
    case U'/':
    case U'-':
    case U'_':
    case U'@':
    case U'!':
    case U'$':
    case U'*':
    case U'\'':
    case U'+':
    case U'~':
      return true;
    default:
      return false;
  }
}

bool is_url_char(char32_t c) {
  if ((c >= U'a' && c <= U'z') || (c >= U'0' && c <= U'9') || (c >= U'A' && c <= U'Z')) {
    return true;
  }
  return std::u32string_view(U"-._~:/?#[]@!$&'()*+,;=%").find(c) != std::u32string_view::npos;
}

bool is_ascii_letter(char32_t c) { return c >= U'a' && c <= U'z'; }
bool is_ascii_digit(char32_t c) { return c >= U'0' && c <= U'9'; }

bool is_tld(std::u32string_view t) {
  static constexpr std::u32string_view kTlds[] = {
      U"com", U"net",  U"org",    U"vn",   U"info",  U"io",   U"me",   U"co",   U"biz",   U"xyz",
      U"top", U"site", U"online", U"shop", U"store", U"app",  U"dev",  U"tv",   U"ly",    U"gl",
      U"gg",  U"to",   U"edu",    U"gov",  U"asia",  U"club", U"live", U"link", U"click", U"ru",
      U"cn",  U"uk",   U"us",     U"cc",   U"ws",    U"ai",   U"fun",  U"vip"};
  for (const std::u32string_view x : kTlds) {
    if (x == t) return true;
  }
  return false;
}

// Vietnamese phone numbers: 10 digits starting 0[1-9], or 84/+84 followed by 9 digits.
bool is_phone_digits(const char32_t* d, std::size_t n, bool plus) {
  if (n == 10 && !plus) return d[0] == U'0' && d[1] != U'0';
  if (n == 11) return d[0] == U'8' && d[1] == U'4' && d[2] != U'0';
  return false;
}

class Pass {
 public:
  Pass(const CharTable& table, const TeencodeLexicon& lexicon, const TokenizeOptions& options,
       const std::vector<char32_t>& chars, const std::vector<ByteSpan>& spans, NormalizedText& out)
      : table_(table),
        lexicon_(lexicon),
        options_(options),
        c_(chars),
        s_(spans),
        em_(out, table, spans.empty() ? 0 : spans.back().end - spans.front().begin + 32) {}

  void run() {
    const std::size_t n = c_.size();
    std::size_t i = 0;
    while (i < n) {
      std::size_t e = i;
      while (e < n && c_[e] != U' ') ++e;
      if (i > 0) em_.put(U' ', s_[i - 1]);
      std::size_t next = e;
      if (!(options_.deobfuscate && spaced_letters(i, next)) && !spaced_phone(i, next)) {
        chunk(i, e);
      }
      i = next + 1;
    }
    em_.finish();
  }

 private:
  CharClass cls(std::size_t i) const { return table_.info(c_[i]).cls; }

  // Whether any letter of the post carries a diacritic (computed once, on first use).
  bool post_has_marks() {
    if (has_marks_ < 0) {
      has_marks_ = 0;
      for (const char32_t c : c_) {
        if (c >= 0x80 && table_.shadow(c) != c && table_.is_letter(c)) {
          has_marks_ = 1;
          break;
        }
      }
    }
    return has_marks_ == 1;
  }

  // Chunk [b, e) is one letter, optionally closed by a dot ("đ.", "m").
  bool lone_letter_chunk(std::size_t b, std::size_t e) const {
    if (e <= b || !table_.is_letter(c_[b])) return false;
    return e == b + 1 || (e == b + 2 && c_[b + 1] == U'.');
  }

  // Spaced initials ("đ. m", "o. t. p", "T. P. Huế"): a lone letter closed by a dot next to
  // another lone letter. Their letters are not teencode ("đ" is not "đéo" there).
  bool spaced_initial(std::size_t b, std::size_t e) const {
    if (!lone_letter_chunk(b, e)) return false;
    const std::size_t n = c_.size();
    if (e == b + 2 && e + 1 < n) {  // "X." followed by a lone letter
      std::size_t f = e + 1;
      while (f < n && c_[f] != U' ') ++f;
      if (lone_letter_chunk(e + 1, f)) return true;
    }
    if (b >= 3 && c_[b - 1] == U' ' && c_[b - 2] == U'.') {  // preceded by "Y."
      const std::size_t pb = b - 3;
      if (lone_letter_chunk(pb, b - 1) && (pb == 0 || c_[pb - 1] == U' ')) return true;
    }
    return false;
  }
  bool alnum(std::size_t i) const {
    const CharClass k = cls(i);
    return k == CharClass::kLetter || k == CharClass::kDigit || k == CharClass::kOther;
  }
  ByteSpan source(std::size_t b, std::size_t e) const { return {s_[b].begin, s_[e - 1].end}; }

  void verbatim(std::size_t b, std::size_t e, TokenKind kind) {
    const std::uint32_t start = em_.text_size();
    em_.put_run(c_.data() + b, s_.data() + b, e - b);
    em_.add_token(kind, start, source(b, e));
  }

  // A letter word: stretch collapse, tone placement, then the lexicon.
  void word(const char32_t* w_in, const ByteSpan* s_in, std::size_t n, std::uint8_t flags,
            bool use_lexicon = true) {
    if (n > kMaxWord) {
      long_word(w_in, s_in, n, flags);
      return;
    }
    // Copied only when stretched letters may need collapsing or the tone placing (rare): most
    // words are emitted straight from the cleaned characters.
    if (options_.deobfuscate &&
        ((flags & token_flags::kDeobfuscated) != 0 || may_be_stretched(w_in, n))) {
      rewritten_word(w_in, s_in, n, flags, use_lexicon);
      return;
    }
    emit_word(w_in, s_in, n, flags, use_lexicon);
  }

  // Letter runs longer than kMaxWord are copied as they are (kept out of line: rare).
  [[gnu::noinline]] void long_word(const char32_t* w, const ByteSpan* ws, std::size_t n,
                                   std::uint8_t flags) {
    const std::uint32_t start = em_.text_size();
    em_.put_run(w, ws, n);
    em_.add_token(TokenKind::kWord, start, {ws[0].begin, ws[n - 1].end}, flags);
  }

  // word() for letters that may change: stretch collapse, then tone placement when anything
  // was de-obfuscated.
  void rewritten_word(const char32_t* w_in, const ByteSpan* s_in, std::size_t n, std::uint8_t flags,
                      bool use_lexicon) {
    char32_t w[kMaxWord];
    ByteSpan ws[kMaxWord];
    for (std::size_t k = 0; k < n; ++k) {
      w[k] = w_in[k];
      ws[k] = s_in[k];
    }
    const std::size_t m = collapse_stretched(w, ws, n);
    if (m != n) flags |= token_flags::kDeobfuscated;
    if ((flags & token_flags::kDeobfuscated) != 0) canonicalize_tone(w, m);
    emit_word(w, ws, m, flags, use_lexicon);
  }

  // The lexicon lookup and output of a word w[0, n) (n <= kMaxWord).
  void emit_word(const char32_t* w, const ByteSpan* ws, std::size_t n, std::uint8_t flags,
                 bool use_lexicon) {
    const ByteSpan original{ws[0].begin, ws[n - 1].end};
    if (use_lexicon && options_.expand_teencode && lexicon_.size() > 0) {
      // The key is the word's UTF-8, hashed as it is written.
      char key[kMaxWord * 4];
      std::size_t len = 0;
      std::uint64_t h = kHashSeed;
      bool fits = true;
      const std::size_t max_bytes = lexicon_.max_form_bytes();
      for (std::size_t k = 0; k < n && fits; ++k) {
        const char32_t c = w[k];
        if (len > max_bytes) fits = false;
        const std::size_t at = len;
        if (c < 0x80) {
          key[len++] = static_cast<char>(c);
        } else if (c < 0x800) {
          key[len++] = static_cast<char>(0xC0 | (c >> 6));
          key[len++] = static_cast<char>(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
          key[len++] = static_cast<char>(0xE0 | (c >> 12));
          key[len++] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
          key[len++] = static_cast<char>(0x80 | (c & 0x3F));
        } else {
          fits = false;
        }
        for (std::size_t j = at; j < len; ++j) h = hash_step(h, static_cast<unsigned char>(key[j]));
      }
      const LexiconEntry* entry = fits ? lexicon_.find(std::string_view(key, len), h) : nullptr;
      if (entry != nullptr && !entry->expansion.empty() &&
          !(entry->needs_marked_context && !post_has_marks())) {
        expansion(entry->expansion, original, flags);
        return;
      }
      if (entry != nullptr) {
        // Ambiguous, or a real syllable in a post typed without marks ("hoa hong"): kept as
        // written, with the readings for detectors.
        const std::uint32_t start = em_.text_size();
        for (std::size_t k = 0; k < n; ++k) em_.put(w[k], ws[k]);
        em_.add_token(TokenKind::kWord, start, original, flags | token_flags::kAmbiguous);
        if (entry->expansion.empty()) {
          for (const std::string& alt : entry->alternatives) em_.add_alternative(alt);
        } else {
          em_.add_alternative(entry->expansion);
        }
        return;
      }
    }
    const std::uint32_t start = em_.text_size();
    em_.put_run(w, ws, n);
    em_.add_token(TokenKind::kWord, start, original, flags);
  }

  // Writes an expansion ("điện thoại"), one token per word, every byte mapped to the span of
  // the abbreviation it replaces.
  void expansion(std::string_view text, ByteSpan original, std::uint8_t flags) {
    flags |= token_flags::kExpanded;
    std::uint32_t start = em_.text_size();
    for (std::size_t i = 0; i < text.size();) {
      const char32_t c = utf8::decode(text, i);
      if (c == U' ') {
        em_.add_token(TokenKind::kWord, start, original, flags);
        em_.put(U' ', original);
        start = em_.text_size();
        continue;
      }
      em_.put(c, original);
    }
    em_.add_token(TokenKind::kWord, start, original, flags);
  }

  // "v i ệ c l à m": three or more one-letter chunks that spell syllables.
  bool spaced_letters(std::size_t i, std::size_t& next) {
    const std::size_t n = c_.size();
    auto single = [&](std::size_t p) {
      return p < n && table_.is_letter(c_[p]) && (p + 1 == n || c_[p + 1] == U' ');
    };
    if (!single(i)) return false;
    char32_t w[32];
    ByteSpan ws[32];
    std::size_t k = 0;
    for (std::size_t p = i; k < 32 && single(p); p += 2) {
      w[k] = c_[p];
      ws[k] = s_[p];
      ++k;
    }
    if (k < 3) return false;
    std::size_t lengths[16];
    std::size_t covered = 0;
    const std::size_t pieces = segment_syllables(w, k, &lexicon_, lengths, 16, covered);
    if (covered < 3) return false;
    std::size_t at = 0;
    for (std::size_t piece = 0; piece < pieces; ++piece) {
      if (piece > 0) em_.put(U' ', s_[i + 2 * at - 1]);
      word(w + at, ws + at, lengths[piece], token_flags::kDeobfuscated);
      at += lengths[piece];
    }
    next = i + 2 * (covered - 1) + 1;
    return true;
  }

  // "0978 123 456": digit groups separated by spaces that together make a phone number.
  bool spaced_phone(std::size_t i, std::size_t& next) {
    const std::size_t n = c_.size();
    char32_t d[12];
    std::size_t count = 0;
    std::size_t p = i;
    std::size_t groups = 0;
    std::size_t end = i;
    while (p < n && is_ascii_digit(c_[p])) {
      std::size_t q = p;
      while (q < n && is_ascii_digit(c_[q])) ++q;
      if (q < n && c_[q] != U' ') break;  // the group must be a whole chunk
      if (count + (q - p) > 11) break;
      for (std::size_t k = p; k < q; ++k) d[count++] = c_[k];
      ++groups;
      end = q;
      if (is_phone_digits(d, count, false) && groups >= 2) {
        const std::uint32_t start = em_.text_size();
        for (std::size_t k = i; k < end; ++k) {
          if (c_[k] != U' ') em_.put(c_[k], s_[k]);
        }
        em_.add_token(TokenKind::kPhone, start, source(i, end), token_flags::kDeobfuscated);
        next = end;
        return true;
      }
      p = q + 1;
    }
    return false;
  }

  void chunk(std::size_t b, std::size_t e) {
    initials_ = e - b <= 2 && spaced_initial(b, e);
    // Most chunks are one plain word: straight to word(), skipping the shape checks below.
    std::size_t letters = b;
    while (letters < e && cls(letters) == CharClass::kLetter) ++letters;
    if (letters == e && e > b) {
      word(c_.data() + b, s_.data() + b, e - b, 0, !initials_);
      return;
    }
    // URLs need a dot ("abc.vn", "www.") or a colon ("http:"); most chunks have neither.
    bool maybe_url = false;
    for (std::size_t k = b; k < e && !maybe_url; ++k) maybe_url = c_[k] == U'.' || c_[k] == U':';
    std::size_t p = b;
    while (p < e) {
      const char32_t ch = c_[p];
      const CharClass k = cls(p);
      const bool at_start = p == b || !alnum(p - 1);
      if (maybe_url && at_start && (k == CharClass::kLetter || k == CharClass::kDigit)) {
        std::size_t ue = 0;
        if (url_at(p, e, ue)) {
          verbatim(p, ue, TokenKind::kUrl);
          p = ue;
          continue;
        }
      }
      if ((ch == U'@' || ch == U'#') && at_start && p + 1 < e && alnum(p + 1)) {
        std::size_t q = p + 1;
        while (q < e && (alnum(q) || c_[q] == U'_' ||
                         (c_[q] == U'.' && ch == U'@' && q + 1 < e && alnum(q + 1)))) {
          ++q;
        }
        verbatim(p, q, ch == U'@' ? TokenKind::kMention : TokenKind::kHashtag);
        p = q;
        continue;
      }
      if (ch == U'+' && p + 1 < e && is_ascii_digit(c_[p + 1])) {
        const std::size_t q = run_end(p + 1, e);
        number(p, q);
        p = q;
        continue;
      }
      if (k == CharClass::kLetter || k == CharClass::kDigit || k == CharClass::kOther) {
        const std::size_t q = run_end(p, e);
        run(p, q);
        p = q;
        continue;
      }
      if (k == CharClass::kEmoji) {
        std::size_t q = p + 1;
        while (q < e && cls(q) == CharClass::kMark) ++q;
        verbatim(p, q, TokenKind::kEmoji);
        p = q;
        continue;
      }
      std::size_t q = p + 1;
      while (q < e) {
        const CharClass kq = cls(q);
        if (kq != CharClass::kPunct && kq != CharClass::kMark) break;
        if ((c_[q] == U'@' || c_[q] == U'#') && q + 1 < e && alnum(q + 1)) break;
        ++q;
      }
      verbatim(p, q, TokenKind::kPunctuation);
      p = q;
    }
  }

  std::size_t run_end(std::size_t p, std::size_t e) const {
    std::size_t q = p;
    while (q < e) {
      if (alnum(q)) {
        ++q;
      } else if (is_joiner(c_[q]) && q + 1 < e && alnum(q + 1) && q > p) {
        ++q;
      } else {
        break;
      }
    }
    return q;
  }

  bool url_at(std::size_t p, std::size_t e, std::size_t& ue) const {
    std::size_t q = p;
    while (q < e && is_url_char(c_[q])) ++q;
    if (q - p < 4) return false;
    const std::u32string_view t(c_.data() + p, q - p);
    bool url =
        t.substr(0, 7) == U"http://" || t.substr(0, 8) == U"https://" || t.substr(0, 4) == U"www.";
    if (!url && t.find(U'@') == std::u32string_view::npos) {
      // host.tld, host.tld/path: a dot, then a known top-level domain ending the host name.
      const std::size_t host_end = std::min(t.find(U'/'), t.size());
      for (std::size_t dot = t.find(U'.'); dot != std::u32string_view::npos && dot < host_end;
           dot = t.find(U'.', dot + 1)) {
        std::size_t z = dot + 1;
        while (z < t.size() && is_ascii_letter(t[z])) ++z;
        const bool boundary =
            z == t.size() || !(is_ascii_digit(t[z]) || t[z] == U'-' || t[z] == U'_');
        if (dot > 0 && z > dot + 1 && boundary && is_tld(t.substr(dot + 1, z - dot - 1))) {
          url = true;
          break;
        }
      }
    }
    if (!url) return false;
    while (q > p &&
           std::u32string_view(U".,;:!?)]'\"").find(c_[q - 1]) != std::u32string_view::npos) {
      --q;
    }
    if (q <= p) return false;
    ue = q;
    return true;
  }

  // A run of letters/digits with joiners inside.
  void run(std::size_t p, std::size_t q) {
    bool all_letters = true;
    std::size_t at = q;
    for (std::size_t k = p; k < q; ++k) {
      if (cls(k) != CharClass::kLetter) all_letters = false;
      if (c_[k] == U'@' && at == q) at = k;
    }
    if (all_letters) {
      word(c_.data() + p, s_.data() + p, q - p, 0, !initials_);
      return;
    }
    if (at < q) {  // e-mail: local@domain.tld
      bool dot_after = false;
      for (std::size_t k = at + 1; k < q; ++k) dot_after = dot_after || c_[k] == U'.';
      if (dot_after && at > p) {
        verbatim(p, q, TokenKind::kEmail);
        return;
      }
    }
    if (cls(p) == CharClass::kDigit) {
      number(p, q);
      return;
    }
    if (options_.deobfuscate && (leet(p, q) || dotted(p, q))) return;
    // Fallback: alphanumeric pieces as words (or mixed tokens such as "mp3"), joiners as
    // punctuation. Letter groups joined by dots are an abbreviation ("TP.HCM", "v.v"): its parts
    // are not teencode.
    bool dotted_letters = false;
    for (std::size_t k = p + 1; k + 1 < q; ++k) {
      dotted_letters = dotted_letters || (c_[k] == U'.' && cls(k - 1) == CharClass::kLetter &&
                                          cls(k + 1) == CharClass::kLetter);
    }
    std::size_t k = p;
    while (k < q) {
      if (!alnum(k)) {
        verbatim(k, k + 1, TokenKind::kPunctuation);
        ++k;
        continue;
      }
      std::size_t z = k;
      bool letters = true;
      while (z < q && alnum(z)) {
        letters = letters && cls(z) == CharClass::kLetter;
        ++z;
      }
      // A lone letter joined to other pieces ("o,t,p", "đ/m") is an initial, not teencode.
      const bool initial = z - k == 1 && (k > p || z < q);
      if (letters) {
        word(c_.data() + k, s_.data() + k, z - k, 0, !dotted_letters && !initial);
      } else {
        verbatim(k, z, cls(k) == CharClass::kDigit ? TokenKind::kNumber : TokenKind::kWord);
      }
      k = z;
    }
  }

  // Numbers keep their form ("9.5", "300k", "10:30", "12/3/2024"); digit groups that make a
  // phone number ("0.9.7.8.1.2.3.4.5.6", "+84 ...") become the bare digits.
  void number(std::size_t p, std::size_t q) {
    char32_t d[12];
    std::size_t count = 0;
    bool phone_shape = true;
    const bool plus = c_[p] == U'+';
    for (std::size_t k = plus ? p + 1 : p; k < q; ++k) {
      if (is_ascii_digit(c_[k])) {
        if (count == 12) {
          phone_shape = false;
          break;
        }
        d[count++] = c_[k];
      } else if (c_[k] != U'.' && c_[k] != U'-') {
        phone_shape = false;
      }
    }
    if (phone_shape && is_phone_digits(d, count, plus)) {
      const std::uint32_t start = em_.text_size();
      for (std::size_t k = p; k < q; ++k) {
        if (is_ascii_digit(c_[k]) || c_[k] == U'+') em_.put(c_[k], s_[k]);
      }
      const bool separated = q - p != count + (plus ? 1 : 0);
      em_.add_token(TokenKind::kPhone, start, source(p, q),
                    separated ? token_flags::kDeobfuscated : 0);
      return;
    }
    verbatim(p, q, TokenKind::kNumber);
  }

  // "l0n", "c@c", "đ!t": digits or symbols standing for letters inside a word.
  bool leet(std::size_t p, std::size_t q) {
    const std::size_t n = q - p;
    if (n < 3 || n > 8 || cls(p) != CharClass::kLetter || cls(q - 1) != CharClass::kLetter) {
      return false;
    }
    char32_t w[8];
    bool replaced = false;
    for (std::size_t k = 0; k < n; ++k) {
      const char32_t c = c_[p + k];
      if (cls(p + k) == CharClass::kLetter) {
        w[k] = c;
        continue;
      }
      w[k] = leet_letter(c);
      if (w[k] == 0) return false;
      replaced = true;
    }
    if (!replaced || !is_word_like(w, n, &lexicon_)) return false;
    word(w, s_.data() + p, n, token_flags::kDeobfuscated);
    return true;
  }

  // "l.ừ.a", "đ-ả-o", "l.ừ.a.đ.ả.o": letters split by single separators that spell syllables.
  bool dotted(std::size_t p, std::size_t q) {
    char32_t w[32];
    ByteSpan ws[32];
    std::size_t n = 0;
    std::size_t piece = 0;
    bool short_piece = false;
    std::size_t pieces = 0;
    for (std::size_t k = p; k < q; ++k) {
      if (cls(k) == CharClass::kLetter) {
        if (n == 32) return false;
        w[n] = c_[k];
        ws[n] = s_[k];
        ++n;
        ++piece;
        continue;
      }
      if (c_[k] == U'@' || c_[k] == U'/' || cls(k) != CharClass::kPunct) return false;
      short_piece = short_piece || piece == 1;
      ++pieces;
      piece = 0;
    }
    short_piece = short_piece || piece == 1;
    ++pieces;
    if (pieces < 2 || !short_piece) return false;
    std::size_t lengths[16];
    std::size_t covered = 0;
    const std::size_t syllables = segment_syllables(w, n, &lexicon_, lengths, 16, covered);
    if (covered != n) return false;
    std::size_t at = 0;
    for (std::size_t s = 0; s < syllables; ++s) {
      if (s > 0) em_.put(U' ', {ws[at - 1].end, ws[at].begin});
      word(w + at, ws + at, lengths[s], token_flags::kDeobfuscated);
      at += lengths[s];
    }
    return true;
  }

  const CharTable& table_;
  const TeencodeLexicon& lexicon_;
  const TokenizeOptions& options_;
  const std::vector<char32_t>& c_;
  const std::vector<ByteSpan>& s_;
  Emitter em_;
  int has_marks_ = -1;     // post_has_marks(): -1 not yet known
  bool initials_ = false;  // the current chunk is one of spaced initials
};

}  // namespace

void tokenize(const CharTable& table, const TeencodeLexicon& lexicon,
              const TokenizeOptions& options, const std::vector<char32_t>& chars,
              const std::vector<ByteSpan>& spans, NormalizedText& out) {
  Pass(table, lexicon, options, chars, spans, out).run();
}

}  // namespace tincay::normalize_internal
