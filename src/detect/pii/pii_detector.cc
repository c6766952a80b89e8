// Personal-data detectors (see detect.h, make_pii_detector). They scan the diacritics-free shadow
// of the normalized text, where digits, separators and ASCII letters are what the author wrote
// minus case and invisible characters, and report spans on the original text.
//
// Numbers are read as runs of digit groups joined by spaces, dots or dashes; each run is split
// into the longest candidates that pass a validator, and context words decide the ambiguous
// ones (a 9-digit CMND, a bank account, a tax code). Prices, amounts with thousands separators,
// order codes and quantities are skipped.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <string_view>

#include "tincay/core/utf8.h"
#include "tincay/detect.h"

#include "src/detect/pii/validators.h"

namespace tincay {
namespace {

using pii::is_card_number;
using pii::is_cccd;
using pii::is_tax_code;
using pii::is_vn_mobile;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return c >= 'a' && c <= 'z'; }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }

// Context words, in shadow form (no diacritics, lower case).
constexpr const char* kAccountWords[] = {"stk",     "so tk", "so tai khoan", "tai khoan",
                                         "tk",      "ctk",   "chu tk",       "chu tai khoan",
                                         "account", "acc",   "so acc"};
constexpr const char* kBankWords[] = {
    "ngan hang",  "nh",           "vietcombank", "vcb",        "bidv",      "agribank",
    "vietinbank", "ctg",          "techcombank", "tcb",        "mbbank",    "mb bank",
    "mb",         "acb",          "vpbank",      "tpbank",     "sacombank", "stb",
    "vib",        "shb",          "hdbank",      "ocb",        "msb",       "seabank",
    "eximbank",   "lpbank",       "scb",         "abbank",     "pvcombank", "namabank",
    "bac a bank", "kienlongbank", "ncb",         "saigonbank", "bank"};
constexpr const char* kIdWords[] = {"cmnd",     "cmt",       "chung minh", "so cm", "cccd",
                                    "can cuoc", "dinh danh", "id card",    "so cc"};
constexpr const char* kTaxWords[] = {
    "mst", "ma so thue", "ma so doanh nghiep", "msdn", "tax code", "ma thue", "tax id"};
constexpr const char* kNotPersonalWords[] = {
    "ma don",       "don hang",    "ma van don",   "van don",    "mvd",          "ma gd",
    "ma giao dich", "hoa don",     "ma order",     "ma sp",      "ma san pham",  "ma hang",
    "serial",       "imei",        "tracking",     "ma tra cuu", "so hieu",      "ma ve",
    "ma dat cho",   "booking",     "so seri",      "ma bill",    "ma so",        "ma khach hang",
    "ma kh",        "ma hoc sinh", "ma sinh vien", "mssv",       "ma nhan vien", "so hop dong",
    "hop dong so"};
constexpr const char* kExposureWords[] = {
    "phot",         "boc phot",    "info",      "thong tin cua", "so cua",           "sdt cua",
    "nha no",       "cua no",      "cua thang", "cua con",       "con no",           "quit no",
    "bung no",      "doi no",      "truy tim",  "ai biet",       "day la so",        "day la sdt",
    "lo thong tin", "dia chi nha", "cong khai", "tim nguoi",     "cua ba",           "cua ong",
    "cua chi",      "cua anh",     "vo no",     "chong no",      "so dien thoai cua"};
// Words after a number that make it an amount or a quantity.
constexpr const char* kUnitWords[] = {"k",    "d",   "vnd", "dong", "tr",    "trieu", "nghin",
                                      "ngan", "usd", "$",   "%",    "cm",    "kg",    "m2",
                                      "km",   "ty",  "ti",  "lit",  "nguoi", "luot",  "view"};
// Letters allowed right before a phone number ("sdt0912...").
constexpr const char* kContactPrefixes[] = {"sdt", "dt", "lh", "zalo", "tel", "hotline", "phone"};

template <std::size_t N>
bool word_in(std::string_view region, const char* const (&words)[N]) {
  for (const char* w : words) {
    const std::size_t len = std::strlen(w);
    for (std::size_t at = region.find(w); at != std::string_view::npos;
         at = region.find(w, at + 1)) {
      const bool left = at == 0 || !is_alnum(region[at - 1]);
      const bool right = at + len >= region.size() || !is_alnum(region[at + len]);
      if (left && right) return true;
    }
  }
  return false;
}

std::string_view before(std::string_view s, std::size_t pos, std::size_t bytes) {
  const std::size_t from = pos > bytes ? pos - bytes : 0;
  return s.substr(from, pos - from);
}

std::string_view after(std::string_view s, std::size_t pos, std::size_t bytes) {
  return pos < s.size() ? s.substr(pos, bytes) : std::string_view();
}

struct Group {
  std::size_t begin;  // shadow bytes
  std::size_t end;
  std::string digits;
  char sep_before = 0;  // the separator that joined it to the previous group (' ', '.', '-')
};

class PiiDetector final : public Detector {
 public:
  PiiDetector() {
    const auto now = std::chrono::system_clock::now();
    const auto days = std::chrono::floor<std::chrono::days>(now);
    current_year_ = static_cast<int>(std::chrono::year_month_day(days).year());
  }

  void detect(const Post& post, const NormalizedText& text,
              std::vector<Finding>& out) const override {
    const std::string_view s = text.shadow;
    const std::size_t first = out.size();
    // Most posts hold no digit and no '@': skip the scanners outright.
    const bool digits = utf8::has_ascii_digit(s);
    if (digits) {
      scan_numbers(text, s, out);
      scan_plates(post, text, s, out);
    }
    if (s.find("khong") != std::string_view::npos) scan_spelled_phone(text, s, out);
    if (s.find('@') != std::string_view::npos) scan_emails(post, text, s, out);
    if (out.size() == first) return;
    // Words that expose someone else's data raise the weak detectors' scores.
    if (word_in(s, kExposureWords)) {
      for (std::size_t i = first; i < out.size(); ++i) {
        const std::string& d = out[i].detector;
        if (d == "pii:phone" || d == "pii:bank_account") out[i].score = boost(out[i].score, true);
      }
    }
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
              [](const Finding& a, const Finding& b) {
                return a.evidence.front().begin < b.evidence.front().begin;
              });
  }

 private:
  void emit(const NormalizedText& text, std::size_t begin, std::size_t end, const char* type,
            double score, std::string value, std::string reason, std::vector<Finding>& out) const {
    Finding f;
    f.category = Category::kPrivacy;
    f.detector = std::string("pii:") + type;
    f.score = score;
    f.evidence.push_back(text.shadow_to_original(begin, end));
    f.value = std::move(value);
    f.reason = std::move(reason);
    f.truncated = text.truncated;
    out.push_back(std::move(f));
  }

  static double boost(double base, bool exposed) {
    return exposed ? std::min(1.0, base + 0.3) : base;
  }

  // Digit groups joined by at most two separator characters.
  static std::vector<Group> read_run(std::string_view s, std::size_t& i) {
    std::vector<Group> groups;
    char sep = 0;
    while (i < s.size() && is_digit(s[i])) {
      Group g;
      g.begin = i;
      g.sep_before = sep;
      while (i < s.size() && is_digit(s[i])) g.digits += s[i++];
      g.end = i;
      groups.push_back(std::move(g));
      std::size_t k = i;
      sep = 0;
      while (k < s.size() && k - i < 3 && (s[k] == ' ' || s[k] == '.' || s[k] == '-')) {
        if (sep == 0 || s[k] != ' ') sep = s[k];
        ++k;
      }
      if (k == i || k >= s.size() || !is_digit(s[k])) break;
      i = k;
    }
    return groups;
  }

  // An amount written with thousands separators: 1.500.000, 12,000.
  static bool thousands(const std::vector<Group>& g, std::size_t a, std::size_t b) {
    if (b == a) return false;
    if (g[a].digits.size() > 3) return false;
    for (std::size_t k = a + 1; k <= b; ++k) {
      if (g[k].digits.size() != 3 || g[k].sep_before != '.') return false;
    }
    return true;
  }

  void classify(const NormalizedText& text, std::string_view s, const std::vector<Group>& g,
                std::size_t a, std::size_t b, bool plus, std::vector<Finding>& out,
                bool& found) const {
    found = false;
    std::string d;
    for (std::size_t k = a; k <= b; ++k) d += g[k].digits;
    const std::size_t begin = g[a].begin - (plus ? 1 : 0);
    const std::size_t end = g[b].end;
    if (d.size() < 6 || d.size() > 19 || thousands(g, a, b)) return;
    // A unit after the number makes it an amount or a quantity.
    std::string_view next = after(s, end, 16);
    while (!next.empty() && next.front() == ' ') next.remove_prefix(1);
    std::size_t w = 0;
    while (w < next.size() && (is_alpha(next[w]) || next[w] == '$' || next[w] == '%')) ++w;
    if (w > 0 && word_in(next.substr(0, w), kUnitWords) && next.rfind("ngan hang", 0) != 0) return;
    if (w > 0 && end < s.size() && is_alpha(s[end])) return;  // glued to a word: "12345abc"

    const std::string_view pre = before(s, begin, 28);
    const bool account = word_in(pre, kAccountWords);
    const bool bank = account || word_in(before(s, begin, 40), kBankWords) ||
                      word_in(after(s, end, 30), kBankWords);
    const bool id_words = word_in(pre, kIdWords);
    const bool tax_words = word_in(pre, kTaxWords);
    const bool not_personal = word_in(before(s, begin, 24), kNotPersonalWords);
    if (not_personal && !account && !id_words && !tax_words) return;

    if (tax_words && is_tax_code(d)) {
      emit(text, begin, end, "tax_code", 0.3, d, "tax code (mã số thuế) with a valid check digit",
           out);
    } else if (account && !id_words) {
      emit(text, begin, end, "bank_account", 0.45, d, "bank account number next to an account word",
           out);
    } else if ((d.size() == 15 || d.size() == 16 || d.size() == 19) && is_card_number(d)) {
      emit(text, begin, end, "card_number", 0.85, d,
           "payment card number (issuer prefix and Luhn check digit valid)", out);
    } else if (is_vn_mobile(d) && !(plus && d.rfind("84", 0) != 0)) {
      emit(text, begin, end, "phone", 0.4, d, "Vietnamese mobile number", out);
    } else if (d.size() == 12 && is_cccd(d, current_year_)) {
      emit(text, begin, end, "national_id", 0.8, d,
           "12-digit citizen ID (CCCD): province code and century/sex digit valid", out);
    } else if (d.size() == 9 && id_words) {
      emit(text, begin, end, "national_id", 0.7, d, "9-digit ID card number (CMND) after ID words",
           out);
    } else if (bank && d.size() >= 8) {
      emit(text, begin, end, "bank_account", 0.45, d, "bank account number near a bank name", out);
    } else {
      return;
    }
    found = true;
  }

  void scan_numbers(const NormalizedText& text, std::string_view s,
                    std::vector<Finding>& out) const {
    for (std::size_t i = 0; i < s.size();) {
      if (!is_digit(s[i])) {
        ++i;
        continue;
      }
      // Left edge: not inside a word or a longer number, unless a contact prefix ("sdt0912...").
      if (i > 0 && (is_alnum(s[i - 1]) || (s[i - 1] == '.' && i > 1 && is_digit(s[i - 2])))) {
        std::size_t w = i;
        while (w > 0 && is_alpha(s[w - 1])) --w;
        const std::string_view word = s.substr(w, i - w);
        const bool prefix = !word.empty() && (w == 0 || !is_alnum(s[w - 1])) &&
                            std::any_of(std::begin(kContactPrefixes), std::end(kContactPrefixes),
                                        [&](const char* p) { return word == p; });
        if (!prefix) {
          while (i < s.size() && is_alnum(s[i])) ++i;
          continue;
        }
      }
      const bool plus = i > 0 && s[i - 1] == '+';
      std::vector<Group> g = read_run(s, i);
      // Glued to letters on the right ("0912345678abc", "100k"): not an identifier.
      if (i < s.size() && is_alpha(s[i]) && (g.size() == 1)) {
        const std::size_t save = i;
        std::string_view rest = after(s, i, 8);
        std::size_t w = 0;
        while (w < rest.size() && is_alpha(rest[w])) ++w;
        if (!word_in(rest.substr(0, w), kBankWords)) {
          while (i < s.size() && is_alnum(s[i])) ++i;
          continue;
        }
        i = save;
      }
      // Longest valid candidates first, left to right.
      for (std::size_t a = 0; a < g.size();) {
        bool found = false;
        for (std::size_t b = g.size(); b-- > a;) {
          classify(text, s, g, a, b, plus && a == 0, out, found);
          if (found) {
            a = b + 1;
            break;
          }
        }
        if (!found) ++a;
      }
    }
  }

  // "không chín một hai ba bốn năm sáu bảy tám": ten or more digit words form a phone number.
  void scan_spelled_phone(const NormalizedText& text, std::string_view s,
                          std::vector<Finding>& out) const {
    static constexpr std::pair<std::string_view, char> kWords[] = {
        {"khong", '0'}, {"mot", '1'}, {"hai", '2'}, {"ba", '3'},  {"bon", '4'},
        {"tu", '4'},    {"nam", '5'}, {"lam", '5'}, {"sau", '6'}, {"bay", '7'},
        {"bey", '7'},   {"tam", '8'}, {"chin", '9'}};
    std::string digits;
    std::size_t run_begin = 0;
    std::size_t run_end = 0;
    std::size_t end_before_last = 0;  // run_end before the last digit word was added
    auto flush = [&]() {
      // A digit word right after the number ("... chín năm không?") is not part of it.
      if (digits.size() == 11 && !is_vn_mobile(digits) && is_vn_mobile(digits.substr(0, 10))) {
        digits.resize(10);
        run_end = end_before_last;
      }
      if (digits.size() >= 10 && digits.size() <= 11 && is_vn_mobile(digits)) {
        emit(text, run_begin, run_end, "phone", 0.4, digits,
             "Vietnamese mobile number written in words", out);
      }
      digits.clear();
    };
    for (std::size_t i = 0; i < s.size();) {
      if (!is_alnum(s[i])) {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < s.size() && is_alnum(s[j])) ++j;
      const std::string_view word = s.substr(i, j - i);
      char digit = 0;
      if (word.size() == 1 && is_digit(word[0])) digit = word[0];
      for (const auto& [w, d] : kWords) {
        if (word == w) digit = d;
      }
      if (digit == 0 || (digits.empty() && digit != '0')) {
        flush();
      } else {
        if (digits.empty()) run_begin = i;
        digits += digit;
        end_before_last = run_end;
        run_end = j;
      }
      i = j;
    }
    flush();
  }

  static std::string original_text(const Post& post, const NormalizedText& text, std::size_t begin,
                                   std::size_t end) {
    const ByteSpan o = text.shadow_to_original(begin, end);
    return post.text.substr(o.begin, o.end - o.begin);
  }

  void scan_emails(const Post& post, const NormalizedText& text, std::string_view s,
                   std::vector<Finding>& out) const {
    auto local_char = [](char c) {
      return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    };
    for (std::size_t at = s.find('@'); at != std::string_view::npos; at = s.find('@', at + 1)) {
      std::size_t b = at;
      while (b > 0 && local_char(s[b - 1])) --b;
      while (b < at && (s[b] == '.' || s[b] == '-')) ++b;
      if (b == at) continue;
      std::size_t e = at + 1;
      while (e < s.size() && (is_alnum(s[e]) || s[e] == '-' || s[e] == '.')) ++e;
      while (e > at + 1 && (s[e - 1] == '.' || s[e - 1] == '-')) --e;
      const std::size_t last_dot = s.substr(0, e).rfind('.');
      if (last_dot == std::string_view::npos || last_dot <= at + 1) continue;
      bool letters = e - last_dot - 1 >= 2;
      for (std::size_t k = last_dot + 1; k < e; ++k) letters = letters && is_alpha(s[k]);
      if (!letters) continue;
      emit(text, b, e, "email", 0.3, original_text(post, text, b, e), "e-mail address", out);
    }
  }

  // Licence plates: 30A-123.45, 51G-12345, 29-B1 123.45, 77L1-12345, 30a12345.
  void scan_plates(const Post& post, const NormalizedText& text, std::string_view s,
                   std::vector<Finding>& out) const {
    auto is_sep = [](char c) { return c == '-' || c == '.' || c == ' '; };
    for (std::size_t i = 0; i + 6 <= s.size(); ++i) {
      if (!is_digit(s[i]) || !is_digit(s[i + 1])) continue;
      if (i > 0 && (is_alnum(s[i - 1]) || s[i - 1] == '.' || s[i - 1] == '-')) continue;
      if (!pii::is_plate_locality((s[i] - '0') * 10 + (s[i + 1] - '0'))) continue;
      std::size_t k = i + 2;
      bool punct = false;
      bool spaced = false;
      auto skip_sep = [&]() {
        if (k < s.size() && (s[k] == '-' || s[k] == '.')) {
          punct = true;
          ++k;
          if (k < s.size() && s[k] == ' ') ++k;
        } else if (k < s.size() && s[k] == ' ') {
          spaced = true;
          ++k;
        }
      };
      skip_sep();
      if (k >= s.size() || !is_alpha(s[k]) || std::strchr("ijoqw", s[k]) != nullptr) continue;
      ++k;
      if (k < s.size() && is_alpha(s[k])) {
        ++k;  // two-letter series: "ld"
      } else if (k + 1 < s.size() && is_digit(s[k]) && is_sep(s[k + 1])) {
        ++k;  // motorbike series letter + digit: "b1 "
      }
      skip_sep();
      std::size_t d = k;
      while (d < s.size() && is_digit(s[d])) ++d;
      std::size_t digits = d - k;
      bool dotted = false;
      if (digits == 3 && d + 2 < s.size() && s[d] == '.' && is_digit(s[d + 1]) &&
          is_digit(s[d + 2])) {
        dotted = true;
        d += 3;
        digits = 5;
      }
      if (digits != 4 && digits != 5) continue;
      if (d < s.size() && (is_alnum(s[d]) || ((s[d] == '.' || s[d] == ',') && d + 1 < s.size() &&
                                              is_digit(s[d + 1])))) {
        continue;
      }
      if (spaced && !punct && !dotted) continue;  // "12h 3000" is a time and a count
      emit(text, i, d, "license_plate", 0.35, original_text(post, text, i, d),
           "vehicle licence plate", out);
      i = d;
    }
  }

  int current_year_ = 2026;
};

}  // namespace

std::unique_ptr<Detector> make_pii_detector() { return std::make_unique<PiiDetector>(); }

}  // namespace tincay
