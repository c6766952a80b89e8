// Quality figure (label "quality", not part of make test): share of ViHSD CLEAN comments (train +
// dev) the rule packs flag as scam, false_advertising, sexual or violence. Target: under 1% each.
#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "tincay/detect.h"
#include "tincay/detect/rules.h"

namespace tincay {
namespace {

TEST(ViHsdQuality, CleanCommentsRarelyFlagged) {
  const std::string dir = std::string(TINCAY_SHARED_DIR) + "/datasets/vihsd";
  if (!std::ifstream(dir + "/train.jsonl")) GTEST_SKIP() << "no " << dir << " (shared data absent)";
  const Normalizer normalizer = Normalizer::create(NormalizeOptions{}).value();
  auto files = list_rule_pack_files(std::string(TINCAY_SOURCE_DIR) + "/rules");
  ASSERT_TRUE(files);
  auto engine = load_rule_engine(*files, normalizer, RuleOptions{});
  ASSERT_TRUE(engine) << engine.error().to_string();
  const auto pii = make_pii_detector();
  std::size_t clean = 0;
  std::array<std::size_t, kCategoryCount> flagged{};
  simdjson::dom::parser parser;
  for (const char* split : {"train", "dev"}) {
    std::ifstream in(dir + "/" + split + ".jsonl");
    std::string line;
    while (std::getline(in, line)) {
      simdjson::dom::element doc;
      if (parser.parse(line).get(doc) != simdjson::SUCCESS) continue;
      std::string_view label;
      std::string_view text;
      if (doc["label"].get(label) != simdjson::SUCCESS || label != "CLEAN") continue;
      if (doc["text"].get(text) != simdjson::SUCCESS) continue;
      ++clean;
      Post post;
      post.text = std::string(text);
      const NormalizedText n = normalizer.normalize(post.text);
      std::vector<Finding> findings;
      (*engine)->detect(post, n, findings);
      pii->detect(post, n, findings);
      std::array<double, kCategoryCount> keep{};
      keep.fill(1.0);
      for (const Finding& f : findings) keep[category_index(f.category)] *= 1.0 - f.score;
      for (const Category c : kAllCategories) {
        if (1.0 - keep[category_index(c)] >= 0.5) {
          ++flagged[category_index(c)];
          if (c == Category::kScam || c == Category::kSexual || c == Category::kViolence ||
              c == Category::kFalseAdvertising) {
            std::printf("  %s: %s\n", std::string(category_name(c)).c_str(), post.text.c_str());
          }
        }
      }
    }
  }
  ASSERT_GT(clean, 20000u);
  std::printf("ViHSD train+dev CLEAN comments: %zu\n", clean);
  for (const Category c : kAllCategories) {
    std::printf("  flagged %-18s %5zu  %.3f%%\n", std::string(category_name(c)).c_str(),
                flagged[category_index(c)],
                100.0 * double(flagged[category_index(c)]) / double(clean));
  }
  for (const Category c :
       {Category::kScam, Category::kFalseAdvertising, Category::kSexual, Category::kViolence}) {
    EXPECT_LT(double(flagged[category_index(c)]) / double(clean), 0.01) << category_name(c);
  }
}

}  // namespace
}  // namespace tincay
