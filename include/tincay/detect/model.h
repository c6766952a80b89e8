// tincay/detect/model.h — trained text classifiers: model files, inference and the model detector.
//
// A model is a hashed n-gram linear classifier (syllable n-grams and per-syllable character
// n-grams of the normalized text and of its diacritics-free shadow) with a softmax (one label per
// text) or a multi-label (one sigmoid per label) head, stored in a versioned binary file that is
// memory-mapped at load. Training lives in tincay/detect/train.h; the file format in
// docs/models.md.
//
// Thread safety: a Model is immutable after loading; predict() may run on many threads at once
// and allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tincay/core/category.h"
#include "tincay/core/normalized_text.h"
#include "tincay/core/result.h"
#include "tincay/detect.h"

namespace tincay {

// Which features a model hashes. Stored in the model file, so inference always extracts exactly
// the features the model was trained on.
struct FeatureConfig {
  std::uint8_t word_ngrams = 3;         // syllable 1..N-grams of the normalized text (0: none)
  std::uint8_t shadow_word_ngrams = 2;  // syllable 1..N-grams of the shadow (0: none)
  std::uint8_t char_min = 2;            // character n-grams of each syllable, with < > marks,
  std::uint8_t char_max = 5;            //   lengths char_min..char_max (char_max 0: none)
  bool char_text = true;                // character n-grams of the normalized text
  bool char_shadow = true;              // character n-grams of the shadow
  std::uint8_t bucket_bits = 20;        // 2^bucket_bits hash buckets (8..26)
  std::uint8_t meta = 0;                // kMeta* bits: dense features beside the n-grams
  std::uint32_t hash_seed = 0x7c1a5eedu;

  friend bool operator==(const FeatureConfig&, const FeatureConfig&) = default;
};

// Bits of FeatureConfig::meta (format version 2).
// kMetaShape: binned shape features of the text (word count, share of letters with diacritics,
// longest word, symbol and digit tokens, links), added to the logits unscaled, so that a model
// can learn that length and script, not only words, move the odds.
inline constexpr std::uint8_t kMetaShape = 1;
// kMetaMeanNorm: the n-gram sum is divided by the feature count instead of its square root, so
// a long post is scored by the average of its features rather than growing with its length.
inline constexpr std::uint8_t kMetaMeanNorm = 2;
// kMetaRules (format version 3): the findings of the detectors that run before the model (rule
// packs "rule:<id>" and PII "pii:<type>") as dense features: one per detector that fired, one per
// category with its best score binned, and the binned count, added to the logits unscaled. The
// model then needs those findings at inference (Model::logits with `prior`); the rule packs'
// content hash at training time is recorded in ModelInfo::rules_sha256.
inline constexpr std::uint8_t kMetaRules = 4;
// kMetaText (format version 4): binned features of the text as written, which normalizing
// hides and spam shows (share of capitals, stretched letters, line breaks), and the share of
// words that are not Vietnamese syllables (keyboard mash, English); added to the logits
// unscaled. The model then needs the original text at inference (Model::logits with `original`).
inline constexpr std::uint8_t kMetaText = 8;
// kMetaAux (format version 5): the calibrated probabilities of auxiliary models, trained on other
// data sets and embedded in the model file (Model::aux_models), each binned, as dense features
// added unscaled: stacking, so a small or noisy data set borrows what larger ones taught (e.g.
// anger and offensiveness for toxicity). The auxiliary models see the same text, original and
// prior findings as the model.
inline constexpr std::uint8_t kMetaAux = 16;
inline constexpr std::uint8_t kMetaKnownBits = 31;

enum class ModelHead : std::uint8_t {
  kSoftmax = 0,     // exactly one label per text; probabilities sum to 1
  kMultiLabel = 1,  // any number of labels; one independent probability per label
};

enum class WeightFormat : std::uint8_t {
  kFloat32 = 0,  // 4 bytes per weight
  kInt8Row = 1,  // per bucket: one float scale and one int8 per label (about 1.3 bytes/weight)
};

// Version 2 added FeatureConfig::meta and ModelInfo::calibration_shift; version 3 added
// ModelInfo::rules_sha256 and kMetaRules; version 4 added kMetaText; version 5 added embedded
// auxiliary models and kMetaAux. Versions 1 to 4 load. A file is written as version 5 only when
// it embeds auxiliary models, else as version 4, so models without them are byte-identical to
// those of the tincay before version 5.
inline constexpr std::uint32_t kModelFormatVersion = 5;
inline constexpr std::size_t kMaxModelLabels = 64;
// At most this many auxiliary models, with at most kMaxModelLabels labels among them.
inline constexpr std::size_t kMaxAuxModels = 8;

// Everything in a model file except the weights.
struct ModelInfo {
  std::string name;             // e.g. "vihsd"; findings are "model:<name>@<version>"
  std::string version;          // e.g. "1"
  std::string created_at;       // RFC 3339
  std::string train_sha256;     // SHA-256 (hex) of the training data file(s) as read
  std::string train_source;     // where the training data came from, in words
  std::string hyperparameters;  // the training flags, for the record
  // With kMetaRules: RuleEngine::content_hash() of the rule packs the model was trained with
  // (their findings are its features); "" otherwise.
  std::string rules_sha256;
  ModelHead head = ModelHead::kSoftmax;
  WeightFormat format = WeightFormat::kInt8Row;
  std::vector<std::string> labels;
  // categories[i]: the closed category labels[i] maps to in `tincay scan`, or nullopt when the
  // label flags nothing (e.g. CLEAN).
  std::vector<std::optional<Category>> categories;
  FeatureConfig features;
  // Calibration: probabilities are softmax (or per-label sigmoid) of
  // logits / temperature + calibration_shift, fitted on validation data for minimum log-loss.
  // The predicted label is the argmax of the logits (multi-label: every logit >= 0), whose bias
  // may carry decision offsets tuned for the validation metric; calibration undoes that tilt in
  // the probabilities, so probabilities are honest while the label decision maximizes F1.
  float temperature = 1.0f;
  std::vector<float> bias;               // one per label
  std::vector<float> calibration_shift;  // one per label (empty in memory: all zero)
  // Metrics on the validation data used during training (never the reported dev split when
  // trained by `make models`), e.g. {"macro_f1", 0.67}.
  std::vector<std::pair<std::string, double>> metrics;
};

class MappedFile;

class Model {
 public:
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // Memory-maps and validates the model file at `path`. Errors name the file and the reason
  // (not a tincay model, unsupported format version, truncated, checksum mismatch, ...).
  static Result<std::unique_ptr<Model>> load(const std::string& path);

  // Parses a model from bytes in memory; `source` names it in errors. With verify_checksum false
  // the trailing SHA-256 is not checked (the fuzzer uses this to reach the structural checks).
  static Result<std::unique_ptr<Model>> from_bytes(std::string bytes, std::string_view source,
                                                   bool verify_checksum = true);

  const ModelInfo& info() const { return info_; }
  // The auxiliary models embedded in the file (kMetaAux), in feature order; none otherwise. They
  // embed none themselves.
  const std::vector<std::unique_ptr<Model>>& aux_models() const { return aux_; }
  std::size_t label_count() const { return info_.labels.size(); }
  // "model:<name>@<version>"
  const std::string& detector_name() const { return detector_name_; }

  // Raw scores (before calibration); their argmax (softmax) or signs (multi-label) are the
  // model's label decision. REQUIRES: out.size() == label_count().
  // A kMetaRules model scored this way sees no prior findings (as if no rule fired), and a
  // kMetaText model reads the normalized text in place of the original (no capitals, no
  // stretched letters, no line breaks).
  void logits(const NormalizedText& text, float* out) const { logits(text, text.text, {}, out); }
  // The same with `prior`: the findings the rule packs and PII detectors made on this text
  // (other findings are ignored), the input of kMetaRules features; a model without them
  // ignores `prior`.
  void logits(const NormalizedText& text, std::span<const Finding> prior, float* out) const {
    logits(text, text.text, prior, out);
  }
  // The same with `original`, the text as written that `text` was normalized from (Post::text),
  // the input of kMetaText features; a model without them ignores it.
  void logits(const NormalizedText& text, std::string_view original, std::span<const Finding> prior,
              float* out) const;
  // Calibrated probabilities: softmax or per-label sigmoid of logits / temperature + shift.
  // REQUIRES: `out` has label_count() elements.
  void predict(const NormalizedText& text, float* out) const { predict(text, text.text, {}, out); }
  void predict(const NormalizedText& text, std::span<const Finding> prior, float* out) const {
    predict(text, text.text, prior, out);
  }
  void predict(const NormalizedText& text, std::string_view original,
               std::span<const Finding> prior, float* out) const;
  // Whether the model's features include the prior findings (kMetaRules), its own or those of
  // an auxiliary model.
  bool uses_prior_findings() const;
  // The calibrated probabilities of every auxiliary model on this text, concatenated in the
  // order of aux_models() (the input of kMetaAux features). REQUIRES: `out` has
  // aux_label_count() elements.
  void aux_probabilities(const NormalizedText& text, std::string_view original,
                         std::span<const Finding> prior, float* out) const;
  // The labels of all auxiliary models together.
  std::size_t aux_label_count() const { return aux_labels_; }
  // Applies the model's calibration to raw logits in place (logits → probabilities).
  void calibrate(float* logits_to_probs) const;

  // The bucket weights of one bucket as floats (for explanations and tests).
  // REQUIRES: bucket < 2^bucket_bits, out has label_count() elements.
  void bucket_weights(std::uint32_t bucket, float* out) const;

 private:
  Model() = default;
  static Result<std::unique_ptr<Model>> parse(std::unique_ptr<MappedFile> file,
                                              std::string_view source, bool verify_checksum,
                                              bool allow_aux);

  std::unique_ptr<MappedFile> file_;
  ModelInfo info_;
  std::vector<std::unique_ptr<Model>> aux_;
  std::size_t aux_labels_ = 0;
  std::string detector_name_;
  const unsigned char* weights_ = nullptr;  // into file_
  std::size_t row_stride_ = 0;              // bytes per bucket
};

// Serializes a model to the binary format (weights given as floats, bucket-major:
// weights[bucket * labels + label]); `info.format` chooses the stored precision. `aux_models`:
// the model files (bytes) to embed as auxiliary models (kMetaAux), verbatim.
// REQUIRES: weights.size() == 2^bucket_bits * labels, info.bias.size() == labels, at most
// kMaxAuxModels auxiliary models.
std::string serialize_model(const ModelInfo& info, const std::vector<float>& weights,
                            std::span<const std::string> aux_models = {});

// Feature buckets of `text` under `config`, in extraction order, duplicates kept (for tests and
// training; inference hashes on the fly without this vector).
void extract_features(const NormalizedText& text, const FeatureConfig& config,
                      std::vector<std::uint32_t>& out);
// The meta feature buckets of `text` under `config`: shape features (kMetaShape), those of the
// prior findings (kMetaRules), of `original`, the text as written (kMetaText), and of
// `aux_probs`, the auxiliary models' probabilities (kMetaAux; Model::aux_probabilities); none
// without meta bits. Each counts with value 1, unscaled.
void extract_meta_features(const NormalizedText& text, std::string_view original,
                           std::span<const Finding> prior, const FeatureConfig& config,
                           std::vector<std::uint32_t>& out, std::span<const float> aux_probs = {});

// Finds the bundled models by name: "vihsd" → <models_dir>/vihsd.model; a name containing '/'
// or ending in ".model" is taken as a path.
std::string resolve_model_path(const std::string& name_or_path, const std::string& models_dir);

// The model detector: runs every model in `paths` on each post (a kMetaRules model reads the rule
// and PII findings already in the detector's output list, so it must run after those detectors,
// as in the pipeline) and reports, for every label that
// maps to a category, a finding with the calibrated probability as its score when it reaches
// `min_score`. Models with no label mapped to a category are validated but not run. Errors name
// the model file at fault.
Result<std::unique_ptr<Detector>> load_model_detector(const std::vector<std::string>& paths,
                                                      double min_score = 0.4);

// All "*.model" files in `dir`, sorted by name; empty when `dir` does not exist.
std::vector<std::string> list_model_files(const std::string& dir);

}  // namespace tincay
