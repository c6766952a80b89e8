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

}  // namespace tincay
