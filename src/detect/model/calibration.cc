// Temperature scaling (Guo et al., 2017): one scalar divides every logit; it leaves the argmax
// alone, so it changes confidence without changing a single prediction.
#include "src/detect/model/calibration.h"

#include <algorithm>
#include <cmath>

namespace tincay {

void softmax(const float* z, std::size_t n, float temperature, float* p) {
  const float inv_t = 1.0f / temperature;
  float max = z[0];
  for (std::size_t k = 1; k < n; ++k) max = std::max(max, z[k]);
  float total = 0.0f;
  for (std::size_t k = 0; k < n; ++k) {
    p[k] = std::exp((z[k] - max) * inv_t);
    total += p[k];
  }
  for (std::size_t k = 0; k < n; ++k) p[k] /= total;
}

void calibrate_in_place(ModelHead head, float* v, std::size_t n, float temperature) {
  if (head == ModelHead::kSoftmax) {
    float p[kMaxModelLabels];
    softmax(v, n, temperature, p);
    std::copy(p, p + n, v);
    return;
  }
  for (std::size_t k = 0; k < n; ++k) v[k] = 1.0f / (1.0f + std::exp(-v[k] / temperature));
}

namespace {

double mean_log_loss(ModelHead head, const std::vector<float>& logits,
                     const std::vector<LabeledText>& data, std::size_t labels, float temperature) {
  double loss = 0.0;
  float p[kMaxModelLabels];
  for (std::size_t i = 0; i < data.size(); ++i) {
    std::copy(&logits[i * labels], &logits[i * labels] + labels, p);
    calibrate_in_place(head, p, labels, temperature);
    if (head == ModelHead::kSoftmax) {
      loss -= std::log(std::max(p[data[i].labels[0]], 1e-12f));
      continue;
    }
    for (std::size_t k = 0; k < labels; ++k) {
      const bool positive =
          std::find(data[i].labels.begin(), data[i].labels.end(), k) != data[i].labels.end();
      loss -= std::log(std::max(positive ? p[k] : 1.0f - p[k], 1e-12f));
    }
  }
  return data.empty() ? 0.0 : loss / static_cast<double>(data.size());
}

}  // namespace

float fit_temperature(ModelHead head, const std::vector<float>& logits,
                      const std::vector<LabeledText>& data, std::size_t labels) {
  double lo = std::log(0.05);
  double hi = std::log(20.0);
  const double ratio = (std::sqrt(5.0) - 1.0) / 2.0;
  const auto f = [&](double log_t) {
    return mean_log_loss(head, logits, data, labels, static_cast<float>(std::exp(log_t)));
  };
  double a = hi - ratio * (hi - lo);
  double b = lo + ratio * (hi - lo);
  double fa = f(a);
  double fb = f(b);
  for (int i = 0; i < 40; ++i) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - ratio * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + ratio * (hi - lo);
      fb = f(b);
    }
  }
  return static_cast<float>(std::exp((lo + hi) / 2.0));
}

namespace {

// Mean log-loss of logits * scale + shift, and (when grad is not null) its gradient with respect
// to (scale, shift[0..labels)).
double scaled_loss(ModelHead head, const std::vector<float>& logits,
                   const std::vector<LabeledText>& data, std::size_t labels, double scale,
                   const std::vector<double>& shift, std::vector<double>* grad) {
  if (grad != nullptr) grad->assign(labels + 1, 0.0);
  double loss = 0.0;
  double z[kMaxModelLabels];
  double p[kMaxModelLabels];
  for (std::size_t i = 0; i < data.size(); ++i) {
    const float* x = &logits[i * labels];
    for (std::size_t k = 0; k < labels; ++k) z[k] = scale * x[k] + shift[k];
    const auto& y = data[i].labels;
    if (head == ModelHead::kSoftmax) {
      double max = z[0];
      for (std::size_t k = 1; k < labels; ++k) max = std::max(max, z[k]);
      double total = 0.0;
      for (std::size_t k = 0; k < labels; ++k) total += std::exp(z[k] - max);
      const double log_total = std::log(total) + max;
      loss += log_total - z[y[0]];
      if (grad == nullptr) continue;
      for (std::size_t k = 0; k < labels; ++k) {
        const double g = std::exp(z[k] - log_total) - (k == y[0] ? 1.0 : 0.0);
        (*grad)[0] += g * x[k];
        (*grad)[k + 1] += g;
      }
      continue;
    }
    for (std::size_t k = 0; k < labels; ++k) {
      const bool positive = std::find(y.begin(), y.end(), k) != y.end();
      p[k] = 1.0 / (1.0 + std::exp(-z[k]));
      // log(1 + e^-z) for a positive, log(1 + e^z) for a negative, computed stably.
      const double m = positive ? -z[k] : z[k];
      loss += m > 0 ? m + std::log1p(std::exp(-m)) : std::log1p(std::exp(m));
      if (grad == nullptr) continue;
      const double g = p[k] - (positive ? 1.0 : 0.0);
      (*grad)[0] += g * x[k];
      (*grad)[k + 1] += g;
    }
  }
  const double n = data.empty() ? 1.0 : static_cast<double>(data.size());
  if (grad != nullptr) {
    for (double& g : *grad) g /= n;
  }
  return loss / n;
}

}  // namespace

Calibration fit_calibration(ModelHead head, const std::vector<float>& logits,
                            const std::vector<LabeledText>& data, std::size_t labels) {
  Calibration c;
  c.temperature = fit_temperature(head, logits, data, labels);
  c.shift.assign(labels, 0.0f);
  if (data.empty()) return c;
  double scale = 1.0 / c.temperature;
  std::vector<double> shift(labels, 0.0);
  std::vector<double> grad;
  double loss = scaled_loss(head, logits, data, labels, scale, shift, &grad);
  double step = 1.0;
  std::vector<double> next_shift(labels);
  for (int iter = 0; iter < 200; ++iter) {
    double norm2 = 0.0;
    for (const double g : grad) norm2 += g * g;
    if (norm2 < 1e-14) break;
    // Backtracking line search (Armijo): halve the step until the loss drops enough.
    bool moved = false;
    for (int tries = 0; tries < 40; ++tries) {
      const double next_scale = scale - step * grad[0];
      for (std::size_t k = 0; k < labels; ++k) next_shift[k] = shift[k] - step * grad[k + 1];
      if (next_scale > 1.0 / 20.0 && next_scale < 1.0 / 0.05) {
        const double next =
            scaled_loss(head, logits, data, labels, next_scale, next_shift, nullptr);
        if (next <= loss - 0.5 * step * norm2) {
          scale = next_scale;
          shift = next_shift;
          loss = next;
          moved = true;
          break;
        }
      }
      step *= 0.5;
    }
    if (!moved) break;
    step *= 2.0;
    loss = scaled_loss(head, logits, data, labels, scale, shift, &grad);
  }
  c.temperature = static_cast<float>(1.0 / scale);
  // A softmax is unchanged by a common shift: centre the shifts on zero.
  double mean = 0.0;
  if (head == ModelHead::kSoftmax) {
    for (const double v : shift) mean += v / static_cast<double>(labels);
  }
  for (std::size_t k = 0; k < labels; ++k) c.shift[k] = static_cast<float>(shift[k] - mean);
  return c;
}

}  // namespace tincay
