// Author sketches and the rollup buffer (tincay/core/trends.h).
#include "tincay/core/trends.h"

#include <string>

#include <gtest/gtest.h>

namespace tincay {
namespace {

TEST(AuthorSketch, CountsDistinctAuthorsExactlyUpToTheCap) {
  AuthorSketch s;
  for (std::uint32_t i = 0; i < 40; ++i) {
    s.add(author_hash("author-" + std::to_string(i)));
    s.add(author_hash("author-" + std::to_string(i)));  // the same author twice counts once
  }
  EXPECT_TRUE(s.exact());
  EXPECT_EQ(s.estimate(), 40u);
  EXPECT_TRUE(s.at_least(40));
  EXPECT_FALSE(s.at_least(41));
}

TEST(AuthorSketch, SwitchesToHyperLogLogPastTheCapAndStaysAboveIt) {
  AuthorSketch s;
  for (std::uint32_t i = 0; i < 5000; ++i) s.add(author_hash("a" + std::to_string(i)));
  EXPECT_FALSE(s.exact());
  EXPECT_TRUE(s.at_least(AuthorSketch::kExactCap + 1));
  // 256 registers: about 6.5% standard error; 25% is far outside it.
  EXPECT_NEAR(static_cast<double>(s.estimate()), 5000.0, 1250.0);
}

TEST(AuthorSketch, MergeIsTheUnionAcrossModes) {
  AuthorSketch a, b, big;
  for (int i = 0; i < 30; ++i) a.add(author_hash("x" + std::to_string(i)));
  for (int i = 20; i < 50; ++i) b.add(author_hash("x" + std::to_string(i)));
  a.merge(b);
  EXPECT_EQ(a.estimate(), 50u);  // 0..49, the overlap 20..29 counted once
  for (int i = 0; i < 3000; ++i) big.add(author_hash("y" + std::to_string(i)));
  AuthorSketch small = b;
  small.merge(big);
  EXPECT_FALSE(small.exact());
  EXPECT_NEAR(static_cast<double>(small.estimate()), 3030.0, 800.0);
}

TEST(AuthorSketch, SerializeRoundTripsAndParseRejectsGarbage) {
  for (const int n : {0, 9, 64, 65, 1000}) {
    AuthorSketch s;
    for (int i = 0; i < n; ++i) s.add(author_hash("z" + std::to_string(i)));
    auto back = AuthorSketch::parse(s.serialize());
    ASSERT_TRUE(back) << n;
    EXPECT_EQ(back->estimate(), s.estimate()) << n;
    EXPECT_EQ(back->exact(), s.exact()) << n;
  }
  EXPECT_FALSE(AuthorSketch::parse("X"));
  EXPECT_FALSE(AuthorSketch::parse("E123"));                    // not a multiple of 4 bytes
  EXPECT_FALSE(AuthorSketch::parse(std::string("H") + "abc"));  // too few registers
  EXPECT_FALSE(AuthorSketch::parse(std::string("E") + std::string(8, '\0')));  // not sorted
}

TEST(TrendBuckets, AlignToHoursAndDaysInUtc) {
  EXPECT_EQ(trend_bucket_start(TrendLevel::kHour, 7199), 3600);
  EXPECT_EQ(trend_bucket_start(TrendLevel::kDay, 86400 * 3 + 5), 86400 * 3);
  EXPECT_EQ(trend_bucket_start(TrendLevel::kHour, -1), -3600);
}

TEST(TrendCellBuffer, AddsEachPostToItsHourAndDayCells) {
  TrendCellBuffer buffer;
  TrendPost p;
  p.created_unix = 86400 + 3600 * 5 + 10;
  p.platform = "facebook";
  p.has_author = true;
  p.author = 7;
  p.phrases = {"giá xăng"};
  p.categories = {"scam"};
  p.emotion = "Anger";
  buffer.add(p);
  p.author = 8;
  buffer.add(p);
  const auto cells = buffer.take();
  EXPECT_EQ(buffer.posts(), 0u);
  int seen = 0;
  for (const TrendCell& c : cells) {
    EXPECT_EQ(c.posts, 2);
    EXPECT_EQ(c.authors.estimate(), 2u);
    if (c.dim == TrendDim::kPhrase && c.level == TrendLevel::kHour) {
      EXPECT_EQ(c.bucket, 86400 + 3600 * 5);
      ++seen;
    }
    if (c.dim == TrendDim::kPhraseCategory) {
      EXPECT_EQ(c.key, "giá xăng\tscam");
      EXPECT_EQ(c.level, TrendLevel::kDay);
      EXPECT_EQ(c.bucket, 86400);
      ++seen;
    }
  }
  EXPECT_EQ(seen, 2);
}

}  // namespace
}  // namespace tincay
