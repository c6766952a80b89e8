// Evaluation metrics: accuracy, per-class precision/recall/F1, macro and micro F1, log-loss,
// expected calibration error and the confusion matrix, as printed by `tincay eval`.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tincay/core/json_writer.h"
#include "tincay/detect/train.h"

namespace tincay {
namespace {

double safe_div(double a, double b) { return b > 0 ? a / b : 0.0; }
double f1_of(double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0.0; }

constexpr std::size_t kEceBins = 15;

struct Bins {
  double confidence[kEceBins] = {};
  double correct[kEceBins] = {};
  double count[kEceBins] = {};
  void add(double conf, bool right) {
    const auto b = std::min(kEceBins - 1, static_cast<std::size_t>(conf * kEceBins));
    confidence[b] += conf;
    correct[b] += right ? 1.0 : 0.0;
    count[b] += 1.0;
  }
  double ece() const {
    double total = 0.0;
    double err = 0.0;
    for (std::size_t b = 0; b < kEceBins; ++b) {
      total += count[b];
      err += std::fabs(correct[b] - confidence[b]);
    }
    return safe_div(err, total);
  }
};

// Multi-label decisions are decision[k] >= threshold (0.5 on probabilities, 0 on logits).
EvalReport metrics_of(ModelHead head, const std::vector<std::string>& labels,
                      const std::vector<LabeledText>& data, const std::vector<float>& probs,
                      const std::vector<float>& decision, float threshold) {
  const std::size_t k_labels = labels.size();
  EvalReport r;
  r.head = head;
  r.examples = data.size();
  std::vector<double> tp(k_labels, 0), fp(k_labels, 0), fn(k_labels, 0);
  std::vector<std::size_t> support(k_labels, 0), predicted(k_labels, 0);
  Bins bins;
  std::size_t correct = 0;
  double loss = 0.0;
  if (head == ModelHead::kSoftmax) {
    r.confusion.assign(k_labels, std::vector<std::size_t>(k_labels, 0));
  }
  for (std::size_t i = 0; i < data.size(); ++i) {
    const float* p = &probs[i * k_labels];
    const float* d = &decision[i * k_labels];
    const auto& y = data[i].labels;
    if (head == ModelHead::kSoftmax) {
      const std::size_t t = y.empty() ? 0 : y[0];
      const std::size_t guess = static_cast<std::size_t>(std::max_element(d, d + k_labels) - d);
      ++r.confusion[t][guess];
      ++support[t];
      ++predicted[guess];
      if (guess == t) {
        ++correct;
        tp[t] += 1;
      } else {
        fp[guess] += 1;
        fn[t] += 1;
      }
      bins.add(p[guess], guess == t);
      loss -= std::log(std::max(static_cast<double>(p[t]), 1e-12));
      continue;
    }
    bool all_right = true;
    for (std::size_t k = 0; k < k_labels; ++k) {
      const bool truth = std::find(y.begin(), y.end(), k) != y.end();
      const bool guess = d[k] >= threshold;
      support[k] += truth ? 1 : 0;
      predicted[k] += guess ? 1 : 0;
      tp[k] += truth && guess ? 1 : 0;
      fp[k] += !truth && guess ? 1 : 0;
      fn[k] += truth && !guess ? 1 : 0;
      all_right = all_right && truth == guess;
      // Calibration of a binary label: confidence in what was predicted.
      bins.add(guess ? p[k] : 1.0 - p[k], truth == guess);
      loss -= std::log(std::max(static_cast<double>(truth ? p[k] : 1.0f - p[k]), 1e-12));
    }
    correct += all_right ? 1 : 0;
  }
  double sum_tp = 0, sum_fp = 0, sum_fn = 0;
  for (std::size_t k = 0; k < k_labels; ++k) {
    ClassMetrics c;
    c.label = labels[k];
    c.precision = safe_div(tp[k], tp[k] + fp[k]);
    c.recall = safe_div(tp[k], tp[k] + fn[k]);
    c.f1 = f1_of(c.precision, c.recall);
    c.support = support[k];
    c.predicted = predicted[k];
    r.macro_f1 += c.f1 / static_cast<double>(k_labels);
    sum_tp += tp[k];
    sum_fp += fp[k];
    sum_fn += fn[k];
    r.classes.push_back(std::move(c));
  }
  r.micro_f1 = f1_of(safe_div(sum_tp, sum_tp + sum_fp), safe_div(sum_tp, sum_tp + sum_fn));
  r.accuracy = safe_div(static_cast<double>(correct), static_cast<double>(data.size()));
  r.log_loss = safe_div(loss, static_cast<double>(data.size()));
  r.ece = bins.ece();
  return r;
}

}  // namespace

EvalReport compute_metrics(ModelHead head, const std::vector<std::string>& labels,
                           const std::vector<LabeledText>& data, const std::vector<float>& probs) {
  return metrics_of(head, labels, data, probs, probs, 0.5f);
}

EvalReport compute_metrics(ModelHead head, const std::vector<std::string>& labels,
                           const std::vector<LabeledText>& data, const std::vector<float>& probs,
                           const std::vector<float>& decision) {
  return metrics_of(head, labels, data, probs, decision, 0.0f);
}

EvalReport evaluate_model(const Model& model, const std::vector<LabeledText>& data,
                          ThreadPool& pool) {
  const std::size_t labels = model.label_count();
  std::vector<float> logits(data.size() * labels);
  std::vector<float> probs(data.size() * labels);
  pool.parallel_for(data.size(), [&](std::size_t, std::size_t i) {
    model.logits(data[i].text, data[i].original, data[i].prior, &logits[i * labels]);
    std::copy(&logits[i * labels], &logits[i * labels] + labels, &probs[i * labels]);
    model.calibrate(&probs[i * labels]);
  });
  return compute_metrics(model.info().head, model.info().labels, data, probs, logits);
}

std::string eval_report_json(const EvalReport& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("head").string(r.head == ModelHead::kSoftmax ? "softmax" : "multilabel");
  w.key("examples").number(static_cast<std::int64_t>(r.examples));
  w.key("accuracy").score(r.accuracy);
  w.key("macro_f1").score(r.macro_f1);
  w.key("micro_f1").score(r.micro_f1);
  w.key("log_loss").score(r.log_loss);
  w.key("ece").score(r.ece);
  w.key("labels").begin_array();
  for (const auto& c : r.classes) w.string(c.label);
  w.end_array();
  w.key("classes").begin_object();
  for (const auto& c : r.classes) {
    w.key(c.label).begin_object();
    w.key("precision").score(c.precision);
    w.key("recall").score(c.recall);
    w.key("f1").score(c.f1);
    w.key("support").number(static_cast<std::int64_t>(c.support));
    w.key("predicted").number(static_cast<std::int64_t>(c.predicted));
    w.end_object();
  }
  w.end_object();
  w.key("confusion").begin_array();
  for (const auto& row : r.confusion) {
    w.begin_array();
    for (const std::size_t v : row) w.number(static_cast<std::int64_t>(v));
    w.end_array();
  }
  w.end_array();
  w.end_object();
  return out;
}

std::string eval_report_text(const EvalReport& r) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof(line), "examples %zu  accuracy %.4f  macro_f1 %.4f  micro_f1 %.4f\n",
                r.examples, r.accuracy, r.macro_f1, r.micro_f1);
  out += line;
  std::snprintf(line, sizeof(line), "log_loss %.4f  ece %.4f\n\n", r.log_loss, r.ece);
  out += line;
  std::snprintf(line, sizeof(line), "%-16s %9s %9s %9s %9s\n", "label", "precision", "recall", "f1",
                "support");
  out += line;
  for (const auto& c : r.classes) {
    std::snprintf(line, sizeof(line), "%-16s %9.4f %9.4f %9.4f %9zu\n", c.label.c_str(),
                  c.precision, c.recall, c.f1, c.support);
    out += line;
  }
  if (!r.confusion.empty()) {
    out += "\nconfusion (rows: true label, columns: predicted)\n";
    std::snprintf(line, sizeof(line), "%-16s", "");
    out += line;
    for (const auto& c : r.classes) {
      std::snprintf(line, sizeof(line), " %10.10s", c.label.c_str());
      out += line;
    }
    out += "\n";
    for (std::size_t t = 0; t < r.confusion.size(); ++t) {
      std::snprintf(line, sizeof(line), "%-16s", r.classes[t].label.c_str());
      out += line;
      for (const std::size_t v : r.confusion[t]) {
        std::snprintf(line, sizeof(line), " %10zu", v);
        out += line;
      }
      out += "\n";
    }
  }
  return out;
}

}  // namespace tincay
