// Contexts that weaken or suppress rules must not fire on look-alike words: the diacritics-free
// shadow merges syllables ("chuyện" and "chuyển" are both "chuyen"), so a context list matched on
// the shadow can defuse a real scam lure.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tincay/detect.h"
#include "tincay/detect/rules.h"

namespace tincay {
namespace {

double scam_score(const std::string& text) {
  const Normalizer normalizer = Normalizer::create(NormalizeOptions{}).value();
  auto files = list_rule_pack_files(std::string(TINCAY_SOURCE_DIR) + "/rules");
  EXPECT_TRUE(files);
  auto engine = load_rule_engine(*files, normalizer, RuleOptions{});
  EXPECT_TRUE(engine) << engine.error().to_string();
  Post post;
  post.text = text;
  std::vector<Finding> findings;
  (*engine)->detect(post, normalizer.normalize(text), findings);
  double keep = 1.0;  // the decide stage's noisy-OR
  for (const Finding& f : findings) {
    if (f.category == Category::kScam) keep *= 1.0 - f.score;
  }
  return 1.0 - keep;
}

TEST(RuleContexts, TransferWordIsNotAMentionOfAStory) {
  // "chuyển khoản" (bank transfer) is not "chuyện" (a story about): the lure stays at full weight.
  EXPECT_GE(scam_score("tuyển CTV việc nhẹ lương cao chuyển khoản đặt cọc 500k"), 0.5);
}

TEST(RuleContexts, TalkingAboutTheLureIsWeakened) {
  EXPECT_LT(scam_score("hôm qua kể chuyện việc nhẹ lương cao cho mẹ nghe"), 0.5);
}

}  // namespace
}  // namespace tincay
