#include <string>

#include <gtest/gtest.h>

#include "tincay/detect.h"

namespace tincay {
namespace {

const Normalizer& normalizer() {
  static const Normalizer n = Normalizer::create(NormalizeOptions{}).value();
  return n;
}

std::vector<Finding> run(const Detector& d, const std::string& text) {
  Post post;
  post.text = text;
  std::vector<Finding> out;
  d.detect(post, normalizer().normalize(text), out);
  return out;
}

TEST(KeywordDetector, MatchesNormalizedTermsWithEvidenceOnTheOriginal) {
  auto d = parse_keyword_detector("scam.job\tscam\t0.6\tViệc nhẹ lương cao | lương khủng\n", "k.tsv",
                                  normalizer());
  ASSERT_TRUE(d) << d.error().to_string();
  const std::string text = "Tuyển gấp: VIỆC NHẸ LƯƠNG CAO!!";
  const auto findings = run(**d, text);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].detector, "rule:scam.job");
  EXPECT_EQ(findings[0].category, Category::kScam);
  EXPECT_DOUBLE_EQ(findings[0].score, 0.6);
  ASSERT_EQ(findings[0].evidence.size(), 1u);
  const ByteSpan e = findings[0].evidence[0];
  EXPECT_EQ(text.substr(e.begin, e.end - e.begin), "VIỆC NHẸ LƯƠNG CAO");
}

TEST(KeywordDetector, RespectsWordBoundaries) {
  auto d = parse_keyword_detector("p\tprofanity\t0.6\tvl\n", "k.tsv", normalizer());
  ASSERT_TRUE(d);
  EXPECT_TRUE(run(**d, "đẹp vl").size() == 1);
  EXPECT_TRUE(run(**d, "vlog mới nè").empty());
  EXPECT_TRUE(run(**d, "bvl").empty());
}

TEST(KeywordDetector, LoadErrorsNameFileLineAndReason) {
  auto bad_category = parse_keyword_detector("# c\n\nx\tpolitics\t0.5\tabc\n", "k.tsv", normalizer());
  ASSERT_FALSE(bad_category);
  EXPECT_EQ(bad_category.error().where, "k.tsv:3");
  EXPECT_NE(bad_category.error().message.find("unknown category \"politics\""), std::string::npos);

  auto bad_weight = parse_keyword_detector("x\tscam\t1.5\tabc\n", "k.tsv", normalizer());
  ASSERT_FALSE(bad_weight);
  EXPECT_NE(bad_weight.error().message.find("weight"), std::string::npos);

  auto columns = parse_keyword_detector("x\tscam\n", "k.tsv", normalizer());
  ASSERT_FALSE(columns);
  EXPECT_NE(columns.error().message.find("4 tab-separated columns"), std::string::npos);

  auto dup = parse_keyword_detector("x\tscam\t0.5\ta\nx\tspam\t0.5\tb\n", "k.tsv", normalizer());
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().where, "k.tsv:2");
}

TEST(KeywordDetector, BundledRulesLoad) {
  auto d = load_keyword_detector(std::string(TINCAY_SOURCE_DIR) + "/rules/keywords.tsv",
                                 normalizer());
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_FALSE(run(**d, "cho mình xin mã OTP nhé").empty());
}

}  // namespace
}  // namespace tincay
