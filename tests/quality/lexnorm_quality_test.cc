// ViLexNorm dev: the Error Reduction Rate of the teencode normalization (label `quality`, not in
// `make test`). The lexicon is built from the train split only.
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "tincay/normalize.h"
#include "tincay/normalize/lexnorm.h"

namespace tincay {
namespace {

TEST(LexnormQuality, ErrOnViLexNormDevIsAtLeast60Percent) {
  const std::string path = TINCAY_SHARED_DIR "/datasets/vilexnorm/dev.jsonl";
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << "ViLexNorm not found at " << path;
  std::vector<lexnorm::Pair> pairs;
  simdjson::ondemand::parser parser;
  std::string line;
  while (std::getline(in, line)) {
    simdjson::padded_string padded(line);
    auto doc = parser.iterate(padded);
    std::string_view text;
    std::string_view label;
    ASSERT_FALSE(doc["text"].get_string().get(text));
    ASSERT_FALSE(doc["label"].get_string().get(label));
    pairs.push_back({std::string(text), std::string(label)});
  }
  NormalizeOptions options;
  options.data_dir = TINCAY_SOURCE_DIR;
  const Normalizer n = Normalizer::create(options).value();
  const lexnorm::Score s = lexnorm::evaluate(n, pairs, lexnorm::AmbiguityPolicy::kAsWritten);
  EXPECT_GT(s.tokens, 10000u);
  EXPECT_GE(s.err(), 0.60) << "accuracy " << s.system_accuracy() << " vs LAI "
                           << s.baseline_accuracy();
}

}  // namespace
}  // namespace tincay
