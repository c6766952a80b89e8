// Tests of the linear text classifiers: features, the model file, training, calibration,
// evaluation and the model detector.
#include "tincay/detect/model.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <numeric>
#include <set>

#include <gtest/gtest.h>

#include "tincay/detect/train.h"

#include "src/detect/model/features.h"
#include "tests/support/subprocess.h"
#include "tests/unit/model/model_bytes.h"

namespace tincay {
namespace {

const Normalizer& normalizer() {
  static const Normalizer n = Normalizer::create(NormalizeOptions{}).value();
  return n;
}

std::vector<std::uint32_t> features_of(const std::string& text, const FeatureConfig& config = {}) {
  std::vector<std::uint32_t> ids;
  extract_features(normalizer().normalize(text), config, ids);
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::size_t shared(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  std::vector<std::uint32_t> both;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
  return both.size();
}

TEST(ModelFeatures, CaseDoesNotMatterAndTheShadowLinksToneLessSpelling) {
  EXPECT_EQ(features_of("Đồ NGU"), features_of("đồ ngu"));
  const auto with_tones = features_of("không biết");
  const auto without = features_of("khong biet");
  EXPECT_GT(shared(with_tones, without), 10u) << "shadow features should be shared";
  FeatureConfig no_shadow;
  no_shadow.shadow_word_ngrams = 0;
  no_shadow.char_shadow = false;
  EXPECT_LT(shared(features_of("không biết", no_shadow), features_of("khong biet", no_shadow)),
            shared(with_tones, without));
}

TEST(ModelFeatures, WordOrderMattersThroughBigrams) {
  FeatureConfig words_only;
  words_only.char_max = 0;
  words_only.shadow_word_ngrams = 0;
  words_only.word_ngrams = 2;
  const auto ab = features_of("chó mèo", words_only);
  const auto ba = features_of("mèo chó", words_only);
  EXPECT_EQ(ab.size(), ba.size());
  EXPECT_NE(ab, ba);
  words_only.word_ngrams = 1;
  EXPECT_EQ(features_of("chó mèo", words_only), features_of("mèo chó", words_only));
}

TEST(ModelFeatures, RepeatedSymbolsCollapseAndBucketsStayInRange) {
  FeatureConfig small;
  small.bucket_bits = 8;
  EXPECT_EQ(features_of("haha :))))))", small), features_of("haha :))", small));
  for (const auto id : features_of(std::string(5000, 'x') + " ?? ! ", small)) {
    EXPECT_LT(id, 256u);
  }
  EXPECT_TRUE(features_of("").empty());
}

// A toy task: class by topic words, with shared filler.
std::vector<LabeledText> toy_data(std::size_t n, std::uint64_t seed, bool multilabel = false) {
  const std::vector<std::string> a = {"lừa đảo", "chuyển khoản", "nạp tiền", "trúng thưởng"};
  const std::vector<std::string> b = {"đẹp trai", "dễ thương", "cảm ơn", "chúc mừng"};
  const std::vector<std::string> filler = {"hôm nay", "bạn ơi", "thật là", "mọi người", "nhé"};
  std::vector<LabeledText> out;
  std::uint64_t s = seed;
  const auto next = [&s](std::size_t m) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>((s >> 33) % m);
  };
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t label = i % 3 == 0 ? 1 : 0;  // imbalanced: a third is class 1
    std::string text = filler[next(filler.size())] + " ";
    text += (label == 1 ? a : b)[next(4)] + " " + filler[next(filler.size())];
    LabeledText t;
    t.text = normalizer().normalize(text);
    t.labels = {static_cast<std::uint16_t>(label)};
    if (multilabel && i % 5 == 0) {
      t.text = normalizer().normalize(text + " " + a[next(4)] + " " + b[next(4)]);
      t.labels = {0, 1};
    }
    out.push_back(std::move(t));
  }
  return out;
}

ModelInfo toy_info() {
  ModelInfo info;
  info.name = "toy";
  info.version = "7";
  info.created_at = "2026-01-02T03:04:05Z";
  info.train_sha256 = std::string(64, 'a');
  info.train_source = "toy";
  info.labels = {"FINE", "SCAMMY"};
  info.categories = {std::nullopt, Category::kScam};
  return info;
}

TrainOptions toy_options() {
  TrainOptions opt;
  opt.features.bucket_bits = 14;
  opt.max_epochs = 8;
  opt.seed = 42;
  return opt;
}

std::string train_toy(std::size_t threads, std::uint64_t seed = 42,
                      WeightFormat format = WeightFormat::kInt8Row) {
  ThreadPool pool(threads);
  TrainOptions opt = toy_options();
  opt.seed = seed;
  opt.format = format;
  auto bytes = train_model(toy_data(300, 1), toy_data(60, 2), toy_info(), opt, pool, nullptr);
  EXPECT_TRUE(bytes) << bytes.error().to_string();
  return bytes ? *bytes : std::string();
}

TEST(ModelTraining, LearnsAToyTaskAndRecordsItsProvenance) {
  auto model = Model::from_bytes(train_toy(2), "toy");
  ASSERT_TRUE(model) << model.error().to_string();
  const ModelInfo& info = (*model)->info();
  EXPECT_EQ((*model)->detector_name(), "model:toy@7");
  EXPECT_EQ(info.labels, (std::vector<std::string>{"FINE", "SCAMMY"}));
  EXPECT_EQ(info.created_at, "2026-01-02T03:04:05Z");
  EXPECT_EQ(info.train_sha256, std::string(64, 'a'));
  ThreadPool pool(1);
  const EvalReport r = evaluate_model(**model, toy_data(90, 3), pool);
  EXPECT_GT(r.macro_f1, 0.95);
  EXPECT_EQ(r.confusion.size(), 2u);
  float p[2];
  (*model)->predict(normalizer().normalize("Chuyển khoản ngay để nhận trúng thưởng"), p);
  EXPECT_GT(p[1], 0.5f);
  EXPECT_NEAR(p[0] + p[1], 1.0f, 1e-5f);
  bool has_f1 = false;
  for (const auto& [key, value] : info.metrics)
    has_f1 = has_f1 || (key == "macro_f1" && value > 0.9);
  EXPECT_TRUE(has_f1) << "validation macro_f1 should be recorded in the header";
}

TEST(ModelTraining, SameSeedSameModelOnAnyThreadCount) {
  const std::string one = train_toy(1);
  EXPECT_EQ(one, train_toy(2));
  EXPECT_EQ(one, train_toy(3));
  EXPECT_NE(one, train_toy(2, 43));
}

TEST(ModelTraining, RejectsBadLabels) {
  ThreadPool pool(1);
  auto data = toy_data(10, 1);
  data[3].labels = {5};
  auto bytes = train_model(data, toy_data(10, 2), toy_info(), toy_options(), pool, nullptr);
  ASSERT_FALSE(bytes);
  EXPECT_NE(bytes.error().message.find("example 4"), std::string::npos);
  data[3].labels = {};
  EXPECT_FALSE(train_model(data, toy_data(10, 2), toy_info(), toy_options(), pool, nullptr));
  EXPECT_FALSE(train_model({}, toy_data(10, 2), toy_info(), toy_options(), pool, nullptr));
}

TEST(ModelTraining, MultiLabelHeadPredictsBothLabels) {
  ThreadPool pool(2);
  TrainOptions opt = toy_options();
  opt.head = ModelHead::kMultiLabel;
  opt.max_epochs = 15;
  auto bytes =
      train_model(toy_data(400, 1, true), toy_data(100, 2, true), toy_info(), opt, pool, nullptr);
  ASSERT_TRUE(bytes) << bytes.error().to_string();
  auto model = Model::from_bytes(*bytes, "toy");
  ASSERT_TRUE(model);
  float p[2];
  (*model)->predict(normalizer().normalize("lừa đảo chuyển khoản cảm ơn dễ thương"), p);
  EXPECT_GT(p[0], 0.5f);
  EXPECT_GT(p[1], 0.5f);
  const EvalReport r = evaluate_model(**model, toy_data(100, 3, true), pool);
  EXPECT_GT(r.macro_f1, 0.9);
  EXPECT_TRUE(r.confusion.empty());
}

TEST(ModelTraining, HoldoutIsStratifiedAndKeepsCopiesOnOneSide) {
  std::vector<LabeledText> data;
  for (std::size_t i = 0; i < 300; ++i) {
    LabeledText t;
    t.text = normalizer().normalize("bình luận số " + std::to_string(i));
    t.labels = {static_cast<std::uint16_t>(i % 3 == 0 ? 1 : 0)};
    data.push_back(std::move(t));
  }
  std::vector<LabeledText> train;
  std::vector<LabeledText> valid;
  holdout_split(data, 0.1, 7, train, valid);
  EXPECT_EQ(train.size() + valid.size(), 300u);
  std::size_t positives = 0;
  for (const auto& v : valid) positives += v.labels[0];
  EXPECT_EQ(valid.size(), 30u);
  EXPECT_EQ(positives, 10u);

  // The toy data repeats texts: no text may end up on both sides.
  train.clear();
  valid.clear();
  holdout_split(toy_data(300, 1), 0.1, 7, train, valid);
  EXPECT_FALSE(valid.empty());
  std::set<std::string> valid_texts;
  for (const auto& v : valid) valid_texts.insert(v.text.text);
  for (const auto& t : train) EXPECT_EQ(valid_texts.count(t.text.text), 0u) << t.text.text;
}

TEST(ModelFile, Int8WeightsPredictLikeFloat32Weights) {
  auto q = Model::from_bytes(train_toy(2, 42, WeightFormat::kInt8Row), "q");
  auto f = Model::from_bytes(train_toy(2, 42, WeightFormat::kFloat32), "f");
  ASSERT_TRUE(q && f);
  for (const auto& ex : toy_data(50, 9)) {
    float pq[2];
    float pf[2];
    (*q)->predict(ex.text, pq);
    (*f)->predict(ex.text, pf);
    EXPECT_NEAR(pq[1], pf[1], 0.02f);
  }
}

TEST(ModelFile, LoadsByMmapAndNamesTheFileInErrors) {
  testing::TempDir dir;
  const std::string bytes = train_toy(1);
  const std::string path = dir.write("toy.model", bytes);
  auto model = Model::load(path);
  ASSERT_TRUE(model) << model.error().to_string();
  EXPECT_EQ((*model)->info().name, "toy");
  EXPECT_EQ(resolve_model_path("toy", dir.path()), path);
  EXPECT_EQ(list_model_files(dir.path()), std::vector<std::string>{path});

  auto missing = Model::load(dir.file("nope.model"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().where, dir.file("nope.model"));

  const std::string cut = dir.write("cut.model", bytes.substr(0, bytes.size() / 2));
  auto truncated = Model::load(cut);
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().where, cut);
  EXPECT_NE(truncated.error().message.find("checksum"), std::string::npos);
}

TEST(ModelFile, CorruptionIsAClearErrorNeverACrash) {
  const std::string bytes = train_toy(1);
  auto bad = Model::from_bytes("hello", "x");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("not a tincay model"), std::string::npos);

  std::string future = bytes;
  future[8] = static_cast<char>(kModelFormatVersion + 1);
  auto next = Model::from_bytes(future, "x", false);
  ASSERT_FALSE(next);
  EXPECT_NE(next.error().message.find("format version " + std::to_string(kModelFormatVersion + 1)),
            std::string::npos);
  EXPECT_NE(next.error().message.find("retrain or upgrade"), std::string::npos);

  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x40;
  auto sum = Model::from_bytes(flipped, "x");
  ASSERT_FALSE(sum);
  EXPECT_NE(sum.error().message.find("checksum"), std::string::npos);

  // Every prefix, and every single-byte change in the header, without the checksum's help.
  for (std::size_t n = 0; n < 400; ++n)
    EXPECT_FALSE(Model::from_bytes(bytes.substr(0, n), "x", false));
  for (std::size_t i = 16; i < 300; ++i) {
    std::string b = bytes;
    b[i] = static_cast<char>(0xFF);
    auto m = Model::from_bytes(b, "x", false);
    if (m) {  // some bytes (a letter of the name) may change harmlessly
      float p[kMaxModelLabels];
      (*m)->predict(normalizer().normalize("thử"), p);
    }
  }
}

TEST(ModelDetector, ReportsMappedLabelsWithTheModelVersion) {
  testing::TempDir dir;
  const std::string path = dir.write("toy.model", train_toy(1));
  auto detector = load_model_detector({path}, 0.5);
  ASSERT_TRUE(detector) << detector.error().to_string();
  EXPECT_EQ((*detector)->model_versions(), (std::map<std::string, std::string>{{"toy", "7"}}));
  Post post;
  post.text = "Nạp tiền chuyển khoản để nhận trúng thưởng";
  std::vector<Finding> findings;
  (*detector)->detect(post, normalizer().normalize(post.text), findings);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].detector, "model:toy@7");
  EXPECT_EQ(findings[0].category, Category::kScam);
  EXPECT_GE(findings[0].score, 0.5);
  findings.clear();
  post.text = "Cảm ơn bạn, chúc mừng nhé";
  (*detector)->detect(post, normalizer().normalize(post.text), findings);
  EXPECT_TRUE(findings.empty()) << "FINE maps to no category and SCAMMY should be unlikely";

  const std::string broken = dir.write("broken.model", "TCYMODEL");
  auto failed = load_model_detector({path, broken});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().where, broken);
}

TEST(ModelMetrics, MatchHandComputedValues) {
  std::vector<LabeledText> data(4);
  data[0].labels = {0};
  data[1].labels = {0};
  data[2].labels = {1};
  data[3].labels = {1};
  // Predictions: 0, 1, 1, 1 with confidences 0.9, 0.6, 0.8, 0.7.
  const std::vector<float> probs = {0.9f, 0.1f, 0.4f, 0.6f, 0.2f, 0.8f, 0.3f, 0.7f};
  const EvalReport r = compute_metrics(ModelHead::kSoftmax, {"a", "b"}, data, probs);
  EXPECT_DOUBLE_EQ(r.accuracy, 0.75);
  EXPECT_NEAR(r.classes[0].precision, 1.0, 1e-9);
  EXPECT_NEAR(r.classes[0].recall, 0.5, 1e-9);
  EXPECT_NEAR(r.classes[1].precision, 2.0 / 3.0, 1e-9);
  EXPECT_NEAR(r.macro_f1, (2.0 / 3.0 + 0.8) / 2.0, 1e-9);
  EXPECT_EQ(r.confusion, (std::vector<std::vector<std::size_t>>{{1, 1}, {0, 2}}));
  // Bins: 0.6 (wrong), 0.7, 0.8, 0.9 (right) each alone: |0-0.6| + 0.3 + 0.2 + 0.1 over 4.
  EXPECT_NEAR(r.ece, (0.6 + 0.3 + 0.2 + 0.1) / 4.0, 1e-6);
  const std::string json = eval_report_json(r);
  for (const char* key :
       {"\"accuracy\"", "\"macro_f1\"", "\"confusion\"", "\"ece\"", "\"classes\""}) {
    EXPECT_NE(json.find(key), std::string::npos) << key;
  }
}

TEST(ModelMetrics, DecisionsCanComeFromLogitsApartFromProbabilities) {
  std::vector<LabeledText> data(2);
  data[0].labels = {0};
  data[1].labels = {1};
  // Calibrated probabilities favour label 0 for both; the decision logits pick 0 then 1.
  const std::vector<float> probs = {0.7f, 0.3f, 0.6f, 0.4f};
  const std::vector<float> logits = {1.0f, -1.0f, -0.5f, 0.5f};
  EXPECT_DOUBLE_EQ(compute_metrics(ModelHead::kSoftmax, {"a", "b"}, data, probs).accuracy, 0.5);
  const EvalReport r = compute_metrics(ModelHead::kSoftmax, {"a", "b"}, data, probs, logits);
  EXPECT_DOUBLE_EQ(r.accuracy, 1.0);
  EXPECT_DOUBLE_EQ(r.macro_f1, 1.0);
  // Log-loss still comes from the probabilities: -(log 0.7 + log 0.4) / 2.
  EXPECT_NEAR(r.log_loss, -(std::log(0.7) + std::log(0.4)) / 2.0, 1e-6);
}

TEST(ModelFeatures, ShapeFeaturesAreApartFromTheNgramsAndSeeLengthAndScript) {
  FeatureConfig plain;
  FeatureConfig shape;
  shape.meta = kMetaShape;
  const auto meta = [&](const std::string& text, const FeatureConfig& config) {
    std::vector<std::uint32_t> ids;
    extract_meta_features(normalizer().normalize(text), text, {}, config, ids);
    return ids;
  };
  EXPECT_TRUE(meta("xin chào các bạn", plain).empty());
  EXPECT_EQ(features_of("xin chào các bạn", plain), features_of("xin chào các bạn", shape))
      << "shape features must not change the n-grams";
  const auto short_vi = meta("xin chào các bạn", shape);
  EXPECT_EQ(short_vi.size(), 7u);
  std::string long_text;
  for (int i = 0; i < 40; ++i) long_text += "xin chào các bạn ";
  EXPECT_NE(meta(long_text, shape), short_vi) << "length must show";
  EXPECT_NE(meta("hello all my friends", shape), short_vi) << "script must show";
  EXPECT_EQ(meta("con chó và con mèo", shape), meta("con mèo và con chó", shape))
      << "shape features ignore which words";
}

TEST(ModelTraining, CalibrationUndoesClassWeightingWhileTunedOffsetsKeepTheDecision) {
  // Overlapping classes: a third of SCAMMY texts look FINE, so probabilities matter.
  std::vector<LabeledText> train = toy_data(600, 11);
  std::vector<LabeledText> valid = toy_data(300, 12);
  for (std::size_t i = 0; i < train.size(); i += 7) train[i].labels = {1};
  for (std::size_t i = 0; i < valid.size(); i += 7) valid[i].labels = {1};
  ThreadPool pool(2);
  TrainOptions opt = toy_options();
  opt.class_weight_power = 2.0;  // strongly tilted towards SCAMMY
  opt.tune_metric = "f1.SCAMMY";
  auto bytes = train_model(train, valid, toy_info(), opt, pool, nullptr);
  ASSERT_TRUE(bytes) << bytes.error().to_string();
  auto model = Model::from_bytes(*bytes, "toy");
  ASSERT_TRUE(model);
  EXPECT_EQ((*model)->info().calibration_shift.size(), 2u);
  // The mean calibrated probability of SCAMMY is close to its observed share on new data.
  const auto test = toy_data(600, 13);
  double mean_p = 0.0;
  double share = 0.0;
  for (std::size_t i = 0; i < test.size(); ++i) {
    float p[2];
    (*model)->predict(test[i].text, p);
    mean_p += p[1] / static_cast<double>(test.size());
    share += (test[i].labels[0] == 1 || i % 7 == 0 ? 1.0 : 0.0) / static_cast<double>(test.size());
  }
  EXPECT_NEAR(mean_p, share, 0.06);

  opt.tune_metric = "f1.NOPE";
  auto bad = train_model(train, valid, toy_info(), opt, pool, nullptr);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("f1.NOPE"), std::string::npos);
}

TEST(ModelFile, Version1FilesStillLoad) {
  // The fuzz corpus keeps a format-version-1 file (no meta bits, no calibration shift).
  auto model = Model::load(std::string(TINCAY_SOURCE_DIR) + "/fuzz/corpus/model/tiny.model");
  ASSERT_TRUE(model) << model.error().to_string();
  EXPECT_EQ((*model)->info().features.meta, 0);
  for (const float c : (*model)->info().calibration_shift) EXPECT_EQ(c, 0.0f);
}

Finding rule_finding(const std::string& detector, Category category, double score) {
  Finding f;
  f.detector = detector;
  f.category = category;
  f.score = score;
  return f;
}

TEST(ModelFeatures, RuleFeaturesSeeWhichRulesAndPiiFiredAndNothingElse) {
  FeatureConfig rules;
  rules.meta = kMetaRules;
  const NormalizedText text = normalizer().normalize("xin chào các bạn");
  const auto meta = [&](const std::vector<Finding>& prior, const FeatureConfig& config) {
    std::vector<std::uint32_t> ids;
    extract_meta_features(text, "xin chào các bạn", prior, config, ids);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  const std::vector<Finding> scam = {rule_finding("rule:scam.lure", Category::kScam, 0.9)};
  const std::vector<Finding> other = {rule_finding("rule:scam.other", Category::kScam, 0.9)};
  EXPECT_TRUE(meta({}, rules).empty()) << "no finding, no feature";
  EXPECT_TRUE(meta(scam, FeatureConfig{}).empty()) << "without kMetaRules findings are ignored";
  const auto one = meta(scam, rules);
  EXPECT_EQ(one.size(), 3u);  // the rule, its category's best score, the count
  EXPECT_NE(one, meta(other, rules)) << "which rule fired must show";
  EXPECT_EQ(shared(one, meta(other, rules)), 2u) << "same category and count";
  EXPECT_NE(one, meta({rule_finding("rule:scam.lure", Category::kScam, 0.3)}, rules))
      << "the score bin must show";
  std::vector<Finding> with_model = scam;
  with_model.push_back(rule_finding("model:vihsd@2", Category::kHarassment, 0.9));
  with_model.push_back(rule_finding("claim:x", Category::kMisinformation, 0.9));
  EXPECT_EQ(meta(with_model, rules), one) << "model and claim findings are not features";
  EXPECT_EQ(meta({rule_finding("pii:phone", Category::kPrivacy, 0.8)}, rules).size(), 3u);
  FeatureConfig small = rules;
  small.bucket_bits = 8;
  for (const auto id : meta(with_model, small)) EXPECT_LT(id, 256u);
}

// A task only the prior findings can solve: the texts of both labels are alike, but SCAMMY
// ones come with a rule finding.
std::vector<LabeledText> prior_only_data(std::size_t n, std::uint64_t seed) {
  std::vector<LabeledText> data = toy_data(n, seed);
  for (std::size_t i = 0; i < data.size(); ++i) {
    const bool scammy = i % 2 == 0;
    data[i].text = normalizer().normalize(i % 4 < 2 ? "hôm nay bạn ơi" : "thật là mọi người");
    data[i].labels = {static_cast<std::uint16_t>(scammy ? 1 : 0)};
    if (scammy) data[i].prior = {rule_finding("rule:scam.lure", Category::kScam, 0.9)};
  }
  return data;
}

TEST(ModelTraining, RuleFeaturesLetAModelLearnFromTheRulesAndTheDetectorFeedsThem) {
  ThreadPool pool(2);
  TrainOptions opt = toy_options();
  opt.features.meta = kMetaRules;
  ModelInfo info = toy_info();
  info.rules_sha256 = std::string(64, 'c');
  auto bytes =
      train_model(prior_only_data(200, 1), prior_only_data(60, 2), info, opt, pool, nullptr);
  ASSERT_TRUE(bytes) << bytes.error().to_string();
  auto model = Model::from_bytes(*bytes, "rules");
  ASSERT_TRUE(model) << model.error().to_string();
  EXPECT_TRUE((*model)->uses_prior_findings());
  EXPECT_EQ((*model)->info().rules_sha256, std::string(64, 'c'));
  const NormalizedText text = normalizer().normalize("hôm nay bạn ơi");
  const std::vector<Finding> prior = {rule_finding("rule:scam.lure", Category::kScam, 0.9)};
  float with[2];
  float without[2];
  (*model)->predict(text, prior, with);
  (*model)->predict(text, without);
  EXPECT_GT(with[1], 0.8f);
  EXPECT_LT(without[1], 0.2f);

  // In the detector the prior findings are those already in the output list.
  testing::TempDir dir;
  auto detector = load_model_detector({dir.write("rules.model", *bytes)}, 0.5);
  ASSERT_TRUE(detector) << detector.error().to_string();
  Post post;
  post.text = "hôm nay bạn ơi";
  std::vector<Finding> findings;
  (*detector)->detect(post, text, findings);
  EXPECT_TRUE(findings.empty());
  findings = prior;
  (*detector)->detect(post, text, findings);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[1].detector, "model:toy@7");
}

TEST(ModelFile, Version2FilesLoadButMayNotUseRuleFeatures) {
  const std::string path = std::string(TINCAY_SOURCE_DIR) + "/fuzz/corpus/model/tiny-v2.model";
  auto model = Model::load(path);
  ASSERT_TRUE(model) << model.error().to_string();
  EXPECT_TRUE((*model)->info().rules_sha256.empty());
  EXPECT_FALSE((*model)->uses_prior_findings());
  // The meta byte comes just before the hash seed: with the rules bit set, a version-2 file is
  // refused (version 3 introduced that bit).
  const std::string bytes =
      model_test_support::model_bytes_with_meta_bit(path, **model, kMetaRules);
  ASSERT_FALSE(bytes.empty());
  auto bad = Model::from_bytes(bytes, "v2", false);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("meta feature bits"), std::string::npos);
}

TEST(ModelFeatures, VietnameseSyllablesAreToldFromKeyboardMashAndEnglish) {
  using model_internal::is_vietnamese_syllable;
  for (const char* w : {"a", "nghieng", "nguyen", "quan", "gin", "gia", "truong", "thuong", "khong",
                        "yeu", "oanh", "ech"}) {
    EXPECT_TRUE(is_vietnamese_syllable(w)) << w;
  }
  for (const char* w : {"", "dhnxncbc", "jdjd", "waste", "sp", "strong", "ban!", "nguyenn",
                        "abcdefgh", "qa", "hoaie"}) {
    EXPECT_FALSE(is_vietnamese_syllable(w)) << w;
  }
}

TEST(ModelFeatures, TextFeaturesReadTheTextAsWritten) {
  FeatureConfig text_meta;
  text_meta.meta = kMetaText;
  const auto meta = [](const std::string& original, const FeatureConfig& config) {
    std::vector<std::uint32_t> ids;
    extract_meta_features(normalizer().normalize(original), original, {}, config, ids);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  const std::string lower = "giao hàng nhanh đóng gói cẩn thận";
  const std::string upper = "GIAO HÀNG NHANH ĐÓNG GÓI CẨN THẬN";
  EXPECT_TRUE(meta(upper, FeatureConfig{}).empty()) << "without kMetaText the text is ignored";
  EXPECT_EQ(features_of(lower, text_meta), features_of(upper, text_meta))
      << "the n-grams see the normalized text, which is lower-cased";
  EXPECT_NE(meta(lower, text_meta), meta(upper, text_meta)) << "capitals must show";
  EXPECT_NE(meta(lower, text_meta), meta("giao hàng nhanh đóng gói cẩn thậnnnnnnnn", text_meta))
      << "a stretched letter must show";
  EXPECT_NE(meta(lower, text_meta), meta("giao hàng nhanh\nđóng gói\ncẩn thận", text_meta))
      << "line breaks must show";
  EXPECT_NE(meta(lower, text_meta), meta("dhnxncbc kjfhwq zxcvbn qwrtp", text_meta))
      << "words that are no Vietnamese syllable must show";
  EXPECT_EQ(meta(lower, text_meta), meta("con mèo và con chó rất dễ thương", text_meta))
      << "which words does not matter";
  // The model reads the original where it is given, and the normalized text where not.
  float with[2];
  float without[2];
  ThreadPool pool(1);
  TrainOptions opt = toy_options();
  opt.features.meta = kMetaText;
  auto bytes = train_model(toy_data(100, 1), toy_data(30, 2), toy_info(), opt, pool, nullptr);
  ASSERT_TRUE(bytes) << bytes.error().to_string();
  auto model = Model::from_bytes(*bytes, "text");
  ASSERT_TRUE(model) << model.error().to_string();
  const NormalizedText normalized = normalizer().normalize(upper);
  (*model)->logits(normalized, lower, {}, with);
  (*model)->logits(normalized, without);
  EXPECT_EQ(with[0], without[0]);
  EXPECT_EQ(with[1], without[1]);
  FeatureConfig small = text_meta;
  small.bucket_bits = 8;
  for (const auto id : meta(upper + "\n" + "qwrtpz!!!", small)) EXPECT_LT(id, 256u);
}

// A task only the text as written can solve: both labels normalize alike, but SCAMMY texts are
// written in capitals.
std::vector<LabeledText> capitals_data(std::size_t n, std::uint64_t seed) {
  std::vector<LabeledText> data = toy_data(n, seed);
  for (std::size_t i = 0; i < data.size(); ++i) {
    const bool scammy = i % 2 == 0;
    const std::string text = i % 4 < 2 ? "hôm nay bạn ơi" : "thật là mọi người";
    data[i].original = scammy ? (i % 4 < 2 ? "HÔM NAY BẠN ƠI" : "THẬT LÀ MỌI NGƯỜI") : text;
    data[i].text = normalizer().normalize(data[i].original);
    data[i].labels = {static_cast<std::uint16_t>(scammy ? 1 : 0)};
  }
  return data;
}

TEST(ModelTraining, TextFeaturesLetAModelLearnFromCapitalsAndTheDetectorFeedsThePostText) {
  ThreadPool pool(2);
  TrainOptions opt = toy_options();
  opt.features.meta = kMetaText;
  auto bytes =
      train_model(capitals_data(200, 1), capitals_data(60, 2), toy_info(), opt, pool, nullptr);
  ASSERT_TRUE(bytes) << bytes.error().to_string();
  auto model = Model::from_bytes(*bytes, "text");
  ASSERT_TRUE(model) << model.error().to_string();
  EXPECT_EQ((*model)->info().features.meta, kMetaText);
  Post post;
  post.text = "HÔM NAY BẠN ƠI";
  const NormalizedText text = normalizer().normalize(post.text);
  float capitals[2];
  float plain[2];
  (*model)->predict(text, post.text, {}, capitals);
  (*model)->predict(text, "hôm nay bạn ơi", {}, plain);
  EXPECT_GT(capitals[1], 0.8f);
  EXPECT_LT(plain[1], 0.2f);

  testing::TempDir dir;
  auto detector = load_model_detector({dir.write("text.model", *bytes)}, 0.5);
  ASSERT_TRUE(detector) << detector.error().to_string();
  std::vector<Finding> findings;
  (*detector)->detect(post, text, findings);
  ASSERT_EQ(findings.size(), 1u) << "the detector must read the post's text as written";
  EXPECT_EQ(findings[0].category, Category::kScam);
  post.text = "hôm nay bạn ơi";
  findings.clear();
  (*detector)->detect(post, normalizer().normalize(post.text), findings);
  EXPECT_TRUE(findings.empty());
}

TEST(ModelFile, Version3FilesLoadButMayNotUseTextFeatures) {
  const std::string path =
      std::string(TINCAY_SOURCE_DIR) + "/fuzz/corpus/model/tiny-v3-rules.model";
  auto model = Model::load(path);
  ASSERT_TRUE(model) << model.error().to_string();
  EXPECT_TRUE((*model)->uses_prior_findings());
  // The meta byte comes just before the hash seed: with the text bit set, a version-3 file is
  // refused (version 4 introduced that bit).
  const std::string bytes = model_test_support::model_bytes_with_meta_bit(path, **model, kMetaText);
  ASSERT_FALSE(bytes.empty());
  auto bad = Model::from_bytes(bytes, "v3", false);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("meta feature bits"), std::string::npos);
  // The same bit in a current file loads.
  auto current =
      Model::load(std::string(TINCAY_SOURCE_DIR) + "/fuzz/corpus/model/tiny-v4-text.model");
  ASSERT_TRUE(current) << current.error().to_string();
  EXPECT_NE((*current)->info().features.meta & kMetaText, 0);
}

TEST(ModelDetector, LabelsOfOneCategoryMakeOneFindingWithTheirSummedProbability) {
  // SCAMMY split in two labels by parity, both mapped to scam: neither alone is sure, together
  // they are.
  auto split = [](std::vector<LabeledText> data) {
    for (std::size_t i = 0; i < data.size(); ++i) {
      if (data[i].labels[0] == 1 && i % 2 == 0) data[i].labels = {2};
    }
    return data;
  };
  ModelInfo info = toy_info();
  info.labels = {"FINE", "SCAM_A", "SCAM_B"};
  info.categories = {std::nullopt, Category::kScam, Category::kScam};
  ThreadPool pool(2);
  auto bytes = train_model(split(toy_data(300, 1)), split(toy_data(60, 2)), info, toy_options(),
                           pool, nullptr);
  ASSERT_TRUE(bytes) << bytes.error().to_string();
  testing::TempDir dir;
  auto detector = load_model_detector({dir.write("toy3.model", *bytes)}, 0.5);
  ASSERT_TRUE(detector) << detector.error().to_string();
  Post post;
  post.text = "Nạp tiền chuyển khoản để nhận trúng thưởng";
  std::vector<Finding> findings;
  (*detector)->detect(post, normalizer().normalize(post.text), findings);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].category, Category::kScam);
  EXPECT_GE(findings[0].score, 0.5);
  EXPECT_NE(findings[0].reason.find("SCAM_A/SCAM_B"), std::string::npos) << findings[0].reason;
}

}  // namespace
}  // namespace tincay
