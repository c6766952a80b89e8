// Turning raw scores into probabilities, and fitting the temperature that makes them honest.
// Private to src/detect/model/.
#pragma once

#include <cstddef>
#include <vector>

#include "tincay/detect/model.h"
#include "tincay/detect/train.h"

namespace tincay {

// p = softmax(z / temperature) over n labels. REQUIRES: n >= 1.
void softmax(const float* z, std::size_t n, float temperature, float* p);

// Logits → probabilities in place: softmax, or one sigmoid per label for a multi-label head.
void calibrate_in_place(ModelHead head, float* v, std::size_t n, float temperature);

// The temperature in [0.05, 20] minimizing the mean log-loss of `logits` (row i: example i) on
// `data`, found by golden-section search on log(temperature).
float fit_temperature(ModelHead head, const std::vector<float>& logits,
                      const std::vector<LabeledText>& data, std::size_t labels);

struct Calibration {
  float temperature = 1.0f;
  std::vector<float> shift;  // one per label
};

// Temperature and per-label shift minimizing the mean log-loss of softmax (or per-label sigmoid)
// of logits / temperature + shift on `data`: a convex problem in (1 / temperature, shift),
// solved by gradient descent with backtracking from the best temperature alone. The shift undoes
// the tilt that class weighting and decision offsets give the logits.
Calibration fit_calibration(ModelHead head, const std::vector<float>& logits,
                            const std::vector<LabeledText>& data, std::size_t labels);

}  // namespace tincay
