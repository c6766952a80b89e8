#include <gtest/gtest.h>

#include "tincay/decide.h"

namespace tincay {
namespace {

Finding finding(Category c, double score, std::string detector = "rule:x") {
  Finding f;
  f.category = c;
  f.score = score;
  f.detector = std::move(detector);
  f.evidence.push_back({0, 4});
  return f;
}

Post post() {
  Post p;
  p.id = "p";
  p.text = "text of the post";
  return p;
}

TEST(Policy, NoFindingsMeansAllow) {
  const Decision d = Policy::defaults().decide(post(), {}, {});
  EXPECT_EQ(d.action, Action::kAllow);
  EXPECT_TRUE(d.statement.categories.empty());
  EXPECT_EQ(d.statement.automated_decision, Automation::kFully);
}

TEST(Policy, ScoresCombineAsNoisyOr) {
  const Decision d = Policy::defaults().decide(
      post(), {finding(Category::kScam, 0.5), finding(Category::kScam, 0.5, "rule:y")}, {});
  EXPECT_DOUBLE_EQ(d.score(Category::kScam), 0.75);
  EXPECT_EQ(d.action, Action::kReview);
  EXPECT_EQ(d.statement.grounds, (std::vector<std::string>{"rule:x", "rule:y"}));
}

TEST(Policy, BelowThresholdIsListedButNotFlagged) {
  const Decision d = Policy::defaults().decide(post(), {finding(Category::kSpam, 0.4)}, {});
  EXPECT_EQ(d.action, Action::kAllow);
  EXPECT_DOUBLE_EQ(d.score(Category::kSpam), 0.4);
  EXPECT_TRUE(d.statement.categories.empty());
}

TEST(Policy, MostSevereActionWins) {
  const Decision d = Policy::defaults().decide(
      post(), {finding(Category::kProfanity, 0.9), finding(Category::kSelfHarm, 0.6)}, {});
  EXPECT_EQ(d.action, Action::kEscalate);  // self-harm is escalated, never silently removed
  EXPECT_EQ(d.statement.automated_decision, Automation::kPartially);
  EXPECT_EQ(d.statement.categories.front(), Category::kProfanity);  // strongest first
}

TEST(Policy, StrongScamIsRemoved) {
  const Decision d = Policy::defaults().decide(post(), {finding(Category::kScam, 0.9)}, {});
  EXPECT_EQ(d.action, Action::kRemove);
  EXPECT_NE(d.statement.facts.find("\"text\""), std::string::npos);  // quotes the evidence
}

TEST(Policy, MisinformationIsLabelledNeverRemoved) {
  const Decision d =
      Policy::defaults().decide(post(), {finding(Category::kMisinformation, 1.0)}, {});
  EXPECT_EQ(d.action, Action::kLabel);
}

}  // namespace
}  // namespace tincay
