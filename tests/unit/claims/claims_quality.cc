// Claim-matching precision and recall on tests/data/claims/eval.jsonl (docs/quality.md). The
// threshold is calibrated on the dev half; the figures reported are those of the test half.
#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "tincay/claims.h"

namespace tincay {
namespace {

struct EvalItem {
  std::string split;
  std::string claim;  // "" when the text must match nothing
  std::string kind;
  std::string text;
};

std::vector<EvalItem> load_eval(const std::string& path) {
  std::ifstream in(path);
  std::vector<EvalItem> items;
  simdjson::dom::parser parser;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    simdjson::dom::element doc;
    if (parser.parse(line).get(doc)) continue;
    EvalItem item;
    std::string_view v;
    if (!doc["split"].get_string().get(v)) item.split = std::string(v);
    if (!doc["claim"].get_string().get(v)) item.claim = std::string(v);
    if (!doc["kind"].get_string().get(v)) item.kind = std::string(v);
    if (!doc["text"].get_string().get(v)) item.text = std::string(v);
    items.push_back(std::move(item));
  }
  return items;
}

struct Counts {
  int tp = 0;
  int fp = 0;
  int fn = 0;
  double precision() const { return tp + fp == 0 ? 1.0 : static_cast<double>(tp) / (tp + fp); }
  double recall() const { return tp + fn == 0 ? 1.0 : static_cast<double>(tp) / (tp + fn); }
};

// A prediction is the best candidate at or above `threshold` without a debunk marker.
Counts score(const ClaimIndex& index, const Normalizer& n, const std::vector<EvalItem>& items,
             const std::string& split, double threshold, bool print_errors) {
  Counts c;
  for (const EvalItem& item : items) {
    if (item.split != split) continue;
    std::string predicted;
    for (const ClaimMatch& m : index.candidates(n.normalize(item.text))) {
      if (m.score >= threshold && !m.debunked) {
        predicted = index.claims()[m.claim].id;
        break;
      }
    }
    if (!predicted.empty() && predicted == item.claim) {
      ++c.tp;
    } else {
      if (!predicted.empty()) ++c.fp;
      if (!item.claim.empty()) ++c.fn;
      if (print_errors && (!predicted.empty() || !item.claim.empty())) {
        std::printf("  miss (%s, %s): expected %s, got %s: %s\n", split.c_str(), item.kind.c_str(),
                    item.claim.empty() ? "none" : item.claim.c_str(),
                    predicted.empty() ? "none" : predicted.c_str(), item.text.c_str());
      }
    }
  }
  return c;
}

TEST(ClaimMatchingQuality, EvalSet) {
  const std::string dir = std::string(TINCAY_SOURCE_DIR) + "/tests/data/claims";
  auto claims = load_claim_file(dir + "/claims.jsonl", ClaimFormat::kJsonl);
  ASSERT_TRUE(claims.has_value());
  ASSERT_TRUE(claims->errors.empty());
  const std::vector<EvalItem> items = load_eval(dir + "/eval.jsonl");
  ASSERT_GT(items.size(), 50u);
  const Normalizer n = Normalizer::create({}).value();
  ClaimMatchOptions opts;
  ASSERT_TRUE(load_claim_word_lists(TINCAY_SOURCE_DIR, opts).has_value());
  const auto index = ClaimIndex::build(claims->claims, n, opts);

  std::printf("threshold sweep on dev:\n");
  for (double t = 0.30; t < 0.86; t += 0.05) {
    const Counts c = score(*index, n, items, "dev", t, false);
    std::printf("  t=%.2f precision %.3f recall %.3f (tp %d fp %d fn %d)\n", t, c.precision(),
                c.recall(), c.tp, c.fp, c.fn);
  }
  const double t = index->options().threshold;
  const Counts dev = score(*index, n, items, "dev", t, true);
  const Counts test = score(*index, n, items, "test", t, true);
  std::printf(
      "claim matching at threshold %.2f: dev precision %.3f recall %.3f; "
      "test precision %.3f recall %.3f (tp %d fp %d fn %d)\n",
      t, dev.precision(), dev.recall(), test.precision(), test.recall(), test.tp, test.fp, test.fn);
  EXPECT_GE(test.precision(), 0.9);
  EXPECT_GE(test.recall(), 0.7);
}

}  // namespace
}  // namespace tincay
