// Training (see train.h): features are hashed once per example into sorted (bucket, value)
// lists; each epoch shuffles the examples and runs AdaGrad on mini-batches. A mini-batch has two
// parallel phases: (1) forward passes from the weights as they were at the batch start, giving
// each example's loss gradient per label; (2) weight updates, sharded by bucket range so threads
// never touch the same weight, each weight receiving its updates in example order. The result
// is the same for any thread count.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <string_view>
#include <unordered_map>

#include "tincay/detect/train.h"

#include "src/detect/model/calibration.h"

namespace tincay {
namespace {

struct SparseExample {
  std::vector<std::uint32_t> ids;  // sorted, distinct
  std::vector<float> values;       // n-grams: occurrences / sqrt(total) (or / total); meta: 1
};

// The auxiliary models of kMetaAux, loaded from TrainOptions::aux_models.
struct AuxModels {
  std::vector<std::unique_ptr<Model>> models;
  std::size_t labels = 0;

  // Their probabilities on one example, concatenated (Model::aux_probabilities).
  std::span<const float> probabilities(const LabeledText& t, float* buffer) const {
    float* at = buffer;
    for (const auto& m : models) {
      m->predict(t.text, t.original.empty() ? std::string_view(t.text.text) : t.original, t.prior,
                 at);
      at += m->label_count();
    }
    return {buffer, labels};
  }
};

std::vector<SparseExample> featurize(const std::vector<LabeledText>& data,
                                     const FeatureConfig& config, const AuxModels& aux,
                                     ThreadPool& pool) {
  std::vector<SparseExample> out(data.size());
  std::vector<std::vector<std::pair<std::uint32_t, float>>> scratch(pool.size());
  std::vector<std::vector<std::uint32_t>> ids_scratch(pool.size());
  pool.parallel_for(data.size(), [&](std::size_t worker, std::size_t i) {
    std::vector<std::uint32_t>& ids = ids_scratch[worker];
    auto& items = scratch[worker];
    ids.clear();
    items.clear();
    extract_features(data[i].text, config, ids);
    if (!ids.empty()) {
      // Must match the predictor's scaling (predictor.cc).
      const auto count = static_cast<float>(ids.size());
      const float scale =
          (config.meta & kMetaMeanNorm) != 0 ? 1.0f / count : 1.0f / std::sqrt(count);
      for (const std::uint32_t id : ids) items.emplace_back(id, scale);
    }
    ids.clear();
    float aux_buffer[kMaxModelLabels];
    extract_meta_features(data[i].text, data[i].original, data[i].prior, config, ids,
                          aux.probabilities(data[i], aux_buffer));
    for (const std::uint32_t id : ids) items.emplace_back(id, 1.0f);
    std::sort(items.begin(), items.end());
    SparseExample& ex = out[i];
    for (std::size_t j = 0; j < items.size();) {
      float value = 0.0f;
      std::size_t k = j;
      for (; k < items.size() && items[k].first == items[j].first; ++k) value += items[k].second;
      ex.ids.push_back(items[j].first);
      ex.values.push_back(value);
      j = k;
    }
  });
  return out;
}

// splitmix64: a small, fully specified generator, so shuffles are the same on every platform.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

template <typename T>
void shuffle(std::vector<T>& v, Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

class Trainer {
 public:
  Trainer(const TrainOptions& options, std::size_t labels)
      : opt_(options),
        labels_(labels),
        rows_(std::size_t{1} << options.features.bucket_bits),
        weights_(rows_ * labels, 0.0f),
        accum_(rows_ * labels, 0.0f),
        bias_(labels, 0.0f),
        bias_accum_(labels, 0.0f) {}

  void reset() {
    std::fill(weights_.begin(), weights_.end(), 0.0f);
    std::fill(accum_.begin(), accum_.end(), 0.0f);
    std::fill(bias_.begin(), bias_.end(), 0.0f);
    std::fill(bias_accum_.begin(), bias_accum_.end(), 0.0f);
  }

  // Raw scores of one example.
  void logits(const SparseExample& ex, float* out) const {
    for (std::size_t k = 0; k < labels_; ++k) out[k] = bias_[k];
    for (std::size_t j = 0; j < ex.ids.size(); ++j) {
      const float* w = &weights_[static_cast<std::size_t>(ex.ids[j]) * labels_];
      const float v = ex.values[j];
      for (std::size_t k = 0; k < labels_; ++k) out[k] += v * w[k];
    }
  }

  // Loss of one example and its gradient with respect to the logits (into grad).
  double loss_and_grad(const float* z, const std::vector<std::uint16_t>& y, double weight,
                       const std::vector<double>& label_weights, float* grad) const {
    if (opt_.head == ModelHead::kSoftmax) {
      float p[kMaxModelLabels];
      softmax(z, labels_, 1.0f, p);
      const std::size_t t = y[0];
      for (std::size_t k = 0; k < labels_; ++k) {
        grad[k] = static_cast<float>(weight) * (p[k] - (k == t ? 1.0f : 0.0f));
      }
      return -weight * std::log(std::max(p[t], 1e-12f));
    }
    double loss = 0.0;
    for (std::size_t k = 0; k < labels_; ++k) {
      const bool positive = std::find(y.begin(), y.end(), k) != y.end();
      const double w = positive ? label_weights[k] : 1.0;
      const float p = 1.0f / (1.0f + std::exp(-z[k]));
      grad[k] = static_cast<float>(w) * (p - (positive ? 1.0f : 0.0f));
      loss -= w * std::log(std::max(positive ? p : 1.0f - p, 1e-12f));
    }
    return loss;
  }

  // Applies the gradients of examples batch[0..n) to the buckets in [lo, hi).
  void update_range(const std::vector<const SparseExample*>& batch, const std::vector<float>& grads,
                    std::uint32_t lo, std::uint32_t hi) {
    const float lr = static_cast<float>(opt_.learning_rate);
    const float l2 = static_cast<float>(opt_.l2);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const SparseExample& ex = *batch[i];
      const float* g = &grads[i * labels_];
      auto it = std::lower_bound(ex.ids.begin(), ex.ids.end(), lo);
      for (std::size_t j = static_cast<std::size_t>(it - ex.ids.begin());
           j < ex.ids.size() && ex.ids[j] < hi; ++j) {
        const std::size_t base = static_cast<std::size_t>(ex.ids[j]) * labels_;
        const float v = ex.values[j];
        for (std::size_t k = 0; k < labels_; ++k) {
          const float gk = g[k] * v + l2 * weights_[base + k];
          accum_[base + k] += gk * gk;
          weights_[base + k] -= lr * gk / (std::sqrt(accum_[base + k]) + 1e-8f);
        }
      }
    }
  }

  void update_bias(const std::vector<float>& grads, std::size_t n) {
    const float lr = static_cast<float>(opt_.learning_rate);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < labels_; ++k) {
        const float gk = grads[i * labels_ + k];
        bias_accum_[k] += gk * gk;
        bias_[k] -= lr * gk / (std::sqrt(bias_accum_[k]) + 1e-8f);
      }
    }
  }

  const TrainOptions& opt_;
  std::size_t labels_;
  std::size_t rows_;
  std::vector<float> weights_;
  std::vector<float> accum_;
  std::vector<float> bias_;
  std::vector<float> bias_accum_;
};

Status check_labels(const std::vector<LabeledText>& data, std::size_t labels, ModelHead head,
                    const char* what) {
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto& y = data[i].labels;
    if (head == ModelHead::kSoftmax && y.size() != 1) {
      return make_error(ErrorCode::kInvalidInput,
                        std::string(what) + " example " + std::to_string(i + 1) +
                            " needs exactly one label for a softmax model");
    }
    for (const auto l : y) {
      if (l >= labels) {
        return make_error(ErrorCode::kInvalidInput, std::string(what) + " example " +
                                                        std::to_string(i + 1) +
                                                        " has a label index out of range");
      }
    }
  }
  return ok_status();
}

// The validation metric that decision offsets are tuned for: macro-F1, or the F1 of one label.
struct TuneTarget {
  bool macro = true;
  std::size_t label = 0;
  std::vector<std::size_t> group;  // label → scored group (identity when not grouped)
  std::size_t groups = 0;
};

// The metric of `logits` + offsets on `data` (softmax: argmax; multi-label: logit >= 0).
double tuned_metric(ModelHead head, const std::vector<float>& logits,
                    const std::vector<LabeledText>& data, std::size_t labels,
                    const std::vector<float>& offsets, const TuneTarget& target) {
  std::vector<double> tp(labels, 0.0), fp(labels, 0.0), fn(labels, 0.0);
  for (std::size_t i = 0; i < data.size(); ++i) {
    const float* z = &logits[i * labels];
    const auto& y = data[i].labels;
    if (head == ModelHead::kSoftmax) {
      std::size_t guess = 0;
      for (std::size_t k = 1; k < labels; ++k) {
        if (z[k] + offsets[k] > z[guess] + offsets[guess]) guess = k;
      }
      if (target.macro) {
        guess = target.group[guess];
        const std::size_t truth = target.group[y[0]];
        if (guess == truth) {
          tp[guess] += 1;
        } else {
          fp[guess] += 1;
          fn[truth] += 1;
        }
        continue;
      }
      if (guess == y[0]) {
        tp[guess] += 1;
      } else {
        fp[guess] += 1;
        fn[y[0]] += 1;
      }
      continue;
    }
    for (std::size_t k = 0; k < labels; ++k) {
      const bool truth = std::find(y.begin(), y.end(), k) != y.end();
      const bool guess = z[k] + offsets[k] >= 0.0f;
      tp[k] += truth && guess ? 1 : 0;
      fp[k] += !truth && guess ? 1 : 0;
      fn[k] += truth && !guess ? 1 : 0;
    }
  }
  const auto f1 = [&](std::size_t k) {
    const double denom = 2 * tp[k] + fp[k] + fn[k];
    return denom > 0 ? 2 * tp[k] / denom : 0.0;
  };
  if (!target.macro) return f1(target.label);
  const std::size_t n = head == ModelHead::kSoftmax ? target.groups : labels;
  double sum = 0.0;
  for (std::size_t k = 0; k < n; ++k) sum += f1(k);
  return sum / static_cast<double>(n);
}

// Coordinate search of per-label offsets in [-3, 3] (steps of 0.05) maximizing the metric;
// on a tie the smaller offset wins, so a flat metric leaves the logits alone.
std::vector<float> tune_offsets(ModelHead head, const std::vector<float>& logits,
                                const std::vector<LabeledText>& data, std::size_t labels,
                                const TuneTarget& target) {
  std::vector<float> offsets(labels, 0.0f);
  double best = tuned_metric(head, logits, data, labels, offsets, target);
  // A softmax is unchanged by a common offset: label 0 stays the reference.
  const std::size_t first = head == ModelHead::kSoftmax ? 1 : 0;
  for (int round = 0; round < 3; ++round) {
    bool changed = false;
    for (std::size_t k = first; k < labels; ++k) {
      float best_value = offsets[k];
      for (int step = -60; step <= 60; ++step) {
        const float value = 0.05f * static_cast<float>(step);
        offsets[k] = value;
        const double m = tuned_metric(head, logits, data, labels, offsets, target);
        if (m > best + 1e-12 ||
            (m > best - 1e-12 && std::fabs(value) < std::fabs(best_value) - 1e-6f)) {
          if (m > best + 1e-12) changed = true;
          best = std::max(best, m);
          best_value = value;
        }
      }
      offsets[k] = best_value;
    }
    if (!changed) break;
  }
  return offsets;
}

}  // namespace

void holdout_split(std::vector<LabeledText> data, double fraction, std::uint64_t seed,
                   std::vector<LabeledText>& train, std::vector<LabeledText>& valid) {
  Rng rng(seed ^ 0x5EED5EEDULL);
  std::vector<std::size_t> order(data.size());
  std::iota(order.begin(), order.end(), 0);
  shuffle(order, rng);
  // Stratified: the first `fraction` of each first label's examples, in shuffled order.
  std::vector<std::size_t> total(kMaxModelLabels + 1, 0);
  const auto key = [&](std::size_t i) {
    return data[i].labels.empty() ? kMaxModelLabels
                                  : std::min<std::size_t>(data[i].labels[0], kMaxModelLabels);
  };
  for (std::size_t i = 0; i < data.size(); ++i) ++total[key(i)];
  std::vector<std::size_t> taken(kMaxModelLabels + 1, 0);
  // Copies of one normalized text go to the same side: data sets repeat texts, and a copy on
  // each side would make validation reward memorizing.
  std::unordered_map<std::string_view, bool> side;  // text -> in validation
  std::vector<char> to_valid(data.size(), 0);
  for (const std::size_t i : order) {
    const auto seen = side.find(data[i].text.text);
    if (seen != side.end()) {
      to_valid[i] = seen->second ? 1 : 0;
      if (seen->second) ++taken[key(i)];
      continue;
    }
    const std::size_t c = key(i);
    const auto want =
        static_cast<std::size_t>(std::llround(fraction * static_cast<double>(total[c])));
    to_valid[i] = taken[c] < want ? 1 : 0;
    if (to_valid[i]) ++taken[c];
    side.emplace(data[i].text.text, to_valid[i] != 0);
  }
  for (std::size_t i = 0; i < data.size(); ++i) {
    (to_valid[i] ? valid : train).push_back(std::move(data[i]));
  }
}

Result<std::string> train_model(const std::vector<LabeledText>& train,
                                const std::vector<LabeledText>& valid, ModelInfo info,
                                const TrainOptions& options, ThreadPool& pool,
                                const std::function<void(const EpochReport&)>& progress) {
  const std::size_t labels = info.labels.size();
  const std::size_t min_labels = options.head == ModelHead::kSoftmax ? 2 : 1;
  if (labels < min_labels || labels > kMaxModelLabels) {
    return make_error(ErrorCode::kInvalidInput, "a model needs " + std::to_string(min_labels) +
                                                    ".." + std::to_string(kMaxModelLabels) +
                                                    " labels, got " + std::to_string(labels));
  }
  if (train.empty()) return make_error(ErrorCode::kInvalidInput, "no training examples");
  if (valid.empty()) return make_error(ErrorCode::kInvalidInput, "no validation examples");
  if (options.features.bucket_bits < 8 || options.features.bucket_bits > 26) {
    return make_error(ErrorCode::kInvalidArgument, "bucket bits must be in 8..26");
  }
  TINCAY_TRY(check_labels(train, labels, options.head, "training"));
  TuneTarget tune;
  if (!options.tune_metric.empty() && options.tune_metric != "macro_f1") {
    const std::string prefix = "f1.";
    const auto it = options.tune_metric.rfind(prefix, 0) == 0
                        ? std::find(info.labels.begin(), info.labels.end(),
                                    options.tune_metric.substr(prefix.size()))
                        : info.labels.end();
    if (it == info.labels.end()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "tune metric \"" + options.tune_metric +
                            "\" is not macro_f1 or f1.<LABEL> with a label of the model");
    }
    tune.macro = false;
    tune.label = static_cast<std::size_t>(it - info.labels.begin());
  }
  if (!options.tune_groups.empty() &&
      (options.tune_groups.size() != labels ||
       std::any_of(options.tune_groups.begin(), options.tune_groups.end(),
                   [&](std::size_t g) { return g >= labels; }))) {
    return make_error(ErrorCode::kInvalidArgument, "tune groups do not match the labels");
  }
  tune.group.resize(labels);
  for (std::size_t k = 0; k < labels; ++k) {
    tune.group[k] = options.tune_groups.empty() ? k : options.tune_groups[k];
    tune.groups = std::max(tune.groups, tune.group[k] + 1);
  }
  if ((options.features.meta & ~kMetaKnownBits) != 0) {
    return make_error(ErrorCode::kInvalidArgument, "unknown meta feature bits");
  }
  TINCAY_TRY(check_labels(valid, labels, options.head, "validation"));
  info.head = options.head;
  info.features = options.features;
  info.format = options.format;
  if (info.categories.size() != labels) info.categories.resize(labels);
  // Auxiliary models: loaded (and so validated) here, embedded in the file at the end.
  AuxModels aux;
  if ((options.features.meta & kMetaAux) != 0 && options.aux_models.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "auxiliary-model features need at least one auxiliary model");
  }
  if (options.aux_models.size() > kMaxAuxModels) {
    return make_error(ErrorCode::kInvalidArgument,
                      "at most " + std::to_string(kMaxAuxModels) + " auxiliary models");
  }
  for (std::size_t i = 0; i < options.aux_models.size(); ++i) {
    auto m = Model::from_bytes(options.aux_models[i], "auxiliary model " + std::to_string(i + 1));
    if (!m) return m.error();
    if (!(*m)->aux_models().empty()) {
      return make_error(ErrorCode::kInvalidArgument, "auxiliary model " + std::to_string(i + 1) +
                                                         " (" + (*m)->detector_name() +
                                                         ") has auxiliary models of its own");
    }
    aux.labels += (*m)->label_count();
    aux.models.push_back(std::move(m).value());
  }
  if (aux.labels > kMaxModelLabels) {
    return make_error(ErrorCode::kInvalidArgument, "the auxiliary models have more than " +
                                                       std::to_string(kMaxModelLabels) +
                                                       " labels together");
  }
  if (!aux.models.empty()) info.features.meta |= kMetaAux;

  const std::vector<SparseExample> train_x = featurize(train, info.features, aux, pool);
  const std::vector<SparseExample> valid_x = featurize(valid, info.features, aux, pool);

  // Class weights: rarer classes count more, normalized to a mean example weight of 1.
  std::vector<double> counts(labels, 0.0);
  for (const auto& ex : train) {
    for (const auto l : ex.labels) counts[l] += 1.0;
  }
  const auto n = static_cast<double>(train.size());
  std::vector<double> class_weight(labels, 1.0);
  if (options.head == ModelHead::kSoftmax) {
    double mean = 0.0;
    for (std::size_t k = 0; k < labels; ++k) {
      class_weight[k] = counts[k] > 0 ? std::pow(n / (static_cast<double>(labels) * counts[k]),
                                                 options.class_weight_power)
                                      : 1.0;
      mean += class_weight[k] * counts[k] / n;
    }
    for (double& w : class_weight) w /= mean;
  } else {
    // Multi-label: positives of label k weigh (negatives / positives)^power.
    for (std::size_t k = 0; k < labels; ++k) {
      class_weight[k] = counts[k] > 0 ? std::pow(std::max(1.0, (n - counts[k]) / counts[k]),
                                                 options.class_weight_power)
                                      : 1.0;
    }
  }

  // Each run trains from scratch under its own seed; the chosen weights of all runs are averaged,
  // which for a linear model is exactly the ensemble of their logits, at the cost of one model.
  const std::size_t runs = std::max<std::size_t>(1, options.runs);
  std::vector<float> sum_weights;
  std::vector<float> sum_bias(labels, 0.0f);
  std::vector<float> valid_logits(valid.size() * labels);
  double best_epoch_sum = 0.0;
  Trainer t(options, labels);
  for (std::size_t run = 0; run < runs; ++run) {
    if (run > 0) t.reset();
    const std::size_t threads = pool.size();
    const std::size_t batch_size = std::max<std::size_t>(1, options.batch_size);
    std::vector<std::size_t> order(train.size());
    std::iota(order.begin(), order.end(), 0);
    Rng rng(options.seed + 1000003ULL * run);
    std::vector<float> grads(batch_size * labels);
    std::vector<double> batch_loss(batch_size);
    std::vector<const SparseExample*> batch;

    std::vector<float> best_weights;
    std::vector<float> best_bias;
    double best_f1 = -1.0;
    double best_loss = 0.0;
    std::size_t best_epoch = 0;
    std::size_t since_best = 0;
    const std::vector<double> no_weights(labels, 1.0);

    const auto validate = [&](double& loss, double& f1) {
      pool.parallel_for(valid.size(), [&](std::size_t, std::size_t i) {
        t.logits(valid_x[i], &valid_logits[i * labels]);
      });
      std::vector<float> probs = valid_logits;
      for (std::size_t i = 0; i < valid.size(); ++i) {
        calibrate_in_place(options.head, &probs[i * labels], labels, 1.0f);
      }
      const EvalReport r = compute_metrics(options.head, info.labels, valid, probs);
      loss = r.log_loss;
      f1 = r.macro_f1;
    };

    for (std::size_t epoch = 1; epoch <= options.max_epochs; ++epoch) {
      const auto start = std::chrono::steady_clock::now();
      shuffle(order, rng);
      double epoch_loss = 0.0;
      for (std::size_t b = 0; b < order.size(); b += batch_size) {
        const std::size_t m = std::min(batch_size, order.size() - b);
        batch.resize(m);
        for (std::size_t i = 0; i < m; ++i) batch[i] = &train_x[order[b + i]];
        const std::size_t chunks = std::min(threads, m);
        pool.parallel_for(chunks, [&](std::size_t, std::size_t c) {
          float z[kMaxModelLabels];
          for (std::size_t i = c * m / chunks; i < (c + 1) * m / chunks; ++i) {
            const auto& y = train[order[b + i]].labels;
            t.logits(*batch[i], z);
            const double w = options.head == ModelHead::kSoftmax ? class_weight[y[0]] : 1.0;
            batch_loss[i] = t.loss_and_grad(z, y, w, class_weight, &grads[i * labels]);
          }
        });
        pool.parallel_for(threads, [&](std::size_t, std::size_t s) {
          const auto lo = static_cast<std::uint32_t>(t.rows_ * s / threads);
          const auto hi = static_cast<std::uint32_t>(t.rows_ * (s + 1) / threads);
          t.update_range(batch, grads, lo, hi);
        });
        t.update_bias(grads, m);
        for (std::size_t i = 0; i < m; ++i) epoch_loss += batch_loss[i];
      }
      EpochReport report;
      report.epoch = epoch;
      report.train_loss = epoch_loss / n;
      validate(report.valid_loss, report.valid_macro_f1);
      // Better macro-F1 wins; on a tie the lower loss.
      report.improved =
          report.valid_macro_f1 > best_f1 + 1e-9 ||
          (std::fabs(report.valid_macro_f1 - best_f1) <= 1e-9 && report.valid_loss < best_loss);
      if (report.improved) {
        best_f1 = report.valid_macro_f1;
        best_loss = report.valid_loss;
        best_epoch = epoch;
        best_weights = t.weights_;
        best_bias = t.bias_;
        since_best = 0;
      } else {
        ++since_best;
      }
      report.seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (progress) progress(report);
      if (since_best >= options.patience) break;
    }
    if (sum_weights.empty()) {
      sum_weights = std::move(best_weights);
    } else {
      for (std::size_t i = 0; i < sum_weights.size(); ++i) sum_weights[i] += best_weights[i];
    }
    for (std::size_t k = 0; k < labels; ++k) sum_bias[k] += best_bias[k];
    best_epoch_sum += static_cast<double>(best_epoch);
    if (progress && runs > 1) {
      EpochReport done;
      done.epoch = 0;
      done.valid_macro_f1 = best_f1;
      progress(done);
    }
  }
  const float inv_runs = 1.0f / static_cast<float>(runs);
  for (float& w : sum_weights) w *= inv_runs;
  for (float& b : sum_bias) b *= inv_runs;
  t.weights_ = std::move(sum_weights);
  t.bias_ = std::move(sum_bias);

  pool.parallel_for(valid.size(), [&](std::size_t, std::size_t i) {
    t.logits(valid_x[i], &valid_logits[i * labels]);
  });
  // Decision offsets for the validation metric, folded into the bias.
  if (!options.tune_metric.empty()) {
    const std::vector<float> offsets =
        tune_offsets(options.head, valid_logits, valid, labels, tune);
    for (std::size_t k = 0; k < labels; ++k) t.bias_[k] += offsets[k];
    for (std::size_t i = 0; i < valid.size(); ++i) {
      for (std::size_t k = 0; k < labels; ++k) valid_logits[i * labels + k] += offsets[k];
    }
  }
  // Calibration: temperature and shift minimizing the validation log-loss of the final logits.
  info.temperature = 1.0f;
  info.calibration_shift.assign(labels, 0.0f);
  if (options.calibrate) {
    const Calibration c = fit_calibration(options.head, valid_logits, valid, labels);
    info.temperature = c.temperature;
    info.calibration_shift = c.shift;
  }
  info.bias = t.bias_;

  // Metrics of the model exactly as stored (quantized), on the validation data.
  info.metrics.clear();
  auto stored =
      Model::from_bytes(serialize_model(info, t.weights_, options.aux_models), "<trained model>");
  if (!stored) return stored.error();
  const EvalReport r = evaluate_model(**stored, valid, pool);
  info.metrics = {{"validation_examples", static_cast<double>(valid.size())},
                  {"runs", static_cast<double>(runs)},
                  {"best_epoch", best_epoch_sum / static_cast<double>(runs)},
                  {"accuracy", r.accuracy},
                  {"macro_f1", r.macro_f1},
                  {"log_loss", r.log_loss},
                  {"ece", r.ece}};
  for (const ClassMetrics& c : r.classes) info.metrics.emplace_back("f1." + c.label, c.f1);
  return serialize_model(info, t.weights_, options.aux_models);
}

}  // namespace tincay
