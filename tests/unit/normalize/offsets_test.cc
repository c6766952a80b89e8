// Offsets, tokens and alternatives: what detectors rely on to show evidence on the original.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "tincay/normalize.h"

namespace tincay {
namespace {

Normalizer with_data() {
  NormalizeOptions options;
  options.data_dir = TINCAY_SOURCE_DIR;
  return Normalizer::create(options).value();
}

std::string original_of(const std::string& original, ByteSpan s) {
  return original.substr(s.begin, s.end - s.begin);
}

std::string text_of(const NormalizedText& t, const Token& tok) {
  return t.text.substr(tok.normalized.begin, tok.normalized.end - tok.normalized.begin);
}

TEST(NormalizeOffsets, ExpansionMapsToTheAbbreviation) {
  const Normalizer n = with_data();
  const std::string original = "Mình ko bít đc";
  const NormalizedText t = n.normalize(original);
  ASSERT_EQ(t.text, "mình không biết được");
  const std::size_t at = t.text.find("không");
  EXPECT_EQ(original_of(original, t.text_to_original(at, at + std::string("không").size())), "ko");
  const std::size_t sat = t.shadow.find("khong");
  EXPECT_EQ(original_of(original, t.shadow_to_original(sat, sat + 5)), "ko");
  const std::size_t dat = t.shadow.find("duoc");
  EXPECT_EQ(original_of(original, t.shadow_to_original(dat, dat + 4)), "đc");
}

TEST(NormalizeOffsets, MultiWordExpansionGivesOneTokenPerSyllable) {
  const Normalizer n = with_data();
  const std::string original = "mn ơi";
  const NormalizedText t = n.normalize(original);
  ASSERT_EQ(t.text, "mọi người ơi");
  ASSERT_EQ(t.tokens.size(), 3u);
  EXPECT_EQ(text_of(t, t.tokens[0]), "mọi");
  EXPECT_EQ(text_of(t, t.tokens[1]), "người");
  EXPECT_EQ(original_of(original, t.tokens[0].original), "mn");
  EXPECT_EQ(original_of(original, t.tokens[1].original), "mn");
  EXPECT_NE(t.tokens[0].flags & token_flags::kExpanded, 0);
  EXPECT_EQ(t.tokens[2].flags, 0);
}

TEST(NormalizeOffsets, AmbiguousFormsKeepTheirReadings) {
  const Normalizer n = with_data();
  const NormalizedText t = n.normalize("t nói vl");
  ASSERT_EQ(t.text, "t nói vl");
  ASSERT_EQ(t.tokens.size(), 3u);
  const Token& tok = t.tokens[0];
  EXPECT_NE(tok.flags & token_flags::kAmbiguous, 0);
  ASSERT_GE(tok.alternatives_count, 2);
  EXPECT_EQ(t.alternative(tok, 0), "tôi");
  EXPECT_EQ(t.alternative(tok, 1), "tao");
  EXPECT_EQ(t.tokens[1].alternatives_count, 0);
  EXPECT_GE(t.tokens[2].alternatives_count, 1);
}

TEST(NormalizeOffsets, UnmarkedRealWordKeepsTheExpansionAsItsReading) {
  const Normalizer n = with_data();
  // No diacritic in the post: "hong" is most likely "hồng"; detectors still see "không".
  const NormalizedText plain = n.normalize("hoa hong");
  ASSERT_EQ(plain.text, "hoa hong");
  const Token& tok = plain.tokens[1];
  EXPECT_NE(tok.flags & token_flags::kAmbiguous, 0);
  ASSERT_EQ(tok.alternatives_count, 1);
  EXPECT_EQ(plain.alternative(tok, 0), "không");
  // With marks elsewhere in the post the same form is teencode.
  EXPECT_EQ(n.normalize("em hong biết").text, "em không biết");
}

TEST(NormalizeOffsets, InitialsAreNotTeencode) {
  const Normalizer n = with_data();
  const NormalizedText t = n.normalize("đ/m o,t,p đ. m");
  EXPECT_EQ(t.text, "đ/m o,t,p đ. m");
  for (const Token& tok : t.tokens) EXPECT_EQ(tok.flags & token_flags::kExpanded, 0);
}

TEST(NormalizeOffsets, DeobfuscatedWordsCoverTheirWholeSpelling) {
  const Normalizer n = with_data();
  const std::string original = "bọn l.ừ.a đảoooo";
  const NormalizedText t = n.normalize(original);
  ASSERT_EQ(t.text, "bọn lừa đảo");
  ASSERT_EQ(t.tokens.size(), 3u);
  EXPECT_EQ(original_of(original, t.tokens[1].original), "l.ừ.a");
  EXPECT_EQ(original_of(original, t.tokens[2].original), "đảoooo");
  EXPECT_NE(t.tokens[1].flags & token_flags::kDeobfuscated, 0);
  const std::size_t at = t.text.find("lừa đảo");
  EXPECT_EQ(original_of(original, t.text_to_original(at, t.text.size())), "l.ừ.a đảoooo");
}

TEST(NormalizeOffsets, TokenKinds) {
  const Normalizer n = with_data();
  const std::string original =
      "Gọi 0978.123.456 hoặc xem https://a.vn/x, a@b.com #tag @ban 😂 9.5 !!";
  const NormalizedText t = n.normalize(original);
  std::string kinds;
  for (const Token& tok : t.tokens) kinds += std::to_string(static_cast<int>(tok.kind));
  // word phone word word url punct email hashtag mention emoji number punct
  EXPECT_EQ(kinds, "050032478612");
  EXPECT_EQ(original_of(original, t.tokens[1].original), "0978.123.456");
  EXPECT_EQ(text_of(t, t.tokens[1]), "0978123456");
}

TEST(NormalizeOffsets, MapsAreMonotonicAndInsideTheOriginal) {
  const Normalizer n = with_data();
  const std::string original =
      "Ｌ\xcc\x80ừaaa  k  v i ệ c 😂\xe2\x80\x8b đươ \xcc\xa3 c 0.9.7.8.1.2.3.4.5.6";
  const NormalizedText t = n.normalize(original);
  ASSERT_EQ(t.text_map.size(), t.text.size());
  ASSERT_EQ(t.shadow_map.size(), t.shadow.size());
  for (std::size_t i = 0; i < t.text_map.size(); ++i) {
    EXPECT_LE(t.text_map[i].begin, t.text_map[i].end);
    EXPECT_LE(t.text_map[i].end, original.size());
    if (i > 0) EXPECT_LE(t.text_map[i - 1].begin, t.text_map[i].begin);
  }
  for (const Token& tok : t.tokens) {
    EXPECT_LT(tok.normalized.begin, tok.normalized.end);
    EXPECT_LE(tok.normalized.end, t.text.size());
    EXPECT_LE(tok.original.end, original.size());
  }
}

TEST(NormalizeOffsets, ReusedOutputEqualsFreshOutput) {
  const Normalizer n = with_data();
  NormalizedText reused;
  for (const std::string s : {"một bài dài hơn với rất nhiều chữ ko đc", "ngắn", "t m 😂"}) {
    n.normalize(s, reused);
    const NormalizedText fresh = n.normalize(s);
    EXPECT_EQ(reused.text, fresh.text);
    EXPECT_EQ(reused.shadow, fresh.shadow);
    EXPECT_EQ(reused.text_map, fresh.text_map);
    EXPECT_EQ(reused.tokens.size(), fresh.tokens.size());
    EXPECT_EQ(reused.alternative_text, fresh.alternative_text);
  }
}

TEST(NormalizeOffsets, PhraseIsNormalizedLikePosts) {
  const Normalizer n = with_data();
  EXPECT_EQ(n.normalize_phrase("Lừa ĐẢO"), n.normalize("lừa   đảo").text);
  EXPECT_EQ(n.normalize_phrase("ko"), "không");
}

TEST(NormalizeOffsets, OptionsTurnRulesOff) {
  NormalizeOptions options;
  options.data_dir = TINCAY_SOURCE_DIR;
  options.expand_teencode = false;
  options.deobfuscate = false;
  const Normalizer n = Normalizer::create(options).value();
  EXPECT_EQ(n.normalize("ko l.ừ.a").text, "ko l.ừ.a");
}

class LexiconFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tincay-lexicon-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "data" / "normalize");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / "data" / "normalize" / name) << text;
  }
  Result<Normalizer> create() {
    NormalizeOptions options;
    options.data_dir = dir_.string();
    return Normalizer::create(options);
  }
  std::filesystem::path dir_;
};

TEST_F(LexiconFiles, MissingLexiconIsAnErrorNamingTheFile) {
  auto n = create();
  ASSERT_FALSE(n);
  EXPECT_NE(n.error().to_string().find("data/normalize/teencode.tsv"), std::string::npos);
}

TEST_F(LexiconFiles, MalformedLineIsAnErrorNamingFileAndLine) {
  write("teencode.tsv", "# comment\nko\tkhông\t-\t1/1\nbad line\n");
  auto n = create();
  ASSERT_FALSE(n);
  EXPECT_NE(n.error().to_string().find("teencode.tsv:3"), std::string::npos)
      << n.error().to_string();
}

TEST_F(LexiconFiles, AmbiguousFormNeedsTwoReadings) {
  write("teencode.tsv", "t\t-\ttôi\tx\n");
  auto n = create();
  ASSERT_FALSE(n);
  EXPECT_NE(n.error().to_string().find("teencode.tsv:1"), std::string::npos);
}

TEST_F(LexiconFiles, ExtraFileOverridesGeneratedEntries) {
  write("teencode.tsv", "ko\tkhông\t-\t1/1\nNgta\tngười ta\t-\t1/1\n");
  write("teencode-extra.tsv", "ko\t-\tkhông|có\tnote\n");
  auto n = create();
  ASSERT_TRUE(n) << n.error().to_string();
  EXPECT_EQ(n->lexicon_size(), 2u);
  EXPECT_EQ(n->normalize("ko").text, "ko");
  EXPECT_EQ(n->normalize("NGTA").text, "người ta");  // forms are normalized when loaded
}

}  // namespace
}  // namespace tincay
