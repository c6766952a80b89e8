// tincay/detect/train.h — training and evaluating the linear text classifiers of model.h.
//
// Training is AdaGrad on mini-batches of a class-weighted softmax (or per-label logistic) loss,
// with early stopping on validation data, optional decision offsets tuned on it for a metric,
// and calibration (temperature and per-label shift) fitted on that same data.
// It is deterministic for a given seed whatever the thread count: each mini-batch's gradients are
// computed from the weights at the batch start, and each weight receives its updates in example
// order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tincay/core/category.h"
#include "tincay/core/normalized_text.h"
#include "tincay/core/result.h"
#include "tincay/core/thread_pool.h"
#include "tincay/detect/model.h"
#include "tincay/detect/rules.h"

namespace tincay {

// One training or evaluation text with its label indices (exactly one for a softmax head).
struct LabeledText {
  NormalizedText text;
  // The text as written, that `text` was normalized from: the input of kMetaText features.
  std::string original;
  std::vector<std::uint16_t> labels;
  // Findings of the rule packs and PII detectors on the text (attach_prior_findings), the input
  // of kMetaRules features; empty when the model does not use them.
  std::vector<Finding> prior;
};

// The detectors whose findings kMetaRules models use as features: the rule packs of
// `rules_dir` and the PII detectors, loaded as `tincay scan` loads them.
struct PriorDetectors {
  std::unique_ptr<RuleEngine> rules;
  std::unique_ptr<Detector> pii;
};
// Errors: the rule packs do not load (the message names the pack and line).
Result<PriorDetectors> load_prior_detectors(const std::string& rules_dir,
                                            const Normalizer& normalizer);
// Runs `detectors` on every text and stores the findings in data[i].prior. originals[i] is the
// original text that data[i].text was normalized from. REQUIRES: equal sizes.
void attach_prior_findings(const PriorDetectors& detectors,
                           const std::vector<std::string>& originals,
                           std::vector<LabeledText>& data, ThreadPool& pool);

struct TrainOptions {
  ModelHead head = ModelHead::kSoftmax;
  FeatureConfig features;
  std::size_t max_epochs = 30;
  std::size_t patience = 4;    // stop after this many epochs without a better validation
  double learning_rate = 0.1;  // AdaGrad step size
  double l2 = 0.0;             // L2 penalty applied to the weights a batch touches
  std::size_t batch_size = 128;
  double class_weight_power = 0.5;  // class weight = (n / (labels * n_class))^power; 0 = none
  std::uint64_t seed = 1;
  std::size_t runs = 1;   // train this many seeds and average their weights
  bool calibrate = true;  // fit temperature and shift on the validation data
  // Decision offsets: per-label bias offsets searched on the validation data to maximize
  // `tune_metric` ("macro_f1", "f1.<LABEL>", or "" for none), folded into the bias. Calibration
  // is fitted afterwards, so probabilities stay honest.
  std::string tune_metric;
  // With tune_metric "macro_f1": label k counts as group tune_groups[k] (e.g. SPAM_1..3 as one
  // SPAM), so the offsets serve a coarser task than the one trained. Empty: each label alone.
  std::vector<std::size_t> tune_groups;
  WeightFormat format = WeightFormat::kInt8Row;
  // Auxiliary models (model files' bytes, e.g. trained on other data sets) whose calibrated
  // probabilities become features (kMetaAux, set by train_model when this is not empty); they
  // are embedded in the model file. A kMetaRules auxiliary model needs the examples' `prior`.
  std::vector<std::string> aux_models;
};

struct EpochReport {
  std::size_t epoch = 0;
  double train_loss = 0.0;  // mean weighted loss over the epoch
  double valid_loss = 0.0;  // mean unweighted loss on validation
  double valid_macro_f1 = 0.0;
  bool improved = false;
  double seconds = 0.0;
};

// Trains on `train`, early-stopping on `valid`. `info` supplies everything but the weights,
// bias, temperature and metrics (name, version, labels, categories, provenance); the result is a
// serialized model file. Errors: empty data, a label index out of range, a softmax example
// without exactly one label.
Result<std::string> train_model(const std::vector<LabeledText>& train,
                                const std::vector<LabeledText>& valid, ModelInfo info,
                                const TrainOptions& options, ThreadPool& pool,
                                const std::function<void(const EpochReport&)>& progress);

// Splits `data` into (train, validation) with `fraction` of each label's examples (by first
// label) in validation, deterministically under `seed`.
void holdout_split(std::vector<LabeledText> data, double fraction, std::uint64_t seed,
                   std::vector<LabeledText>& train, std::vector<LabeledText>& valid);

struct ClassMetrics {
  std::string label;
  double precision = 0.0;
  double recall = 0.0;
  double f1 = 0.0;
  std::size_t support = 0;    // examples with this label
  std::size_t predicted = 0;  // examples predicted with this label
};

struct EvalReport {
  ModelHead head = ModelHead::kSoftmax;
  std::size_t examples = 0;
  double accuracy = 0.0;  // softmax: argmax correct; multi-label: every label right
  double macro_f1 = 0.0;
  double micro_f1 = 0.0;
  double log_loss = 0.0;  // mean negative log-likelihood of the calibrated probabilities
  double ece = 0.0;       // expected calibration error, 15 equal-width bins
  std::vector<ClassMetrics> classes;
  // confusion[true][predicted] (softmax only).
  std::vector<std::vector<std::size_t>> confusion;
};

// Scores `model` on `data` (labels index model.info().labels); predictions run on `pool`.
// The predicted labels are the model's decision (Model::logits: argmax, or logit >= 0);
// log-loss and ECE use the calibrated probabilities (Model::predict).
EvalReport evaluate_model(const Model& model, const std::vector<LabeledText>& data,
                          ThreadPool& pool);

// Computes the metrics from calibrated probabilities: probs[i * labels + k], predicting the
// argmax (multi-label: every probability >= 0.5).
EvalReport compute_metrics(ModelHead head, const std::vector<std::string>& labels,
                           const std::vector<LabeledText>& data, const std::vector<float>& probs);
// The same, with the predicted labels taken from `decision` (the model's logits): the argmax,
// or every logit >= 0 for a multi-label head; log-loss and ECE still come from `probs`.
EvalReport compute_metrics(ModelHead head, const std::vector<std::string>& labels,
                           const std::vector<LabeledText>& data, const std::vector<float>& probs,
                           const std::vector<float>& decision);

// One JSON object: accuracy, macro_f1, micro_f1, log_loss, ece, per-class metrics under
// "classes", "confusion" (rows: true label), "labels", "examples".
std::string eval_report_json(const EvalReport& report);

// A human-readable table of the same.
std::string eval_report_text(const EvalReport& report);

}  // namespace tincay
