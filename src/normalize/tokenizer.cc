// Tokenization (pass 2). Works chunk by chunk (runs between spaces) over the cleaned characters;
// each rule below says which real-text shapes it must leave alone.
#include "src/normalize/tokenizer.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "tincay/core/utf8.h"

#include "src/normalize/cleaner.h"
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

// Answers "does any letter of the whole post carry a diacritic?" for a Pass that sees only part
// of the post (normalize_fast).
class MarksOracle {
 public:
  virtual bool post_has_marks() = 0;

 protected:
  ~MarksOracle() = default;
};

class Pass {
 public:
  // Tokenizes cleaned chars/spans into `em`; `marks` (may be null: the chars are the whole post)
  // answers post_has_marks().
  Pass(const CharTable& table, const TeencodeLexicon& lexicon, const TokenizeOptions& options,
       const std::vector<char32_t>& chars, const std::vector<ByteSpan>& spans, Emitter& em,
       MarksOracle* marks)
      : table_(table),
        lexicon_(lexicon),
        options_(options),
        c_(chars),
        s_(spans),
        em_(em),
        marks_(marks) {}

  // Writes all chunks (the caller calls Emitter::finish()).
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

  // word() for letters that are neither stretched nor longer than kMaxWord and are the lexicon
  // form `entry` (the caller looked it up).
  void found_word(const LexiconEntry& entry, const char32_t* w, const ByteSpan* ws, std::size_t n) {
    lexicon_word(entry, w, ws, n, 0);
  }

  // found_word() for a word that is already written: true when lexicon_word() would keep it as
  // written (then it adds nothing); otherwise it writes the expansion in its place (the caller
  // has committed the text up to the word) with its tokens.
  bool found_written_word(const LexiconEntry& entry, ByteSpan original) {
    if (!entry.expansion.empty() && !(entry.needs_marked_context && !post_has_marks())) {
      expansion(entry.expansion, original, 0);
      return false;
    }
    return true;
  }

  // The token and readings lexicon_word() adds after a word it keeps as written, over text bytes
  // [begin, current end).
  void ambiguous_word(const LexiconEntry& entry, std::uint32_t begin, ByteSpan original) {
    em_.add_token(TokenKind::kWord, begin, original, token_flags::kAmbiguous);
    if (entry.expansion.empty()) {
      for (const std::string& alt : entry.alternatives) em_.add_alternative(alt);
    } else {
      em_.add_alternative(entry.expansion);
    }
  }

 private:
  CharClass cls(std::size_t i) const { return table_.info(c_[i]).cls; }

  // Whether any letter of the post carries a diacritic (computed once, on first use).
  bool post_has_marks() {
    if (marks_ != nullptr) return marks_->post_has_marks();
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
      std::uint64_t h = TeencodeLexicon::kSeed;
      bool fits = true;
      const std::size_t max_bytes = lexicon_.max_form_bytes();
      for (std::size_t k = 0; k < n && fits; ++k) {
        const char32_t c = w[k];
        if (len > max_bytes) fits = false;
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
        h = TeencodeLexicon::step(h, c);
      }
      const LexiconEntry* entry =
          fits ? lexicon_.find_hashed(std::string_view(key, len), h) : nullptr;
      if (entry != nullptr) {
        lexicon_word(*entry, w, ws, n, flags);
        return;
      }
    }
    const std::uint32_t start = em_.text_size();
    em_.put_run(w, ws, n);
    em_.add_token(TokenKind::kWord, start, original, flags);
  }

  // emit_word for a word w[0, n) that is the lexicon form `entry`.
  void lexicon_word(const LexiconEntry& entry, const char32_t* w, const ByteSpan* ws, std::size_t n,
                    std::uint8_t flags) {
    const ByteSpan original{ws[0].begin, ws[n - 1].end};
    if (!entry.expansion.empty() && !(entry.needs_marked_context && !post_has_marks())) {
      expansion(entry.expansion, original, flags);
      return;
    }
    // Ambiguous, or a real syllable in a post typed without marks ("hoa hong"): kept as
    // written, with the readings for detectors.
    const std::uint32_t start = em_.text_size();
    for (std::size_t k = 0; k < n; ++k) em_.put(w[k], ws[k]);
    em_.add_token(TokenKind::kWord, start, original, flags | token_flags::kAmbiguous);
    if (entry.expansion.empty()) {
      for (const std::string& alt : entry.alternatives) em_.add_alternative(alt);
    } else {
      em_.add_alternative(entry.expansion);
    }
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
  Emitter& em_;
  MarksOracle* marks_;
  int has_marks_ = -1;     // post_has_marks() without `marks_`: -1 not yet known
  bool initials_ = false;  // the current chunk is one of spaced initials
};

// normalize_fast (tokenizer.h). The text is cut into chunks at ASCII spaces. A chunk of at most
// kMaxChunk letters and punctuation, shaped [punct*][letters >= 2][punct*] or punct+, is "plain"
// when, in addition, the space before it follows a boundary-safe character (or starts the
// text) and the space after it is followed by one (or ends the text): then cleaning and
// tokenizing it within the whole text gives what the code below writes directly, and cutting the
// text at those spaces changes nothing for the chunks around it. Why, rule by rule:
//  - clean_text: a single space between two boundary-safe characters becomes one space with its
//    own span (no white-space run, no detached mark, no soft space reaching across it); the
//    letters of a plain chunk are one letter run, folded and tone-placed on their own.
//  - tokenize: a plain chunk has no digits, '@', '#' or '+', and it is neither one letter nor
//    "X." (so spaced_letters, spaced_phone and spaced_initial never involve it, and they look no
//    further than a neighbouring chunk); its punctuation runs are one token each, and the only
//    URLs it could spell ("www.", "http://") are left to the two-pass path.
// Numbers are the one exception to "no digits": a chunk [digits][punct*] followed by no digit
// group (which could join it into a phone number split by spaces) is one number or phone token
// and a punctuation token, whatever is around it, exactly as Pass::number writes it.
// Other chunks are gathered into runs and handed to clean_text + Pass unchanged. Two facts about
// the whole text are handled apart: whether any letter carries a diacritic (the lexicon's
// needs_marked_context; answered from what was seen plus a scan of the rest), and U+E000, which
// clean_text uses as its soft space (a post holding it takes the two-pass path).
//
// Three layers, fastest first: hot() writes runs of chunks of letters, punctuation and numbers in
// one loop, each character decoded once and written straight to the output, tokens buffered;
// what it does not take (pictographs, lone letters next to unknown chunks, ...) goes to scan()
// and commit(), one chunk at a time; what is not plain goes to flush() and the two passes.
class FastPass final : public MarksOracle {
 public:
  FastPass(const CharTable& table, const TeencodeLexicon& lexicon, const TokenizeOptions& options,
           std::string_view input, NormalizedText& out)
      : table_(table),
        lexicon_(lexicon),
        options_(options),
        in_(input),
        out_(out),
        em_(out, table, input.size() + 8),
        words_(table, lexicon, options, out.work_chars, out.work_spans, em_, this) {}

  bool run() {
    const std::size_t n = in_.size();
    constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    std::size_t slow_begin = kNone;  // start of the run of chunks left to the two-pass path
    std::size_t slow_space = 0;      // start of the separator before slow_begin
    // The chunk before was written here and is not a lone letter; the chunk before ends with a
    // boundary-safe character.
    bool prev_plain = false;
    bool prev_safe = false;
    std::size_t space = 0;  // the separator before the chunk at p is [space, p)
    std::size_t p = skip_separators(0);
    while (p < n) {
      if (slow_begin == kNone && (space == 0 || prev_safe)) {
        const std::size_t from = p;
        if (!hot(p, space, prev_plain)) return false;
        if (p != from) {
          prev_safe = true;
          if (p >= n) break;
        }
      }
      // With no run of other chunks pending, the chunk and the space before it are written
      // straight away, and taken back when the chunk turns out not to be plain.
      const bool direct = slow_begin == kNone;
      const std::uint32_t mark_text = em_.text_size();
      const std::uint32_t mark_shadow = em_.shadow_size();
      if (direct && cleaned_any_) {
        em_.put_space({static_cast<std::uint32_t>(space), static_cast<std::uint32_t>(p)});
      }
      const Shape shape = scan(p);
      const std::size_t q = q_;
      const std::size_t next = skip_separators(q);
      const bool first = space == 0;  // nothing but white space before p
      bool plain = shape != Shape::kNone && (first || prev_safe) && (next >= n || safe_at(next));
      // A lone letter may start or continue spaced letters ("v i ệ c") or be an initial
      // ("T. P"): only between two chunks known to be neither.
      if (plain && shape == Shape::kLoneLetter) {
        plain = (first || prev_plain) && (next >= n || next_is_plain_not_lone(next));
      }
      if (plain) {
        if (!direct) {
          if (!flush(slow_space, slow_begin, space)) return false;
          slow_begin = kNone;
          if (cleaned_any_) {
            em_.put_space({static_cast<std::uint32_t>(space), static_cast<std::uint32_t>(p)});
          }
          scan(p);  // again, after what flush() wrote
        }
        scan_from_ = q;
        commit(p);
        cleaned_any_ = true;
        if (restart_) return false;
        prev_plain = shape != Shape::kLoneLetter;
        prev_safe = true;
      } else {
        if (direct) em_.rewind(mark_text, mark_shadow);
        if (slow_begin == kNone) {
          slow_begin = p;
          slow_space = space;
        }
        prev_plain = false;
        prev_safe = q > p && safe_before(q);
      }
      space = q;
      p = next;
    }
    if (slow_begin != kNone && !flush(slow_space, slow_begin, n)) return false;
    em_.finish();
    return true;
  }

  bool post_has_marks() override {
    if (marks_seen_) return true;
    if (rest_has_marks_ < 0) {
      // Nothing so far: the answer is in the part not yet written. clean_text changes which
      // letters carry marks only by composing combining marks; with one there, start over.
      rest_has_marks_ = 0;
      for (std::size_t i = scan_from_; i < in_.size();) {
        const CharInfo info = table_.info(utf8::decode(in_, i));
        if (info.cls == CharClass::kMark) {
          restart_ = true;
          break;
        }
        const char32_t f = info.folded;
        if (info.cls == CharClass::kLetter && f >= 0x80 && table_.shadow(f) != f &&
            table_.is_letter(f)) {
          rest_has_marks_ = 1;
          break;
        }
      }
    }
    return rest_has_marks_ == 1;
  }

 private:
  static constexpr std::size_t kMaxChunk = 64;
  enum class Shape : std::uint8_t { kNone, kPlain, kLoneLetter };

  // Separators: ASCII white space (clean_text folds any white-space run into one space whose
  // span covers the run).
  static bool is_separator(unsigned char b) { return b == ' ' || (b >= 0x09 && b <= 0x0D); }
  std::size_t skip_separators(std::size_t i) const {
    while (i < in_.size() && is_separator(static_cast<unsigned char>(in_[i]))) ++i;
    return i;
  }

  // The character ending just before byte `end`.
  bool safe_before(std::size_t end) const {
    std::size_t j = end - 1;
    if (static_cast<unsigned char>(in_[j]) < 0x80) return safe_at(j);
    while (j > 0 && (static_cast<unsigned char>(in_[j]) & 0xC0) == 0x80) --j;
    return table_.boundary_safe(utf8::decode(in_, j));
  }
  // The character starting at byte `i`.
  bool safe_at(std::size_t i) const {
    const auto b = static_cast<unsigned char>(in_[i]);
    if (b < 0x80) return b > 0x20 && b != 0x7F;
    std::size_t j = i;
    return table_.boundary_safe(utf8::decode(in_, j));
  }

  // How a character of a plain chunk is written.
  enum class Kind : std::uint8_t { kOther, kLetter, kPunct, kEmoji, kSeparator, kEmojiMark };
  static_assert(static_cast<int>(Kind::kSeparator) == FastChar::kSeparator &&
                static_cast<int>(Kind::kEmoji) == FastChar::kEmoji &&
                static_cast<int>(Kind::kPunct) == FastChar::kPunct &&
                static_cast<int>(Kind::kLetter) == FastChar::kLetter);

  // Decodes the character at s[i] (valid UTF-8): its kind, its FastChar (null above
  // CharTable::kFastSize) and its length.
  Kind classify(const unsigned char* s, std::size_t i, char32_t& cp, const FastChar*& f,
                std::size_t& len) const {
    const unsigned char b = s[i];
    if (b < 0x80) {
      cp = b;
      len = 1;
    } else if ((b & 0xE0) == 0xC0) {
      cp = (static_cast<char32_t>(b & 0x1F) << 6) | (s[i + 1] & 0x3Fu);
      len = 2;
    } else if ((b & 0xF0) == 0xE0) {
      cp = (static_cast<char32_t>(b & 0x0F) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
      len = 3;
    } else {
      cp = (static_cast<char32_t>(b & 0x07) << 18) | ((s[i + 1] & 0x3Fu) << 12) |
           ((s[i + 2] & 0x3Fu) << 6) | (s[i + 3] & 0x3Fu);
      len = 4;
    }
    if (cp < CharTable::kFastSize) {
      f = &table_.fast(cp);
      return static_cast<Kind>(f->kind);
    }
    f = nullptr;
    // Pictographs: CharTable::compute gives them class kEmoji, unchanged by folding (a unit
    // test checks the range), except the skin tones, which are marks.
    if (cp >= 0x1F300 && cp <= 0x1FAFF) {
      return cp >= 0x1F3FB && cp <= 0x1F3FF ? Kind::kEmojiMark : Kind::kEmoji;
    }
    if (cp == 0xFE0F) return Kind::kEmojiMark;  // emoji presentation selector
    if (cp < 0x10000) {
      const CharInfo info = table_.info(cp);
      if (info.cls == CharClass::kEmoji && info.folded == cp) return Kind::kEmoji;
    }
    return Kind::kOther;
  }

  // Whether the chunk at byte i is plain and not a lone letter (parse() without writing).
  bool next_is_plain_not_lone(std::size_t i) const {
    const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
    const std::size_t n = in_.size();
    std::size_t chars = 0;
    bool letter = false;
    while (i < n && !is_separator(s[i])) {
      char32_t cp = 0;
      const FastChar* f = nullptr;
      std::size_t len = 0;
      const Kind kind = classify(s, i, cp, f, len);
      if (kind == Kind::kOther) return false;
      letter = kind == Kind::kLetter;
      ++chars;
      i += len;
    }
    return chars > 1 || (chars == 1 && !letter);
  }

  // The FastChar of the character at s[i] (valid UTF-8) and its length; the end of a chunk's
  // bytes (i >= limit) reads as a separator, a character above CharTable::kFastSize as kOther.
  [[gnu::always_inline]] static const FastChar* decode(const unsigned char* s, std::size_t i,
                                                       std::size_t limit, const FastChar* fast,
                                                       std::size_t& len) {
    static constexpr FastChar kOtherChar{};
    if (i >= limit) return fast + ' ';
    const unsigned b = s[i];
    if (b < 0x80) {
      len = 1;
      return fast + b;
    }
    if (b < 0xE0) {
      len = 2;
      return fast + (((b & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu));
    }
    if (b < 0xF0) {
      len = 3;
      const char32_t cp = ((b & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
      return cp < CharTable::kFastSize ? fast + cp : &kOtherChar;
    }
    len = 4;
    return &kOtherChar;
  }

  // Writes a character with a FastChar at c: its folded UTF-8 and shadow, 4 bytes and 3 spans at
  // a time (Emitter::Cursor), then advances c by the real lengths.
  [[gnu::always_inline]] static void put_fast(Emitter::Cursor& c, const FastChar* f, std::size_t i,
                                              std::size_t len) {
    const ByteSpan span{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + len)};
    std::memcpy(c.t, f->utf8, 4);
    c.tm[0] = span;
    c.tm[1] = span;
    c.tm[2] = span;
    c.t += f->utf8_len;
    c.tm += f->utf8_len;
    std::memcpy(c.sh, f->shadow_utf8, 4);
    c.sm[0] = span;
    c.sm[1] = span;
    c.sm[2] = span;
    c.sh += f->shadow_len;
    c.sm += f->shadow_len;
  }

  // Tokens of hot() wait in pending_ and are appended to the output in blocks (fewer calls than
  // a push_back each); anything else that adds tokens calls flush_pending() first.
  [[gnu::always_inline]] void pend(TokenKind kind, std::uint32_t begin, std::uint32_t end,
                                   std::size_t original_begin, std::size_t original_end) {
    if (pending_n_ == kPending) flush_pending();
    Token& t = pending_.at[pending_n_++];
    t.kind = kind;
    t.normalized = {begin, end};
    t.original = {static_cast<std::uint32_t>(original_begin),
                  static_cast<std::uint32_t>(original_end)};
    t.flags = 0;
    t.alternatives_count = 0;
    t.alternatives_begin = 0;
  }
  void flush_pending() {
    out_.tokens.insert(out_.tokens.end(), pending_.at, pending_.at + pending_n_);
    pending_n_ = 0;
  }

  // hot() for a chunk that starts with a digit: a number, [digits][punctuation*], followed by
  // no digits (which could make it part of a phone number split by spaces: Pass::spaced_phone),
  // is written at c as Pass::number writes it, with its tokens; false when the chunk is not
  // such a number (what was written at c is then to be dropped).
  [[gnu::noinline]] bool hot_number(std::size_t p, std::size_t limit, Emitter::Cursor& c,
                                    std::size_t& q_out, std::size_t& next_out) {
    const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
    const std::size_t n = in_.size();
    const FastChar* const fast = table_.fast_table();
    const Emitter::Cursor chunk = c;
    std::size_t i = p;
    while (i < limit && static_cast<unsigned>(s[i] - '0') < 10) {
      put_fast(c, fast + s[i], i, 1);
      ++i;
    }
    const std::size_t digits_end = i;
    std::size_t len = 0;
    const FastChar* f = decode(s, i, limit, fast, len);
    while (f->kind == FastChar::kPunct) {
      put_fast(c, f, i, len);
      i += len;
      f = decode(s, i, limit, fast, len);
    }
    if (f->kind != FastChar::kSeparator || (i < n && !is_separator(s[i]))) return false;
    const std::size_t q = i;
    const std::size_t next_p = skip_separators(q);
    if (next_p < n && (static_cast<unsigned>(s[next_p] - '0') < 10 || !safe_at(next_p))) {
      return false;
    }
    const std::size_t count = digits_end - p;
    const bool phone = (count == 10 && s[p] == '0' && s[p + 1] != '0') ||
                       (count == 11 && s[p] == '8' && s[p + 1] == '4' && s[p + 2] != '0');
    const char* const number_end = chunk.t + count;
    pend(phone ? TokenKind::kPhone : TokenKind::kNumber, em_.text_offset(chunk.t),
         em_.text_offset(number_end), p, digits_end);
    if (q > digits_end) {
      pend(TokenKind::kPunctuation, em_.text_offset(number_end), em_.text_offset(c.t), digits_end,
           q);
    }
    q_out = q;
    next_out = next_p;
    return true;
  }

  // hot() for a plain chunk whose letters, written at `word` (up to `after_word`, followed by the
  // trailing punctuation up to byte q), are the lexicon form `entry`: Pass::lexicon_word on what
  // is written. The word stays (ambiguous) or its expansion replaces it; the trailing
  // punctuation is written again after it. `lead`: where the leading punctuation starts, or null.
  // Commits everything; returns false when the post must be redone (restart_).
  [[gnu::noinline]] bool hot_lexicon(const LexiconEntry& entry, std::size_t p,
                                     std::size_t word_begin, std::size_t word_stop, std::size_t q,
                                     const char* lead, char* word_t, char* word_sh, char* word_end,
                                     char* word_end_sh) {
    const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
    const FastChar* const fast = table_.fast_table();
    if (lead != nullptr) {
      em_.add_token_range(TokenKind::kPunctuation, em_.text_offset(lead), em_.text_offset(word_t),
                          {static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(word_begin)});
    }
    const ByteSpan original{static_cast<std::uint32_t>(word_begin),
                            static_cast<std::uint32_t>(word_stop)};
    scan_from_ = q;
    em_.advance_to(word_t, word_sh);
    const std::uint32_t word_start = em_.text_size();
    if (words_.found_written_word(entry, original)) {
      em_.advance_to(word_end, word_end_sh);
      words_.ambiguous_word(entry, word_start, original);
    }
    cleaned_any_ = true;
    if (restart_) return false;
    if (q > word_stop) {
      const std::uint32_t trail_start = em_.text_size();
      Emitter::Cursor w = em_.cursor(q - word_stop);
      std::size_t len = 0;
      for (std::size_t i = word_stop; i < q; i += len) {
        const FastChar* const f = decode(s, i, q, fast, len);
        put_fast(w, f, i, len);
      }
      em_.advance(w);
      em_.add_token_range(TokenKind::kPunctuation, trail_start, em_.text_size(),
                          {static_cast<std::uint32_t>(word_stop), static_cast<std::uint32_t>(q)});
    }
    return true;
  }

  // run()'s common case in one loop with its state in locals: chunks shaped
  // [punctuation*][letters*][punctuation*] that are plain (neither a lone letter nor "X.", followed
  // by white space and a boundary-safe character or by the end of the text) are written with their
  // tokens exactly as scan() and commit() write them. Starts at the chunk at p (the separator
  // before it starting at `space`), which must be plain as far as what comes before it goes, with
  // no run of other chunks pending; stops at the end of the text or at the first chunk it does
  // not handle, leaving p and space there for run(). Returns false when the post must be redone
  // (restart_).
  bool hot(std::size_t& p_io, std::size_t& space_io, bool& prev_plain_io) {
    const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
    const std::size_t n = in_.size();
    const FastChar* const fast = table_.fast_table();
    std::size_t p = p_io;
    std::size_t space = space_io;
    bool after_plain = prev_plain_io;  // run()'s prev_plain
    bool cleaned = cleaned_any_;
    bool marks = marks_seen_;
    const bool use_lexicon = options_.expand_teencode && lexicon_.size() > 0;
    // A chunk writes no more than it reads (FastChar), and a space no more than its separator:
    // room for the rest of the input, and 16 bytes for the last character (it may end past
    // `limit`), the writes past the end and the lexicon filter, is room for every chunk below
    // (until an expansion, which writes more: then the room is made again).
    // The write positions are plain pointers, not Emitter::Cursor copies: compilers copy such a
    // struct through the stack with wide loads that wait for the narrow stores before them.
    Emitter::Cursor start = em_.cursor(n - p + 16);
    char* o_t = start.t;  // the end of what is committed
    char* o_sh = start.sh;
    ByteSpan* o_tm = start.tm;
    ByteSpan* o_sm = start.sm;
    const char* text_base = em_.text_offset_base();
    bool ok = true;
    while (p < n) {
      const std::size_t limit = std::min(n, p + kMaxChunk);
      Emitter::Cursor c{o_t, o_tm, o_sh, o_sm};
      if (cleaned) {
        const ByteSpan gap{static_cast<std::uint32_t>(space), static_cast<std::uint32_t>(p)};
        *c.t++ = ' ';
        *c.tm++ = gap;
        *c.sh++ = ' ';
        *c.sm++ = gap;
      }
      char* const chunk_t = c.t;
      char* const chunk_sh = c.sh;
      std::size_t i = p;
      const FastChar* f = nullptr;
      std::size_t len = 0;
      if (static_cast<unsigned>(s[p] - '0') < 10) {
        std::size_t q = 0;
        std::size_t next_p = 0;
        if (!hot_number(p, limit, c, q, next_p)) break;
        o_t = c.t;
        o_tm = c.tm;
        o_sh = c.sh;
        o_sm = c.sm;
        cleaned = true;
        after_plain = false;  // as run() has it after a chunk it leaves to the two-pass path
        space = q;
        p = next_p;
        continue;
      }
      f = decode(s, i, limit, fast, len);
      while (f->kind == FastChar::kPunct) {
        put_fast(c, f, i, len);
        i += len;
        f = decode(s, i, limit, fast, len);
      }
      char* const word_t = c.t;
      char* const word_sh = c.sh;
      const std::size_t word_begin = i;
      std::uint32_t counts = 0;                         // FastChar::counts of the letters, summed
      std::uint64_t key_hash = TeencodeLexicon::kSeed;  // of the folded letters
      std::uint8_t* bits = bits_;
      bool stretched = false;
      char32_t prev = 0;                 // the previous letter, folded
      char32_t prev_plain = 0xFFFFFFFF;  // its plain vowel; matches nothing before the first
      while (f->kind == FastChar::kLetter) {
        counts += f->counts;
        *bits++ = f->bits;
        // may_be_stretched (deobfuscate.h), one pair at a time.
        if (f->plain == prev_plain) {
          stretched = stretched || f->folded == prev || ((f->folded < 0x80) != (prev < 0x80));
        }
        prev = f->folded;
        prev_plain = f->plain;
        key_hash = TeencodeLexicon::step(key_hash, f->folded);
        put_fast(c, f, i, len);
        i += len;
        f = decode(s, i, limit, fast, len);
      }
      char* const word_end = c.t;
      char* const word_end_sh = c.sh;
      const std::size_t word_stop = i;
      while (f->kind == FastChar::kPunct) {
        put_fast(c, f, i, len);
        i += len;
        f = decode(s, i, limit, fast, len);
      }
      if (f->kind != FastChar::kSeparator || (i < n && !is_separator(s[i]))) break;
      const std::size_t q = i;
      const auto letters = static_cast<std::size_t>(counts & 0x7F);
      const bool lead = word_begin > p;
      const bool trail = q > word_stop;
      const bool lone = letters == 1 && !lead && !trail;
      if (letters == 1 && !lead && q == word_stop + 1 && s[word_stop] == '.') {
        break;  // "X.": maybe an initial
      }
      if (trail && letters >= 3 && letters <= 5) {
        const std::string_view w(word_t, static_cast<std::size_t>(word_end - word_t));
        if (w == "www" || w == "http" || w == "https") break;
      }
      // Mostly one space, then the next chunk.
      std::size_t next_p = q < n ? q + 1 : q;
      if (next_p < n) {
        const unsigned b = s[next_p];
        if (b <= 0x20 && is_separator(static_cast<unsigned char>(b)))
          next_p = skip_separators(next_p);
        if (next_p < n && !safe_at(next_p)) break;
      }
      // A lone letter may start or continue spaced letters ("v i ệ c") or be an initial
      // ("T. P"): only between two chunks known to be neither (run()).
      if (lone &&
          ((space != 0 && !after_plain) || (next_p < n && !next_is_plain_not_lone(next_p)))) {
        break;
      }
      after_plain = !lone;
      // The chunk is plain: commit().
      marks = marks || ((counts >> 20) & 0x3F) != 0;
      bool careful_needed = options_.deobfuscate && stretched;
      // One tone mark, only Vietnamese letters, two or more vowels, at most 8 letters (the
      // fields of FastChar::counts).
      if (!careful_needed && (counts & 0xFC001F80u) == (1u << 7) && ((counts >> 13) & 0x7F) >= 2 &&
          letters <= 8) {
        std::size_t at = word_begin;
        const char32_t w0 = folded_at(at);
        const char32_t w1 = folded_at(at);
        careful_needed = tone_misplaced(letters, w0, w1);
      }
      const LexiconEntry* entry = nullptr;
      if (use_lexicon && !careful_needed && letters > 0 && letters <= kMaxWord) {
        // Keyed on the letters as they were decoded: reading back the bytes just written would
        // wait for the stores (a load spanning several stores is not forwarded from them).
        entry = lexicon_.find_hashed(
            std::string_view(word_t, static_cast<std::size_t>(word_end - word_t)), key_hash);
      }
      if (entry != nullptr || careful_needed) {
        flush_pending();
        marks_seen_ = marks;
        if (entry != nullptr) {
          ok = hot_lexicon(*entry, p, word_begin, word_stop, q, lead ? chunk_t : nullptr, word_t,
                           word_sh, word_end, word_end_sh);
        } else {
          em_.advance_to(chunk_t, chunk_sh);  // the space stays
          scan_from_ = q;
          careful(p);
          cleaned_any_ = true;
          ok = !restart_;
        }
        if (!ok) break;
        cleaned = true;
        marks = marks_seen_;
        const Emitter::Cursor again = em_.cursor(n - next_p + 16);
        o_t = again.t;
        o_tm = again.tm;
        o_sh = again.sh;
        o_sm = again.sm;
        text_base = em_.text_offset_base();
      } else {
        const auto at = [&](const char* t) { return static_cast<std::uint32_t>(t - text_base); };
        if (lead) pend(TokenKind::kPunctuation, at(chunk_t), at(word_t), p, word_begin);
        if (letters > 0) pend(TokenKind::kWord, at(word_t), at(word_end), word_begin, word_stop);
        if (trail) pend(TokenKind::kPunctuation, at(word_end), at(c.t), word_stop, q);
        o_t = c.t;
        o_tm = c.tm;
        o_sh = c.sh;
        o_sm = c.sm;
        cleaned = true;
      }
      space = q;
      p = next_p;
    }
    flush_pending();
    if (ok) {
      em_.advance_to(o_t, o_sh);
      cleaned_any_ = cleaned;
      marks_seen_ = marks;
    }
    p_io = p;
    space_io = space;
    prev_plain_io = after_plain;
    return ok;
  }

  // parse() and emit() in one loop, for the common case: each character of the chunk at byte p
  // is decoded once and written straight to text, shadow and both maps past what em_ holds
  // (uncommitted until commit()), while its shape is checked as parse() does. Sets q_ and the
  // chunk's summary (t_at_, o_at_, groups_, ...); kNone when the chunk is not plain by its content.
  Shape scan(std::size_t p) {
    const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
    const std::size_t n = in_.size();
    const std::size_t limit = std::min(n, p + kMaxChunk);
    // The chunk writes no more bytes than it reads (FastChar); 8 more for the last character
    // (it may end past `limit`) and the lexicon filter's 8-byte read.
    Emitter::Cursor o = em_.cursor(limit - p + 8);
    const FastChar* const fast = table_.fast_table();
    unsigned phase = 0;  // 0 leading punctuation, 1 letters, 2 trailing punctuation, 3 pictographs
    std::size_t letters = 0;
    std::size_t groups = 0;
    unsigned any = 0;  // FastChar bits of some letter
    unsigned toned = 0;
    unsigned vowels = 0;
    bool stretched = false;
    char32_t prev = 0;                 // the previous letter, folded
    char32_t prev_plain = 0xFFFFFFFF;  // its plain vowel; matches nothing before the first
    std::size_t i = p;
    t_at_[0] = o.t;
    o_at_[0] = static_cast<std::uint32_t>(p);
    // Starts phases (phase, next_phase] at the current position: phases may be empty.
    const auto enter = [&](unsigned next_phase) {
      for (unsigned k = phase + 1; k <= next_phase; ++k) {
        t_at_[k] = o.t;
        o_at_[k] = static_cast<std::uint32_t>(i);
      }
      phase = next_phase;
    };
    // Writes a character with a FastChar (put_fast), mapped to `span` of the input.
    const auto put = [&](const FastChar* f, ByteSpan span) {
      put_fast(o, f, span.begin, span.end - span.begin);
    };
    // Writes a pictograph or its mark above CharTable::kFastSize as it is: neither folding nor
    // the shadow changes it (CharTable::compute; CharTable::shadow above its table).
    const auto put_raw = [&](std::size_t len, ByteSpan span) {
      for (std::size_t j = 0; j < len; ++j) {
        o.t[j] = static_cast<char>(s[i + j]);
        o.tm[j] = span;
        o.sh[j] = static_cast<char>(s[i + j]);
        o.sm[j] = span;
      }
      o.t += len;
      o.tm += len;
      o.sh += len;
      o.sm += len;
    };
    while (i < limit) {
      const unsigned b = s[i];
      const FastChar* f = nullptr;
      std::size_t len = 0;
      char32_t cp = 0;
      if (b < 0x80) {
        f = fast + b;
        len = 1;
      } else if (b < 0xE0) {
        f = fast + (((b & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu));
        len = 2;
      } else if (b < 0xF0) {
        cp = ((b & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
        len = 3;
        if (cp < CharTable::kFastSize) f = fast + cp;
      } else {
        cp = ((b & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) |
             (s[i + 3] & 0x3Fu);
        len = 4;
      }
      const ByteSpan span{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + len)};
      if (f != nullptr) {
        const unsigned kind = f->kind;
        if (kind == FastChar::kLetter) {
          if (phase != 1) {
            if (phase > 1) return skip(i);
            enter(1);
          }
          const unsigned bits = f->bits;
          any |= bits;
          toned += (bits & FastChar::kToned) != 0 ? 1u : 0u;
          vowels += (bits & FastChar::kVowel) != 0 ? 1u : 0u;
          bits_[letters] = static_cast<std::uint8_t>(bits);
          // may_be_stretched (deobfuscate.h), one pair at a time.
          if (f->plain == prev_plain) {
            stretched = stretched || f->folded == prev || ((f->folded < 0x80) != (prev < 0x80));
          }
          prev = f->folded;
          prev_plain = f->plain;
          ++letters;
          put(f, span);
        } else if (kind == FastChar::kPunct) {
          if ((phase & 1) != 0) {
            if (phase == 3) return skip(i);
            enter(2);
          }
          put(f, span);
        } else if (kind == FastChar::kSeparator) {
          break;
        } else if (kind == FastChar::kEmoji) {
          if (phase != 3) enter(3);
          g_t_[groups] = o.t;
          g_o_[groups++] = static_cast<std::uint32_t>(i);
          put(f, span);
        } else {
          return skip(i);
        }
      } else {
        // classify() above CharTable::kFastSize: pictographs, and the marks that may follow one.
        const bool skin_tone = cp >= 0x1F3FB && cp <= 0x1F3FF;
        if (skin_tone || cp == 0xFE0F) {
          if (phase != 3) return skip(i);  // else it would compose
        } else if ((cp >= 0x1F300 && cp <= 0x1FAFF) ||
                   (cp < 0x10000 && table_.info(cp).cls == CharClass::kEmoji &&
                    table_.info(cp).folded == cp)) {
          if (phase != 3) enter(3);
          g_t_[groups] = o.t;
          g_o_[groups++] = static_cast<std::uint32_t>(i);
        } else {
          return skip(i);
        }
        put_raw(len, span);
      }
      i += len;
    }
    if (i < n && !is_separator(s[i])) return skip(i);  // longer than kMaxChunk bytes
    q_ = i;
    enter(4);
    end_ = o;
    letters_ = letters;
    groups_ = groups;
    chunk_marked_ = (any & FastChar::kMarked) != 0;
    stretched_ = stretched;
    tone_fix_ = false;
    const bool lead = o_at_[1] > o_at_[0];
    const bool trail = o_at_[3] > o_at_[2];
    if (letters == 1 && !lead && o_at_[3] == o_at_[2] + 1 && s[o_at_[2]] == '.' && groups == 0) {
      return Shape::kNone;  // "X.": maybe an initial
    }
    if (trail && letters <= 5) {
      const std::string_view w(t_at_[1], static_cast<std::size_t>(t_at_[2] - t_at_[1]));
      if (w == "www" || w == "http" || w == "https") return Shape::kNone;
    }
    // clean_text places the tone of a letter run of 2 to 8 letters; only a run with exactly one
    // tone mark, all Vietnamese letters, two or more vowels (with one, the mark is on it already)
    // and the mark elsewhere than canonicalize_tone puts it can change.
    if (toned == 1 && (any & FastChar::kNotViet) == 0 && letters >= 2 && letters <= 8 &&
        vowels >= 2) {
      std::size_t at = o_at_[1];
      const char32_t w0 = folded_at(at);
      const char32_t w1 = folded_at(at);
      tone_fix_ = tone_misplaced(letters, w0, w1);
    }
    return letters == 1 && !lead && o_at_[2] == i ? Shape::kLoneLetter : Shape::kPlain;
  }

  // The folded letter starting at byte i (below CharTable::kFastSize); advances i past it.
  [[gnu::always_inline]] char32_t folded_at(std::size_t& i) const {
    const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
    const unsigned b = s[i];
    char32_t cp = b;
    if (b < 0x80) {
      i += 1;
    } else if (b < 0xE0) {
      cp = ((b & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
      i += 2;
    } else {
      cp = ((b & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
      i += 3;
    }
    return table_.fast(cp).folded;
  }

  // Writes the plain chunk at byte p that scan() just read: its tokens, from what scan() wrote;
  // a word that is stretched, a lexicon form or needs its tone placed goes through parse() and
  // emit() (rare).
  void commit(std::size_t p) {
    marks_seen_ = marks_seen_ || chunk_marked_;
    if (tone_fix_ || (options_.deobfuscate && stretched_)) {
      careful(p);
      return;
    }
    if (letters_ > 0 && letters_ <= kMaxWord && options_.expand_teencode && lexicon_.size() > 0) {
      // scan() leaves 8 readable bytes past the start of the word.
      const char* key = t_at_[1];
      const auto len = static_cast<std::size_t>(t_at_[2] - t_at_[1]);
      if (lexicon_.find(std::string_view(key, len)) != nullptr) {
        careful(p);
        return;
      }
    }
    em_.advance(end_);
    std::uint32_t t[5];
    for (int k = 0; k < 5; ++k) t[k] = em_.text_offset(t_at_[k]);
    if (o_at_[1] > o_at_[0]) {
      em_.add_token_range(TokenKind::kPunctuation, t[0], t[1], {o_at_[0], o_at_[1]});
    }
    if (letters_ > 0) em_.add_token_range(TokenKind::kWord, t[1], t[2], {o_at_[1], o_at_[2]});
    if (o_at_[3] > o_at_[2]) {
      em_.add_token_range(TokenKind::kPunctuation, t[2], t[3], {o_at_[2], o_at_[3]});
    }
    // Each pictograph with the marks after it is one token.
    for (std::size_t g = 0; g < groups_; ++g) {
      const bool last = g + 1 == groups_;
      em_.add_token_range(TokenKind::kEmoji, em_.text_offset(g_t_[g]),
                          last ? t[4] : em_.text_offset(g_t_[g + 1]),
                          {g_o_[g], last ? o_at_[4] : g_o_[g + 1]});
    }
  }

  // commit() the long way: nothing of what scan() wrote is kept.
  [[gnu::noinline]] void careful(std::size_t p) {
    parse(p);
    emit();
  }

  // Reads the chunk starting at byte p into c_/s_ and sets q_ to its end (the next separator or
  // the end of the text). kNone when the chunk is not plain (see above) by its content: plain is
  // [punctuation*][letters*][punctuation*][(pictograph mark*)*], at most kMaxChunk bytes.
  Shape parse(std::size_t p) {
    const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
    const std::size_t n = in_.size();
    const std::size_t limit = std::min(n, p + kMaxChunk);
    std::size_t k = 0;
    std::size_t letters = 0;
    std::size_t lead = 0;
    std::size_t trail = 0;
    std::size_t emoji = 0;
    unsigned any = 0;  // FastChar bits of some letter
    std::size_t toned = 0;
    bool stretched = false;
    char32_t prev = 0;                 // the previous letter, folded
    char32_t prev_plain = 0xFFFFFFFF;  // its plain vowel; matches nothing before the first
    emoji_starts_ = 0;
    std::size_t i = p;
    while (i < limit) {
      char32_t cp = 0;
      const FastChar* f = nullptr;
      std::size_t len = 0;
      const Kind kind = classify(s, i, cp, f, len);
      if (kind == Kind::kLetter) {
        if (trail + emoji > 0) return skip(i);
        any |= f->bits;
        toned += (f->bits & FastChar::kToned) != 0;
        bits_[letters] = f->bits;
        // may_be_stretched (deobfuscate.h), one pair at a time.
        if (f->plain == prev_plain) {
          stretched = stretched || f->folded == prev || ((f->folded < 0x80) != (prev < 0x80));
        }
        prev = f->folded;
        prev_plain = f->plain;
        ++letters;
        cp = f->folded;
      } else if (kind == Kind::kPunct) {
        if (emoji > 0) return skip(i);
        if (letters > 0) {
          ++trail;
        } else {
          ++lead;
        }
      } else if (kind == Kind::kSeparator) {
        break;
      } else if (kind == Kind::kEmoji) {
        emoji_starts_ |= std::uint64_t{1} << k;
        ++emoji;
      } else if (kind == Kind::kEmojiMark && emoji > 0) {  // else it would compose
        ++emoji;
      } else {
        return skip(i);
      }
      c_[k] = cp;
      s_[k] = {static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + len)};
      ++k;
      i += len;
    }
    if (i < n && !is_separator(s[i])) return skip(i);  // longer than kMaxChunk bytes
    q_ = i;
    lead_ = lead;
    letters_ = letters;
    trail_ = trail;
    emoji_ = emoji;
    chunk_marked_ = (any & FastChar::kMarked) != 0;
    stretched_ = stretched;
    if (k == 0) return Shape::kNone;
    if (letters == 1 && lead == 0 && trail == 1 && emoji == 0 && c_[1] == U'.') {
      return Shape::kNone;  // "X.": maybe an initial
    }
    if (trail > 0 && letters <= 5 && looks_like_url_start()) return Shape::kNone;
    // clean_text places the tone of a letter run of 2 to 8 letters; only a run with exactly one
    // tone mark, all Vietnamese letters and the mark elsewhere than canonicalize_tone puts it
    // can change (the same rules, on the bits gathered above).
    if (toned == 1 && (any & FastChar::kNotViet) == 0 && letters >= 2 && letters <= 8 &&
        tone_misplaced(letters, c_[lead], c_[lead + 1])) {
      if (canonicalize_tone(c_ + lead, letters)) stretched_ = may_be_stretched(c_ + lead, letters);
    }
    return k == 1 && letters == 1 ? Shape::kLoneLetter : Shape::kPlain;
  }

  // Whether canonicalize_tone (tones.h) would move the one tone mark of the n letters whose
  // bits_ are set (all Vietnamese, 2 <= n <= 8), the first two being w0 and w1.
  [[gnu::always_inline]] bool tone_misplaced(std::size_t n, char32_t w0, char32_t w1) const {
    unsigned vowels = 0;
    unsigned quality = 0;
    std::size_t toned_at = 0;
    for (std::size_t j = 0; j < n; ++j) {
      vowels |= ((bits_[j] & FastChar::kVowel) != 0 ? 1u : 0u) << j;
      quality |= ((bits_[j] & FastChar::kQuality) != 0 ? 1u : 0u) << j;
      if ((bits_[j] & FastChar::kToned) != 0) toned_at = j;
    }
    return toned_at != tone_position(vowels, quality, n, w0, w1);
  }

  // Where canonicalize_tone (tones.h) puts the tone of n letters starting w0 w1, given which are
  // vowels and which carry a quality mark; n (or more) when it would not move it.
  [[gnu::always_inline]] static std::size_t tone_position(unsigned vowels, unsigned quality,
                                                          std::size_t n, char32_t w0, char32_t w1) {
    if (vowels == 0) return n;
    unsigned start = static_cast<unsigned>(__builtin_ctz(vowels));
    if (start == 1 && n > 2 && (vowels & 4u) != 0) {
      const char32_t u = plain_vowel(w1);
      if ((w0 == U'q' && u == U'u') || (w0 == U'g' && u == U'i')) start = 2;
    }
    const unsigned run = static_cast<unsigned>(__builtin_ctz(~(vowels >> start)));
    const unsigned end = start + run;
    if ((vowels >> end) != 0) return n;  // two vowel groups
    const unsigned in_nucleus = quality & (((1u << run) - 1) << start);
    if (in_nucleus != 0) return 31 - static_cast<unsigned>(__builtin_clz(in_nucleus));
    if (end < n) return end - 1;
    return run == 3 ? start + 1 : start;
  }

  // The rest of a chunk that is not plain: finds its end.
  Shape skip(std::size_t i) {
    const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
    const std::size_t n = in_.size();
    while (i < n && !is_separator(s[i])) ++i;
    q_ = i;
    return Shape::kNone;
  }

  bool looks_like_url_start() const {
    const std::u32string_view w(c_ + lead_, letters_);
    return w == U"www" || w == U"http" || w == U"https";
  }

  void emit() {
    marks_seen_ = marks_seen_ || chunk_marked_;
    if (lead_ > 0) punct(0, lead_);
    if (letters_ > 0) plain_word(c_ + lead_, s_ + lead_, letters_);
    if (trail_ > 0) punct(lead_ + letters_, trail_);
    // Each pictograph with the marks after it is one token.
    const std::size_t end = lead_ + letters_ + trail_ + emoji_;
    for (std::size_t k = lead_ + letters_ + trail_; k < end;) {
      std::size_t e = k + 1;
      while (e < end && ((emoji_starts_ >> e) & 1) == 0) ++e;
      const std::uint32_t start = em_.text_size();
      em_.put_run(c_ + k, s_ + k, e - k);
      em_.add_token(TokenKind::kEmoji, start, {s_[k].begin, s_[e - 1].end});
      k = e;
    }
  }

  // Pass::word for the letters of a plain chunk: written straight away, then looked up in the
  // lexicon by the bytes just written; the rare word that is stretched or a lexicon form is
  // taken back and handed to Pass::word.
  void plain_word(const char32_t* w, const ByteSpan* ws, std::size_t n) {
    if (options_.deobfuscate && stretched_) {
      words_.word(w, ws, n, 0, true);
      return;
    }
    const std::uint32_t start = em_.text_size();
    const std::uint32_t shadow_start = em_.shadow_size();
    em_.put_letters(w, ws, n);
    if (options_.expand_teencode && lexicon_.size() > 0 && n <= kMaxWord) {
      std::uint64_t h = TeencodeLexicon::kSeed;
      for (std::size_t k = 0; k < n; ++k) h = TeencodeLexicon::step(h, w[k]);
      if (const LexiconEntry* entry = lexicon_.find_hashed(em_.text_since(start), h);
          entry != nullptr) {
        em_.rewind(start, shadow_start);
        words_.found_word(*entry, w, ws, n);
        return;
      }
    }
    em_.add_token(TokenKind::kWord, start, {ws[0].begin, ws[n - 1].end});
  }

  void punct(std::size_t at, std::size_t n) {
    const std::uint32_t start = em_.text_size();
    em_.put_run(c_ + at, s_ + at, n);
    em_.add_token(TokenKind::kPunctuation, start, {s_[at].begin, s_[at + n - 1].end});
  }

  // Cleans and tokenizes bytes [a, b) the two-pass way; [space, a) is the separator before.
  bool flush(std::size_t space, std::size_t a, std::size_t b) {
    if (a >= b) return true;
    if (std::string_view(in_.data() + a, b - a).find("\xEE\x80\x80") != std::string_view::npos) {
      return false;  // a literal U+E000 (clean_text's soft space)
    }
    std::vector<char32_t>& chars = out_.work_chars;
    std::vector<ByteSpan>& spans = out_.work_spans;
    // A reattached mark makes clean_text re-place tones across the whole text: start over.
    if (clean_text(table_, in_, a, b, chars, spans)) return false;
    if (chars.empty()) return true;
    for (const char32_t c : chars) {
      if (c >= 0x80 && table_.shadow(c) != c && table_.is_letter(c)) {
        marks_seen_ = true;
        break;
      }
    }
    if (cleaned_any_) {
      em_.put(U' ', {static_cast<std::uint32_t>(space), static_cast<std::uint32_t>(a)});
    }
    scan_from_ = b;
    Pass(table_, lexicon_, options_, chars, spans, em_, this).run();
    cleaned_any_ = true;
    return !restart_;
  }

  const CharTable& table_;
  const TeencodeLexicon& lexicon_;
  const TokenizeOptions& options_;
  std::string_view in_;
  NormalizedText& out_;
  Emitter em_;
  Pass words_;  // writes the words of plain chunks
  // The chunk being parsed: c_[0, lead_) punctuation, then letters_ letters, then trail_
  // punctuation, s_ their spans.
  char32_t c_[kMaxChunk + 4];
  // Left uninitialized (ByteSpan's member initializers would zero it for every post).
  union Spans {
    Spans() {}
    ByteSpan at[kMaxChunk + 4];
  } spans_;
  ByteSpan* const s_ = spans_.at;
  std::uint8_t bits_[kMaxChunk + 4];  // FastChar::bits of the letters
  // What scan() found: where its phases (leading punctuation, letters, trailing punctuation,
  // pictographs, end) start in the text written and in the original, and each pictograph.
  const char* t_at_[5] = {};
  std::uint32_t o_at_[5] = {};
  const char* g_t_[kMaxChunk + 4];
  std::uint32_t g_o_[kMaxChunk + 4];
  std::size_t groups_ = 0;
  Emitter::Cursor end_{};  // the end of what scan() wrote
  bool tone_fix_ = false;  // the letters' tone mark is misplaced
  // Tokens hot() has not appended yet (uninitialized, like spans_).
  static constexpr std::size_t kPending = 32;
  union Pending {
    Pending() {}
    Token at[kPending];
  } pending_;
  std::size_t pending_n_ = 0;
  std::size_t q_ = 0;  // end of the chunk parse() read
  std::size_t lead_ = 0;
  std::size_t letters_ = 0;
  std::size_t trail_ = 0;
  std::size_t emoji_ = 0;           // pictographs and their marks, after the punctuation
  std::uint64_t emoji_starts_ = 0;  // bit k: c_[k] is a pictograph
  bool chunk_marked_ = false;
  bool stretched_ = false;     // may_be_stretched() of the chunk's letters
  bool cleaned_any_ = false;   // something before the current chunk survives clean-up
  bool marks_seen_ = false;    // a marked letter in what was written or is being written
  int rest_has_marks_ = -1;    // post_has_marks() for the part from scan_from_: -1 not yet known
  std::size_t scan_from_ = 0;  // end of what marks_seen_ covers
  bool restart_ = false;       // the two-pass path must redo the whole post
};

}  // namespace

void tokenize(const CharTable& table, const TeencodeLexicon& lexicon,
              const TokenizeOptions& options, const std::vector<char32_t>& chars,
              const std::vector<ByteSpan>& spans, NormalizedText& out) {
  Emitter em(out, table, spans.empty() ? 0 : spans.back().end - spans.front().begin + 32);
  Pass(table, lexicon, options, chars, spans, em, nullptr).run();
  em.finish();
}

}  // namespace tincay::normalize_internal

namespace tincay::normalize_internal {

bool normalize_fast(const CharTable& table, const TeencodeLexicon& lexicon,
                    const TokenizeOptions& options, std::string_view input, NormalizedText& out) {
  return FastPass(table, lexicon, options, input, out).run();
}

}  // namespace tincay::normalize_internal
