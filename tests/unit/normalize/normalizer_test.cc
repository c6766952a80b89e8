#include <string>

#include <gtest/gtest.h>

#include "tincay/normalize.h"

namespace tincay {
namespace {

Normalizer make() { return Normalizer::create(NormalizeOptions{}).value(); }

TEST(Normalizer, ComposesLowercasesAndFoldsSpace) {
  const Normalizer n = make();
  // "Việt" written with combining marks (e + U+0323 + U+0302), upper case, extra spaces.
  const NormalizedText t = n.normalize("  VIE\xcc\xa3\xcc\x82T   Nam\t");
  EXPECT_EQ(t.text, "việt nam");
  EXPECT_EQ(t.shadow, "viet nam");
}

TEST(Normalizer, DropsInvisibleCharactersAndMapsBack) {
  const Normalizer n = make();
  const std::string original = "l\xe2\x80\x8bừa";  // zero-width space inside "lừa"
  const NormalizedText t = n.normalize(original);
  EXPECT_EQ(t.text, "lừa");
  const ByteSpan s = t.text_to_original(0, t.text.size());
  EXPECT_EQ(original.substr(s.begin, s.end - s.begin), original);
}

TEST(Normalizer, ShadowMapsToOriginal) {
  const Normalizer n = make();
  const std::string original = "Đà Nẵng";
  const NormalizedText t = n.normalize(original);
  EXPECT_EQ(t.shadow, "da nang");
  const auto at = t.shadow.find("nang");
  const ByteSpan s = t.shadow_to_original(at, at + 4);
  EXPECT_EQ(original.substr(s.begin, s.end - s.begin), "Nẵng");
}

TEST(Normalizer, LongInputIsTruncatedAtACodePoint) {
  NormalizeOptions options;
  options.max_input_bytes = 5;
  const Normalizer n = Normalizer::create(options).value();
  const NormalizedText t = n.normalize("abcdệf");
  EXPECT_TRUE(t.truncated);
  EXPECT_EQ(t.text, "abcd");
}

}  // namespace
}  // namespace tincay
