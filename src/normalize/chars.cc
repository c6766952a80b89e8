// Builds the character table from utf8proc's Unicode data plus the few folds Unicode does not
// define (small capitals, negative circled/squared letters used as "fancy fonts").
#include "src/normalize/chars.h"

#include <utf8proc.h>

#include "src/normalize/tones.h"

namespace tincay::normalize_internal {
namespace {

const utf8proc_property_t* property(char32_t cp) {
  return utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
}

bool is_invisible(char32_t cp) {
  return cp == 0x00AD || cp == 0x034F || cp == 0x061C || cp == 0x115F || cp == 0x1160 ||
         cp == 0x17B4 || cp == 0x17B5 || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164 ||
         cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xE0000 && cp <= 0xE007F);
}

// Small capitals and similar "font" letters that have no Unicode compatibility mapping.
char32_t fold_small_capital(char32_t cp) {
  switch (cp) {
    case 0x1D00:
      return U'a';
    case 0x0299:
      return U'b';
    case 0x1D04:
      return U'c';
    case 0x1D05:
      return U'd';
    case 0x1D07:
      return U'e';
    case 0xA730:
      return U'f';
    case 0x0262:
      return U'g';
    case 0x029C:
      return U'h';
    case 0x026A:
      return U'i';
    case 0x1D0A:
      return U'j';
    case 0x1D0B:
      return U'k';
    case 0x029F:
      return U'l';
    case 0x1D0D:
      return U'm';
    case 0x0274:
      return U'n';
    case 0x1D0F:
      return U'o';
    case 0x1D18:
      return U'p';
    case 0x0280:
      return U'r';
    case 0xA731:
      return U's';
    case 0x1D1B:
      return U't';
    case 0x1D1C:
      return U'u';
    case 0x1D20:
      return U'v';
    case 0x1D21:
      return U'w';
    case 0x028F:
      return U'y';
    case 0x1D22:
      return U'z';
    default:
      break;
  }
  if (cp >= 0x1F150 && cp <= 0x1F169) return U'a' + (cp - 0x1F150);  // negative circled
  if (cp >= 0x1F170 && cp <= 0x1F189) return U'a' + (cp - 0x1F170);  // negative squared
  return 0;
}

// Blocks whose compatibility decomposition is a plain letter or digit in a fancy style:
// mathematical alphanumerics, fullwidth forms, circled/parenthesized letters, letterlike symbols,
// squared letters.
bool is_stylized_block(char32_t cp) {
  return (cp >= 0x1D400 && cp <= 0x1D7FF) || (cp >= 0xFF01 && cp <= 0xFF5E) ||
         (cp >= 0x2460 && cp <= 0x24FF) || (cp >= 0x2100 && cp <= 0x214F) ||
         (cp >= 0x1F130 && cp <= 0x1F149) || (cp >= 0x1F110 && cp <= 0x1F12F);
}

char32_t fold_stylized(char32_t cp) {
  if (const char32_t s = fold_small_capital(cp); s != 0) return s;
  if (!is_stylized_block(cp)) return cp;
  utf8proc_int32_t buf[8];
  int last_class = 0;
  const utf8proc_ssize_t n = utf8proc_decompose_char(
      static_cast<utf8proc_int32_t>(cp), buf, 8,
      static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT), &last_class);
  // Only single-character results: "℡" or "⑴" (several characters) stay as they are.
  if (n == 1) return static_cast<char32_t>(buf[0]);
  if (n == 3 && buf[0] == '(' && buf[2] == ')') return static_cast<char32_t>(buf[1]);
  return cp;
}

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

// Writes the UTF-8 of `cp` (below U+10000) to out[0, 3); returns its length.
std::size_t encode_utf8(char32_t cp, char* out) {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  out[0] = static_cast<char>(0xE0 | (cp >> 12));
  out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[2] = static_cast<char>(0x80 | (cp & 0x3F));
  return 3;
}

bool is_emoji_range(char32_t cp) {
  return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
         (cp >= 0x2B00 && cp <= 0x2BFF) || (cp >= 0x2190 && cp <= 0x21FF) ||
         (cp >= 0x2300 && cp <= 0x23FF) || cp == 0x00A9 || cp == 0x00AE || cp == 0x3030 ||
         cp == 0x303D || cp == 0x3297 || cp == 0x3299;
}

}  // namespace

CharInfo CharTable::compute(char32_t cp) {
  CharInfo out;
  if (cp > 0x10FFFF) return {cp, cp, CharClass::kOther};
  if (is_invisible(cp)) return {cp, cp, CharClass::kInvisible};
  if (cp < 0x80) {
    out.folded = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    out.shadow = out.folded;
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) {
      out.cls = CharClass::kLetter;
    } else if (cp >= '0' && cp <= '9') {
      out.cls = CharClass::kDigit;
    } else if (cp <= 0x20 || cp == 0x7F) {
      out.cls = CharClass::kSpace;
    } else {
      out.cls = CharClass::kPunct;
    }
    return out;
  }
  if (cp >= 0x1F3FB && cp <= 0x1F3FF) return {cp, cp, CharClass::kMark};  // skin tones
  const char32_t styled = fold_stylized(cp);
  if (styled != cp) {
    CharInfo inner = compute(styled);
    return inner;
  }
  const utf8proc_property_t* p = property(cp);
  switch (p->category) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      out.cls = CharClass::kLetter;
      break;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
      out.cls = CharClass::kMark;
      break;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      out.cls = CharClass::kOther;
      break;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
      out.cls = CharClass::kSpace;
      break;
    case UTF8PROC_CATEGORY_CF:
      out.cls = CharClass::kInvisible;
      break;
    case UTF8PROC_CATEGORY_SO:
      out.cls = CharClass::kEmoji;
      break;
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
    case UTF8PROC_CATEGORY_SM:
    case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SK:
      out.cls = is_emoji_range(cp) ? CharClass::kEmoji : CharClass::kPunct;
      break;
    default:
      out.cls = is_emoji_range(cp) ? CharClass::kEmoji : CharClass::kOther;
      break;
  }
  if (cp == 0x2028 || cp == 0x2029 || cp == 0x85) out.cls = CharClass::kSpace;
  out.folded = out.cls == CharClass::kLetter
                   ? static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)))
                   : cp;
  out.shadow = strip_diacritics(out.folded);
  return out;
}

CharTable::CharTable() : table_(kTableSize), fast_(kFastSize) {
  for (char32_t cp = 0; cp < kTableSize; ++cp) table_[cp] = compute(cp);
  for (char32_t cp = 0; cp < kFastSize; ++cp) {
    const CharInfo i = info(cp);
    FastChar& f = fast_[cp];
    f.folded = i.folded;
    f.utf8_len =
        static_cast<std::uint8_t>(encode_utf8(i.folded < kFastSize ? i.folded : cp, f.utf8));
    f.shadow_len = static_cast<std::uint8_t>(encode_utf8(shadow(cp), f.shadow_utf8));
    const std::uint8_t v = tones_detail::vowel_entry(i.folded);
    const bool viet = v != 0 || (i.folded >= U'a' && i.folded <= U'z') || i.folded == 0x111;
    // Rows with a quality mark: ă â ê ô ơ ư (tones.h, kVowels).
    const int row = (v & 15) - 1;
    const bool quality = row == 1 || row == 2 || row == 4 || row == 7 || row == 8 || row == 10;
    f.bits = static_cast<std::uint8_t>(
        ((v >> 4) != 0 ? FastChar::kToned : 0) | (v != 0 ? FastChar::kVowel : 0) |
        (quality ? FastChar::kQuality : 0) | (viet ? 0 : FastChar::kNotViet));
    f.plain = static_cast<std::uint16_t>(plain_vowel(i.folded) & 0xFFFF);  // letters: below U+2000
    f.boundary_safe =
        i.cls != CharClass::kSpace && i.cls != CharClass::kInvisible && i.cls != CharClass::kMark;
    if (i.cls == CharClass::kLetter && i.folded < kTableSize && is_letter(i.folded)) {
      f.kind = FastChar::kLetter;
      if (i.folded >= 0x80 && shadow(i.folded) != i.folded) f.bits |= FastChar::kMarked;
    } else if (i.cls == CharClass::kPunct && i.folded == cp && cp != U'@' && cp != U'#' &&
               cp != U'+') {
      f.kind = FastChar::kPunct;
    } else if (i.cls == CharClass::kEmoji && i.folded == cp) {
      f.kind = FastChar::kEmoji;
    } else if (cp == U' ' || (cp >= 0x09 && cp <= 0x0D)) {
      f.kind = FastChar::kSeparator;
    }
    // The one-pass path writes `utf8` and `shadow_utf8` in place of the code point's own bytes
    // (FastChar): anything that would break that is left to the two-pass path.
    char own[4];
    const std::size_t own_len = encode_utf8(cp, own);
    if (f.kind != FastChar::kOther && f.kind != FastChar::kSeparator &&
        (i.folded >= kFastSize || info(i.folded).folded != i.folded || f.utf8_len > own_len ||
         f.shadow_len > own_len)) {
      f.kind = FastChar::kOther;
    }
    if (f.kind == FastChar::kLetter) {
      const auto field = [&](std::uint8_t b, int shift) {
        return (f.bits & b) != 0 ? std::uint32_t{1} << shift : 0;
      };
      f.counts = 1 | field(FastChar::kToned, 7) | field(FastChar::kVowel, 13) |
                 field(FastChar::kMarked, 20) | field(FastChar::kNotViet, 26);
    }
  }
}

char32_t compose_pair(char32_t base, char32_t mark) {
  utf8proc_int32_t buf[2] = {static_cast<utf8proc_int32_t>(base),
                             static_cast<utf8proc_int32_t>(mark)};
  const utf8proc_ssize_t n = utf8proc_normalize_utf32(
      buf, 2, static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_STABLE));
  return n == 1 ? static_cast<char32_t>(buf[0]) : 0;
}

int combining_class(char32_t cp) { return property(cp)->combining_class; }

}  // namespace tincay::normalize_internal
