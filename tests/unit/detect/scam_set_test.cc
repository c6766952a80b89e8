// The scam test set (tests/data/rules/scam_cases.tsv): realistic scam messages must be flagged
// (scam score >= 0.5 after the decide stage's noisy-OR) and benign look-alikes must not.
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tincay/detect.h"
#include "tincay/detect/rules.h"

namespace tincay {
namespace {

TEST(ScamSet, RecallAndFalsePositiveTargets) {
  const Normalizer normalizer = Normalizer::create(NormalizeOptions{}).value();
  auto files = list_rule_pack_files(std::string(TINCAY_SOURCE_DIR) + "/rules");
  ASSERT_TRUE(files);
  auto engine = load_rule_engine(*files, normalizer, RuleOptions{});
  ASSERT_TRUE(engine) << engine.error().to_string();
  const auto pii = make_pii_detector();

  std::ifstream in(std::string(TINCAY_SOURCE_DIR) + "/tests/data/rules/scam_cases.tsv");
  ASSERT_TRUE(in);
  std::size_t scams = 0, caught = 0, benign = 0, flagged = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto t1 = line.find('\t');
    const auto t2 = line.find('\t', t1 + 1);
    const bool is_scam = line.substr(0, t1) == "scam";
    Post post;
    post.text = line.substr(t2 + 1);
    const NormalizedText text = normalizer.normalize(post.text);
    std::vector<Finding> findings;
    (*engine)->detect(post, text, findings);
    pii->detect(post, text, findings);
    double keep = 1.0;  // the decide stage's noisy-OR (src/decide/policy.cc)
    for (const Finding& f : findings) {
      if (f.category == Category::kScam) keep *= 1.0 - f.score;
    }
    const bool hit = 1.0 - keep >= 0.5;
    if (is_scam) {
      ++scams;
      caught += hit ? 1 : 0;
      if (!hit) std::printf("missed scam (%.2f): %s\n", 1.0 - keep, post.text.c_str());
    } else {
      ++benign;
      flagged += hit ? 1 : 0;
      if (hit) std::printf("flagged benign (%.2f): %s\n", 1.0 - keep, post.text.c_str());
    }
  }
  ASSERT_GE(scams, 60u);
  ASSERT_GE(benign, 60u);
  const double recall = double(caught) / double(scams);
  const double fp_rate = double(flagged) / double(benign);
  std::printf("scam set: %zu scams, recall %.3f; %zu benign look-alikes, flagged %.3f\n", scams,
              recall, benign, fp_rate);
  EXPECT_GE(recall, 0.95);
  EXPECT_LE(fp_rate, 0.05);
}

}  // namespace
}  // namespace tincay
