// tincay train and tincay eval through the real binary with rule-hit features (--meta rules):
// the rule packs' findings are computed in training and again in eval, and a model that needs
// them fails clearly where the rule packs are missing.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/subprocess.h"

namespace tincay {
namespace {

using testing::run_command;

// Labelled JSONL: TOXIC texts are insults, CLEAN ones greetings, with shared filler words and a
// number that makes each text distinct (the holdout keeps copies of a text on one side).
std::string toy_jsonl() {
  const char* toxic[] = {"đồ ngu", "im mồm đi thằng ngu", "óc chó", "mày ngu như bò"};
  const char* clean[] = {"cảm ơn bạn", "chúc mừng nhé", "xin chào mọi người", "hay quá bạn ơi"};
  std::string out;
  for (int i = 0; i < 160; ++i) {
    const bool bad = i % 2 == 0;
    out += std::string("{\"text\":\"hôm nay ") + (bad ? toxic : clean)[(i / 2) % 4] + " " +
           std::to_string(i) + "\",\"label\":\"" + (bad ? "TOXIC" : "CLEAN") + "\"}\n";
  }
  return out;
}

TEST(ModelCli, TrainsAndEvaluatesWithRuleFeatures) {
  testing::TempDir dir;
  const std::string data = dir.write("toy.jsonl", toy_jsonl());
  const std::string model = dir.file("toy.model");
  const auto train =
      run_command({TINCAY_BINARY, "train", "--data", data, "--out", model, "--labels",
                   "CLEAN,TOXIC", "--meta", "rules,shape", "--bucket-bits", "12", "--threads", "1",
                   "--quiet", "--data-dir", TINCAY_SOURCE_DIR});
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const auto eval = run_command({TINCAY_BINARY, "eval", "--model", model, "--data", data, "--json",
                                 "--threads", "1", "--data-dir", TINCAY_SOURCE_DIR});
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_NE(eval.out.find("\"accuracy\":1"), std::string::npos) << eval.out;
  EXPECT_EQ(eval.err.find("differ"), std::string::npos) << "same rule packs: " << eval.err;

  // Without rule packs the model cannot be fed its features: a clear error, not a guess.
  testing::TempDir empty;
  const auto mk = run_command({"/bin/mkdir", "-p", empty.file("d/data")});
  ASSERT_EQ(mk.exit_code, 0);
  const auto cp = run_command(
      {"/bin/cp", "-r", std::string(TINCAY_SOURCE_DIR) + "/data/normalize", empty.file("d/data")});
  ASSERT_EQ(cp.exit_code, 0);
  const auto no_rules = run_command({TINCAY_BINARY, "eval", "--model", model, "--data", data,
                                     "--threads", "1", "--data-dir", empty.file("d")});
  EXPECT_NE(no_rules.exit_code, 0);
  EXPECT_NE(no_rules.err.find("rules"), std::string::npos) << no_rules.err;
}

TEST(ModelCli, UnknownMetaFeatureIsAUsageError) {
  testing::TempDir dir;
  const std::string data = dir.write("toy.jsonl", toy_jsonl());
  const auto r = run_command({TINCAY_BINARY, "train", "--data", data, "--out", dir.file("x.model"),
                              "--meta", "lexicon", "--data-dir", TINCAY_SOURCE_DIR});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("shape, mean, rules or text"), std::string::npos) << r.err;
}

TEST(ModelCli, StacksOnAnAuxiliaryModelAndWritesPredictions) {
  testing::TempDir dir;
  const std::string data = dir.write("toy.jsonl", toy_jsonl());
  const std::vector<std::string> common = {
      "--data",    data, "--labels", "CLEAN,TOXIC", "--bucket-bits",  "10",
      "--threads", "1",  "--quiet",  "--data-dir",  TINCAY_SOURCE_DIR};
  std::vector<std::string> aux = {TINCAY_BINARY, "train", "--out", dir.file("aux.model")};
  aux.insert(aux.end(), common.begin(), common.end());
  ASSERT_EQ(run_command(aux).exit_code, 0);
  std::vector<std::string> stacked = {TINCAY_BINARY, "train",
                                      "--out",       dir.file("stacked.model"),
                                      "--aux-model", dir.file("aux.model")};
  stacked.insert(stacked.end(), common.begin(), common.end());
  const auto train = run_command(stacked);
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const auto eval = run_command({TINCAY_BINARY, "eval", "--model", dir.file("stacked.model"),
                                 "--data", data, "--json", "--threads", "1", "--data-dir",
                                 TINCAY_SOURCE_DIR, "--predictions", dir.file("p.jsonl")});
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_NE(eval.out.find("\"accuracy\":1"), std::string::npos) << eval.out;
  const auto head = run_command({"/usr/bin/head", "-n", "1", dir.file("p.jsonl")});
  EXPECT_NE(head.out.find("{\"line\":1,\"labels\":[\"TOXIC\"],\"predicted\":[\"TOXIC\"],"
                          "\"probabilities\":{\"CLEAN\":"),
            std::string::npos)
      << head.out;
  const auto lines = run_command({"/usr/bin/wc", "-l", dir.file("p.jsonl")});
  EXPECT_EQ(lines.out.substr(0, lines.out.find(' ')), "160");

  std::vector<std::string> missing = {TINCAY_BINARY,       "train",       "--out",
                                      dir.file("x.model"), "--aux-model", dir.file("nope.model")};
  missing.insert(missing.end(), common.begin(), common.end());
  const auto r = run_command(missing);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("nope.model"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tincay
