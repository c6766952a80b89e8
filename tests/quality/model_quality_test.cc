// The bundled models on their data sets' dev splits, which training never sees (label
// `quality`, not in `make test`): each must keep its issue-5 target (docs/quality.md). Runs
// `tincay eval --json` as a user would; skipped when ../shared is absent.
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "tests/support/subprocess.h"

namespace tincay {
namespace {

// macro_f1 of `tincay eval --json` for the bundled model `name` on `dev`, or a negative value
// with a test failure when the command fails.
double dev_macro_f1(const std::string& name, const std::string& dev,
                    const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {TINCAY_BINARY, "eval", "--model",    name,
                                   "--data",      dev,    "--data-dir", TINCAY_SOURCE_DIR,
                                   "--json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const testing::CommandResult r = testing::run_command(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (r.exit_code != 0) return -1.0;
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(r.out);
  double f1 = -1.0;
  auto doc = parser.iterate(padded);
  EXPECT_FALSE(doc["macro_f1"].get_double().get(f1)) << r.out;
  return f1;
}

TEST(ModelQuality, VihsdDevMacroF1IsAtLeast066) {
  const std::string dev = TINCAY_SHARED_DIR "/datasets/vihsd/dev.jsonl";
  if (!std::ifstream(dev)) GTEST_SKIP() << "ViHSD not found at " << dev;
  EXPECT_GE(dev_macro_f1("vihsd", dev), 0.66);
}

TEST(ModelQuality, VispamDevTask1MacroF1IsAtLeast085) {
  const std::string dev = TINCAY_SHARED_DIR "/datasets/vispamreviews/dev.jsonl";
  if (!std::ifstream(dev)) GTEST_SKIP() << "ViSpamReviews not found at " << dev;
  // Trained on the task-2 labels, scored on task 1 (SPAM = any SPAM_n).
  EXPECT_GE(dev_macro_f1("vispam", dev, {"--group", "SPAM_1=SPAM,SPAM_2=SPAM,SPAM_3=SPAM"}), 0.85);
}

// ViCTSD is not bundled (below its 0.60 target): this trains its recipe as scripts/train-models
// does (the auxiliary ViHOS model, then the stacked ViCTSD model on ViCTSD train only) and
// checks its dev toxic F1 (0.4512 when recorded, docs/quality.md) stays at least 0.44, above the
// 0.4365 of the recipe before stacking, so a change that loses the stacking's gain fails here.
// (A regression floor set after the one dev run, not a target: the 0.60 is not met.)
TEST(ModelQuality, VictsdStackedRecipeKeepsItsDevToxicF1) {
  const std::string data = TINCAY_SHARED_DIR "/datasets";
  if (!std::ifstream(data + "/victsd/train.jsonl") || !std::ifstream(data + "/vihos/train.jsonl")) {
    GTEST_SKIP() << "ViCTSD or ViHOS not found under " << data;
  }
  testing::TempDir dir;
  const std::vector<std::string> common = {"--threads",
                                           "2",
                                           "--seed",
                                           "1",
                                           "--holdout",
                                           "0.1",
                                           "--data-dir",
                                           TINCAY_SOURCE_DIR,
                                           "--quiet",
                                           "--created-at",
                                           "2026-11-23T00:00:00Z"};
  std::vector<std::string> aux = {TINCAY_BINARY,   "train",
                                  "--data",        data + "/vihos/train.jsonl",
                                  "--labels",      "CLEAN,HATE_OR_OFFENSIVE",
                                  "--bucket-bits", "18",
                                  "--name",        "aux-vihos",
                                  "--out",         dir.file("aux-vihos.model")};
  aux.insert(aux.end(), common.begin(), common.end());
  testing::CommandResult r = testing::run_command(aux);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> train = {
      TINCAY_BINARY,
      "train",
      "--data",
      data + "/victsd/train.jsonl",
      "--labels",
      "NON_TOXIC,TOXIC",
      "--class-weight-power",
      "0.5",
      "--tune",
      "f1.TOXIC",
      "--runs",
      "4",
      "--meta",
      "rules",
      "--holdout",
      "0.2",
      "--aux-model",
      dir.file("aux-vihos.model") + "," + TINCAY_SOURCE_DIR + "/models/emotion/vsmec.model",
      "--name",
      "victsd",
      "--out",
      dir.file("victsd.model")};
  // `common` first, so that the recipe's later --holdout 0.2 wins (the last value of a flag does).
  train.insert(train.begin() + 2, common.begin(), common.end());
  r = testing::run_command(train);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = testing::run_command({TINCAY_BINARY, "eval", "--model", dir.file("victsd.model"), "--data",
                            data + "/victsd/dev.jsonl", "--data-dir", TINCAY_SOURCE_DIR, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(r.out);
  double f1 = -1.0;
  auto doc = parser.iterate(padded);
  ASSERT_FALSE(doc["classes"]["TOXIC"]["f1"].get_double().get(f1)) << r.out;
  EXPECT_GE(f1, 0.44) << r.out;
}

}  // namespace
}  // namespace tincay
