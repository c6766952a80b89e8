// The one-pass path must give exactly what the reference two-pass path gives: text, shadow, both
// maps, tokens and alternatives, on text built from the pieces where the two could part: chunk
// boundaries next to detached marks, odd white space, lone letters and initials, digits, URLs,
// pictographs, stylized letters, clean_text's own soft-space character (U+E000).
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tincay/normalize.h"

#include "src/normalize/chars.h"

namespace tincay {
namespace {

Normalizer make(bool with_data) {
  NormalizeOptions options;
  if (with_data) options.data_dir = TINCAY_SOURCE_DIR;
  options.deobfuscate = with_data;
  options.expand_teencode = with_data;
  return Normalizer::create(options).value();
}

// Everything in NormalizedText a caller can see, compared field by field so that a failure
// names the field.
void expect_same(const NormalizedText& a, const NormalizedText& b, const std::string& input) {
  SCOPED_TRACE("input: " + input);
  ASSERT_EQ(a.text, b.text);
  ASSERT_EQ(a.shadow, b.shadow);
  ASSERT_EQ(a.text_map, b.text_map);
  ASSERT_EQ(a.shadow_map, b.shadow_map);
  ASSERT_EQ(a.truncated, b.truncated);
  ASSERT_EQ(a.original_bytes_used, b.original_bytes_used);
  ASSERT_EQ(a.tokens.size(), b.tokens.size());
  for (std::size_t i = 0; i < a.tokens.size(); ++i) {
    const Token& x = a.tokens[i];
    const Token& y = b.tokens[i];
    ASSERT_EQ(x.kind, y.kind) << "token " << i;
    ASSERT_EQ(x.normalized, y.normalized) << "token " << i;
    ASSERT_EQ(x.original, y.original) << "token " << i;
    ASSERT_EQ(x.flags, y.flags) << "token " << i;
    ASSERT_EQ(x.alternatives_count, y.alternatives_count) << "token " << i;
    ASSERT_EQ(x.alternatives_begin, y.alternatives_begin) << "token " << i;
  }
  ASSERT_EQ(a.alternatives, b.alternatives);
  ASSERT_EQ(a.alternative_text, b.alternative_text);
}

const std::vector<std::string>& pieces() {
  static const std::vector<std::string> p = {
      "a",      "k",      "t",      "m",      "o",      "đ",      "ư",          "ở",      "à",
      "A",      "Đ",      "Ệ",      "ko",     "dc",     "đc",     "hong",       "khong",  "không",
      "người",  "hòa",    "hoà",    "qúy",    "thuỷ",   "khoẻ",   "lừaaa",      "aa",     "điii",
      "www",    "http",   "https",  "vn",     "com",    "1",      "0978",       "123",    "456",
      "84",     "9.5",    "10:30",  ".",      ",",      "!",      "?",          "(",      ")",
      "\"",     "'",      "-",      "/",      ":",      "@",      "#",          "+",      "$",
      "*",      "…",      "“",      "😂",      "❤",      "\uFE0F", "\U0001F3FB", "\u0301", "\u0300",
      "\u0323", "\u0302", "\u200b", "\u00ad", "\uE000", "𝐚",      "Ａ",         "ʙ",      "中",
      "ǅ",      "İ",      "x.com",  "a@b.vn", "T.",     "P.",     "l0n",        "đ!t",    "v",
      "i",      "ệ",      "c",      "l",      "ừ",      "TP.HCM"};
  return p;
}

// Numbers, which the one-pass path writes itself, and chunks that look like them.
const std::vector<std::string>& number_pieces() {
  static const std::vector<std::string> p = {
      "0978123456", "84912345678", "0078123456", "99%", "10,", "2.", "(1)", "1tỷ", "9h"};
  return p;
}

const std::vector<std::string>& separators() {
  static const std::vector<std::string> s = {"",   " ",  " ",    " ",      "  ",
                                             "\t", "\n", " \n ", "\u00a0", " \u200b "};
  return s;
}

TEST(NormalizeOnePass, AgreesWithTheReferencePathOnMixedPieces) {
  const Normalizer full = make(true);
  const Normalizer plain = make(false);
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<std::size_t> piece(0, pieces().size() + number_pieces().size() - 1);
  std::uniform_int_distribution<std::size_t> sep(0, separators().size() - 1);
  std::uniform_int_distribution<int> count(1, 14);
  NormalizedText fast;
  NormalizedText reference;
  for (int i = 0; i < 10000; ++i) {
    std::string input;
    const int n = count(rng);
    for (int k = 0; k < n; ++k) {
      const std::size_t at = piece(rng);
      input += at < pieces().size() ? pieces()[at] : number_pieces()[at - pieces().size()];
      input += separators()[sep(rng)];
    }
    const Normalizer& normalizer = i % 4 == 3 ? plain : full;
    normalizer.normalize(input, fast);
    normalizer.normalize_reference(input, reference);
    expect_same(fast, reference, input);
    if (HasFatalFailure()) return;
  }
}

TEST(NormalizeOnePass, AgreesOnPlainSentences) {
  // The common case, which the one-pass path writes itself: it must still match.
  const Normalizer n = make(true);
  NormalizedText fast;
  NormalizedText reference;
  for (const std::string input :
       {"Hôm nay trời đẹp quá, đi chơi không?", "ko biết nữa... (chắc vậy)",
        "ĐẸP QUÁ 😂😂 ❤️", "hoà thuỷ khoẻ qúy", "k đc đâu m ơi", "lừaaaa đảo",
        "  đầu  và cuối  ", "x.\u0301 y", "thi \u0301 ch quá",
        "gọi 0978123456 nhé, 99% giảm 10, còn 2. k 1 2 3 ok"}) {
    n.normalize(input, fast);
    n.normalize_reference(input, reference);
    expect_same(fast, reference, input);
  }
}

TEST(NormalizeOnePass, TruncatedInputAgrees) {
  NormalizeOptions options;
  options.data_dir = TINCAY_SOURCE_DIR;
  options.max_input_bytes = 10;
  const Normalizer n = Normalizer::create(options).value();
  NormalizedText fast;
  NormalizedText reference;
  const std::string input = "người ta nói không được";
  n.normalize(input, fast);
  n.normalize_reference(input, reference);
  EXPECT_TRUE(fast.truncated);
  expect_same(fast, reference, input);
}

// The one-pass path classifies pictographs U+1F300..U+1FAFF without CharTable::compute (which
// asks utf8proc): this is what compute says about them.
TEST(NormalizeOnePass, PictographRangeMatchesTheCharacterTable) {
  using normalize_internal::CharClass;
  using normalize_internal::CharTable;
  for (char32_t cp = 0x1F300; cp <= 0x1FAFF; ++cp) {
    SCOPED_TRACE(static_cast<unsigned>(cp));
    const auto info = CharTable::compute(cp);
    const bool skin_tone = cp >= 0x1F3FB && cp <= 0x1F3FF;
    ASSERT_EQ(info.cls, skin_tone ? CharClass::kMark : CharClass::kEmoji);
    ASSERT_EQ(static_cast<unsigned>(info.folded), static_cast<unsigned>(cp));
    ASSERT_EQ(static_cast<unsigned>(info.shadow), static_cast<unsigned>(cp));
  }
  EXPECT_EQ(CharTable::compute(0xFE0F).cls, CharClass::kMark);
}

}  // namespace
}  // namespace tincay
