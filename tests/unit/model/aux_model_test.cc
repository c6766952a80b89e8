// Tests of auxiliary models (kMetaAux, format version 5): models trained on other data whose
// probabilities a model uses as features, embedded in its file.
#include <cstring>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "tincay/detect/model.h"
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

std::uint32_t file_version(const std::string& bytes) {
  std::uint32_t v = 0;
  std::memcpy(&v, bytes.data() + 8, 4);
  return v;
}

// Texts of class 1 carry one of `positive` words, those of class 0 one of `negative`, with filler.
std::vector<LabeledText> word_data(std::size_t n, std::uint64_t seed,
                                   const std::vector<std::string>& positive,
                                   const std::vector<std::string>& negative) {
  const std::vector<std::string> filler = {"hôm nay", "bạn ơi", "thật là", "mọi người", "nhé"};
  std::vector<LabeledText> out;
  std::uint64_t s = seed;
  const auto next = [&s](std::size_t m) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>((s >> 33) % m);
  };
  for (std::size_t i = 0; i < n; ++i) {
    const bool pos = i % 2 == 0;
    const auto& words = pos ? positive : negative;
    const std::string text =
        filler[next(filler.size())] + " " + words[next(words.size())] + " " + filler[next(5)];
    LabeledText t;
    t.original = text;
    t.text = normalizer().normalize(text);
    t.labels = {static_cast<std::uint16_t>(pos ? 1 : 0)};
    out.push_back(std::move(t));
  }
  return out;
}

ModelInfo info_named(const std::string& name) {
  ModelInfo info;
  info.name = name;
  info.version = "1";
  info.created_at = "2026-01-02T03:04:05Z";
  info.train_sha256 = std::string(64, 'b');
  info.labels = {"FINE", "SCAMMY"};
  info.categories = {std::nullopt, Category::kScam};
  return info;
}

TrainOptions small_options() {
  TrainOptions opt;
  opt.features.bucket_bits = 12;
  opt.max_epochs = 10;
  opt.seed = 7;
  return opt;
}

const std::vector<std::string> kScamAll = {"lừa đảo", "chuyển khoản", "nạp tiền", "trúng thưởng"};
const std::vector<std::string> kFineAll = {"đẹp trai", "dễ thương", "cảm ơn", "chúc mừng"};
// The stacked model's own data knows only the first two words of each side.
const std::vector<std::string> kScamSeen = {"lừa đảo", "chuyển khoản"};
const std::vector<std::string> kFineSeen = {"đẹp trai", "dễ thương"};

// An auxiliary model that knows every word.
std::string train_aux() {
  ThreadPool pool(2);
  auto bytes =
      train_model(word_data(300, 1, kScamAll, kFineAll), word_data(60, 2, kScamAll, kFineAll),
                  info_named("aux"), small_options(), pool, nullptr);
  EXPECT_TRUE(bytes) << bytes.error().to_string();
  return bytes ? *bytes : std::string();
}

// A model trained on texts with the seen words only, with or without the auxiliary model.
std::string train_stacked(const std::string& aux, std::size_t threads = 2) {
  ThreadPool pool(threads);
  TrainOptions opt = small_options();
  if (!aux.empty()) opt.aux_models = {aux};
  auto bytes =
      train_model(word_data(200, 3, kScamSeen, kFineSeen), word_data(60, 4, kScamSeen, kFineSeen),
                  info_named("stacked"), opt, pool, nullptr);
  EXPECT_TRUE(bytes) << bytes.error().to_string();
  return bytes ? *bytes : std::string();
}

double scam_probability(const Model& model, const std::string& text) {
  float p[2];
  model.predict(normalizer().normalize(text), text, {}, p);
  return p[1];
}

TEST(AuxFeatures, OneBucketPerProbabilityByItsBin) {
  FeatureConfig config;
  config.meta = kMetaAux;
  const NormalizedText text = normalizer().normalize("xin chào");
  const auto features = [&](std::vector<float> probs) {
    std::vector<std::uint32_t> ids;
    extract_meta_features(text, "xin chào", {}, config, ids, probs);
    return ids;
  };
  EXPECT_EQ(features({0.3f, 0.7f}).size(), 2u);
  EXPECT_EQ(features({0.3f, 0.7f}), features({0.26f, 0.74f})) << "same bins, same buckets";
  EXPECT_NE(features({0.3f, 0.7f})[0], features({0.05f, 0.95f})[0]);
  EXPECT_NE(features({0.3f, 0.3f})[0], features({0.3f, 0.3f})[1]) << "each label has its own";
  config.meta = 0;
  std::vector<std::uint32_t> none;
  extract_meta_features(text, "xin chào", {}, config, none, std::vector<float>{0.9f});
  EXPECT_TRUE(none.empty()) << "without the bit the probabilities are ignored";
}

TEST(AuxModels, AStackedModelBorrowsWhatTheAuxiliaryModelLearned) {
  const std::string aux = train_aux();
  auto plain = Model::from_bytes(train_stacked(""), "plain");
  auto stacked = Model::from_bytes(train_stacked(aux), "stacked");
  ASSERT_TRUE(plain) << plain.error().to_string();
  ASSERT_TRUE(stacked) << stacked.error().to_string();
  EXPECT_NE((*stacked)->info().features.meta & kMetaAux, 0);
  ASSERT_EQ((*stacked)->aux_models().size(), 1u);
  EXPECT_EQ((*stacked)->aux_models()[0]->detector_name(), "model:aux@1");
  EXPECT_EQ((*stacked)->aux_label_count(), 2u);
  // "nạp tiền" and "trúng thưởng" never occur in the stacked model's own data.
  const std::string unseen = "mọi người nạp tiền nhé";
  EXPECT_LT(scam_probability(**plain, unseen), 0.7);
  EXPECT_GT(scam_probability(**stacked, unseen), 0.8);
  EXPECT_LT(scam_probability(**stacked, "mọi người chúc mừng nhé"), 0.2);
}

TEST(AuxModels, FilesAreVersion5OnlyWithAuxiliaryModelsAndTrainingIsDeterministic) {
  const std::string aux = train_aux();
  const std::string stacked = train_stacked(aux);
  EXPECT_EQ(file_version(stacked), 5u);
  EXPECT_EQ(file_version(train_stacked("")), 4u) << "a model without them stays version 4";
  EXPECT_EQ(file_version(aux), 4u);
  EXPECT_EQ(stacked, train_stacked(aux, 1)) << "the same seed gives the same file";
  // The embedded model is the auxiliary file verbatim, and loads from disk with the model.
  EXPECT_NE(stacked.find(aux), std::string::npos);
  testing::TempDir dir;
  auto loaded = Model::load(dir.write("stacked.model", stacked));
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  auto in_memory = Model::from_bytes(stacked, "mem");
  ASSERT_TRUE(in_memory);
  const std::string text = "bạn ơi nạp tiền";
  EXPECT_EQ(scam_probability(**loaded, text), scam_probability(**in_memory, text));
}

TEST(AuxModels, TheDetectorRunsTheAuxiliaryModels) {
  const std::string stacked = train_stacked(train_aux());
  testing::TempDir dir;
  auto detector = load_model_detector({dir.write("stacked.model", stacked)}, 0.5);
  ASSERT_TRUE(detector) << detector.error().to_string();
  Post post;
  // "nạp tiền" is known only to the auxiliary model ("trúng thưởng" would not do: its shadow
  // "trung thuong" shares "thuong" with the FINE "dễ thương" of the stacked model's own data).
  post.text = "hôm nay nạp tiền thật là";
  std::vector<Finding> findings;
  (*detector)->detect(post, normalizer().normalize(post.text), findings);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].category, Category::kScam);
  EXPECT_EQ(findings[0].detector, "model:stacked@1");
}

TEST(AuxModels, BadAuxiliaryModelsAreRefusedAtTraining) {
  ThreadPool pool(1);
  TrainOptions opt = small_options();
  opt.aux_models = {"not a model"};
  auto bad =
      train_model(word_data(40, 1, kScamSeen, kFineSeen), word_data(20, 2, kScamSeen, kFineSeen),
                  info_named("x"), opt, pool, nullptr);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().to_string().find("auxiliary model 1"), std::string::npos);
  // A stacked model cannot serve as an auxiliary model: one level only.
  opt.aux_models = {train_stacked(train_aux())};
  bad = train_model(word_data(40, 1, kScamSeen, kFineSeen), word_data(20, 2, kScamSeen, kFineSeen),
                    info_named("x"), opt, pool, nullptr);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("auxiliary models of its own"), std::string::npos);
  opt.aux_models.clear();
  opt.features.meta = kMetaAux;
  bad = train_model(word_data(40, 1, kScamSeen, kFineSeen), word_data(20, 2, kScamSeen, kFineSeen),
                    info_named("x"), opt, pool, nullptr);
  ASSERT_FALSE(bad);
}

// The u64 at `at` of `bytes`.
std::uint64_t u64_at(const std::string& bytes, std::size_t at) {
  std::uint64_t v = 0;
  std::memcpy(&v, bytes.data() + at, 8);
  return v;
}

TEST(AuxModels, CorruptAuxiliarySectionsAreClearErrorsNeverCrashes) {
  const std::string aux = train_aux();
  const std::string good = train_stacked(aux);
  // The auxiliary table: u16 count, u64 offset, u64 size, found by the offset it holds.
  const std::size_t aux_at = good.find(aux);
  ASSERT_NE(aux_at, std::string::npos);
  std::string offset_bytes(8, '\0');
  const std::uint64_t offset = aux_at;
  std::memcpy(offset_bytes.data(), &offset, 8);
  const std::size_t table = good.find(offset_bytes);
  ASSERT_NE(table, std::string::npos);
  ASSERT_EQ(u64_at(good, table + 8), aux.size());
  const auto load = [](std::string bytes) {
    return Model::from_bytes(std::move(bytes), "bad", /*verify_checksum=*/false);
  };
  ASSERT_TRUE(load(good));

  std::string past_end = good;
  const std::uint64_t huge = good.size() * 4;
  std::memcpy(past_end.data() + table, &huge, 8);
  auto r = load(past_end);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("auxiliary model 1 lies outside"), std::string::npos)
      << r.error().message;

  std::string too_long = good;
  const std::uint64_t longer = good.size();
  std::memcpy(too_long.data() + table + 8, &longer, 8);
  EXPECT_FALSE(load(too_long));

  std::string broken = good;
  broken[aux_at] = 'X';  // the embedded model's magic
  r = load(broken);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not a tincay model"), std::string::npos);
  EXPECT_NE(r.error().where.find("auxiliary model 1"), std::string::npos) << r.error().where;

  std::string none = good;
  none[table - 2] = 0;  // count 0 while the feature bit is set
  none[table - 1] = 0;
  EXPECT_FALSE(load(none));

  EXPECT_FALSE(Model::from_bytes(good.substr(0, good.size() / 2), "half"));
  std::string flipped = good;
  flipped[aux_at + 200] ^= 1;
  EXPECT_FALSE(Model::from_bytes(flipped, "flipped")) << "the checksum covers the embedded models";
}

TEST(AuxModels, Version4FilesMayNotUseAuxiliaryFeatures) {
  const std::string path = std::string(TINCAY_SOURCE_DIR) + "/fuzz/corpus/model/tiny-v4-text.model";
  auto model = Model::load(path);
  ASSERT_TRUE(model) << model.error().to_string();
  const std::string bytes = model_test_support::model_bytes_with_meta_bit(path, **model, kMetaAux);
  ASSERT_FALSE(bytes.empty());
  auto bad = Model::from_bytes(bytes, "v4", false);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("meta feature bits"), std::string::npos);
  auto current =
      Model::load(std::string(TINCAY_SOURCE_DIR) + "/fuzz/corpus/model/tiny-v5-aux.model");
  ASSERT_TRUE(current) << current.error().to_string();
  EXPECT_EQ((*current)->aux_models().size(), 1u);
}

}  // namespace
}  // namespace tincay
