// Alignment and ERR arithmetic on hand-made pairs (the real corpus runs in tests/quality).
#include "tincay/normalize/lexnorm.h"

#include <gtest/gtest.h>

namespace tincay {
namespace {

TEST(Lexnorm, AlignsAbbreviationsToSeveralWords) {
  const auto a = lexnorm::align("z anh mua dthoai ms", "vậy anh mua điện thoại mới");
  ASSERT_EQ(a.size(), 5u);
  EXPECT_EQ(a[0].gold, "vậy");
  EXPECT_EQ(a[3].gold, "điện thoại");
  EXPECT_EQ(a[4].gold, "mới");
}

TEST(Lexnorm, ErrCountsOnlyTokensThatNeededNormalizing) {
  NormalizeOptions options;
  options.data_dir = TINCAY_SOURCE_DIR;
  const Normalizer n = Normalizer::create(options).value();
  // 8 tokens, 2 need normalizing (ko, đc); both are in the lexicon.
  const std::vector<lexnorm::Pair> pairs = {
      {"Tôi ko biết", "tôi không biết"}, {"đc rồi nhé bạn", "được rồi nhé bạn"}, {"xyzw", "xyzw"}};
  const lexnorm::Score s = lexnorm::evaluate(n, pairs, lexnorm::AmbiguityPolicy::kAsWritten);
  EXPECT_EQ(s.tokens, 8u);
  EXPECT_EQ(s.baseline_correct, 6u);
  EXPECT_EQ(s.system_correct, 8u);
  EXPECT_DOUBLE_EQ(s.err(), 1.0);
  NormalizeOptions off = options;
  off.expand_teencode = false;
  const Normalizer plain = Normalizer::create(off).value();
  EXPECT_DOUBLE_EQ(lexnorm::evaluate(plain, pairs, lexnorm::AmbiguityPolicy::kAsWritten).err(),
                   0.0);
}

}  // namespace
}  // namespace tincay
