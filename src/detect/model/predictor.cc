// Inference: hash the features of a text and sum their weight rows, straight from the mapped
// file, with no allocation. Each n-gram occurrence counts, and the sum is scaled by
// 1/sqrt(feature count) (or 1/count with kMetaMeanNorm) so long and short posts land on
// comparable scales; the meta (shape) features are added unscaled.
#include <cmath>
#include <cstring>

#include "tincay/detect/model.h"

#include "src/detect/model/features.h"

namespace tincay {
namespace {

// Rows are looked up at random in a table of megabytes, so each is a likely cache miss: the
// accumulator prefetches a row when its bucket is hashed and adds it kPrefetchDepth features
// later, letting the misses overlap with hashing. Rows are still added in feature order, so the
// sums are bit-identical to adding each row at once.
inline constexpr std::uint32_t kPrefetchDepth = 16;

// Adds int8 rows (a float scale, then kLabels int8 weights) of a model with kLabels labels.
template <std::size_t kLabels>
struct FixedRows {
  float sum[kLabels > 0 ? kLabels : 1] = {};

  void add(const unsigned char* row) {
    float scale;
    std::memcpy(&scale, row, 4);
    const auto* q = reinterpret_cast<const std::int8_t*>(row + 4);
    for (std::size_t k = 0; k < kLabels; ++k) sum[k] += scale * static_cast<float>(q[k]);
  }
};

// The same for any label count and for float rows (the emotion model has seven labels).
struct GenericRows {
  std::size_t labels;
  bool int8;
  float* sum;

  void add(const unsigned char* row) const {
    if (int8) {
      float scale;
      std::memcpy(&scale, row, 4);
      const auto* q = reinterpret_cast<const std::int8_t*>(row + 4);
      for (std::size_t k = 0; k < labels; ++k) sum[k] += scale * static_cast<float>(q[k]);
    } else {
      for (std::size_t k = 0; k < labels; ++k) {
        float w;
        std::memcpy(&w, row + 4 * k, 4);
        sum[k] += w;
      }
    }
  }
};

// Called with each feature's bucket: prefetches its row and hands the row of the feature
// kPrefetchDepth before to `rows` (Rows::add).
template <class Rows>
struct Accumulator {
  const unsigned char* weights;
  std::size_t stride;
  Rows rows;
  std::uint32_t count = 0;
  const unsigned char* pending[kPrefetchDepth] = {};

  void operator()(std::uint32_t bucket) {
    const unsigned char* row = weights + static_cast<std::size_t>(bucket) * stride;
    __builtin_prefetch(row);
    const std::uint32_t slot = count % kPrefetchDepth;
    if (count >= kPrefetchDepth) rows.add(pending[slot]);
    pending[slot] = row;
    ++count;
  }

  // Adds the rows still pending; call once after the last feature.
  void flush() {
    const std::uint32_t first = count > kPrefetchDepth ? count - kPrefetchDepth : 0;
    for (std::uint32_t j = first; j < count; ++j) rows.add(pending[j % kPrefetchDepth]);
  }
};

float ngram_scale(const FeatureConfig& config, std::uint32_t count) {
  if (count == 0) return 0.0f;
  return (config.meta & kMetaMeanNorm) != 0 ? 1.0f / static_cast<float>(count)
                                            : 1.0f / std::sqrt(static_cast<float>(count));
}

void finish(const std::vector<float>& bias, float scale, const float* sum, float* out) {
  for (std::size_t k = 0; k < bias.size(); ++k) out[k] = bias[k] + scale * sum[k];
}

template <std::size_t kLabels>
void fixed_logits(const NormalizedText& text, std::string_view original,
                  std::span<const Finding> prior, std::span<const float> aux_probs,
                  const FeatureConfig& config, const unsigned char* weights, std::size_t stride,
                  const std::vector<float>& bias, float* out) {
  Accumulator<FixedRows<kLabels>> acc{weights, stride, {}};
  model_internal::for_each_feature(text, config, acc);
  acc.flush();
  finish(bias, ngram_scale(config, acc.count), acc.rows.sum, out);
  if (config.meta & (kMetaShape | kMetaRules | kMetaText | kMetaAux)) {
    Accumulator<FixedRows<kLabels>> meta{weights, stride, {}};
    model_internal::for_each_meta_feature(text, original, prior, config, meta, aux_probs);
    meta.flush();
    for (std::size_t k = 0; k < kLabels; ++k) out[k] += meta.rows.sum[k];
  }
}

}  // namespace

bool Model::uses_prior_findings() const {
  if ((info_.features.meta & kMetaRules) != 0) return true;
  for (const auto& aux : aux_) {
    if (aux->uses_prior_findings()) return true;
  }
  return false;
}

void Model::aux_probabilities(const NormalizedText& text, std::string_view original,
                              std::span<const Finding> prior, float* out) const {
  for (const auto& aux : aux_) {
    aux->predict(text, original, prior, out);
    out += aux->label_count();
  }
}

void Model::logits(const NormalizedText& text, std::string_view original,
                   std::span<const Finding> prior, float* out) const {
  const std::size_t labels = label_count();
  // The parser bounds the auxiliary labels by kMaxModelLabels.
  float aux_buffer[kMaxModelLabels];
  std::span<const float> aux_probs;
  if (!aux_.empty()) {
    aux_probabilities(text, original, prior, aux_buffer);
    aux_probs = std::span<const float>(aux_buffer, aux_labels_);
  }
  if (info_.format == WeightFormat::kInt8Row && labels == 2) {
    return fixed_logits<2>(text, original, prior, aux_probs, info_.features, weights_, row_stride_,
                           info_.bias, out);
  }
  if (info_.format == WeightFormat::kInt8Row && labels == 3) {
    return fixed_logits<3>(text, original, prior, aux_probs, info_.features, weights_, row_stride_,
                           info_.bias, out);
  }
  if (info_.format == WeightFormat::kInt8Row && labels == 4) {
    return fixed_logits<4>(text, original, prior, aux_probs, info_.features, weights_, row_stride_,
                           info_.bias, out);
  }
  float sum[kMaxModelLabels] = {};
  const bool int8 = info_.format == WeightFormat::kInt8Row;
  Accumulator<GenericRows> acc{weights_, row_stride_, {labels, int8, sum}};
  model_internal::for_each_feature(text, info_.features, acc);
  acc.flush();
  finish(info_.bias, ngram_scale(info_.features, acc.count), sum, out);
  if (info_.features.meta & (kMetaShape | kMetaRules | kMetaText | kMetaAux)) {
    float meta_sum[kMaxModelLabels] = {};
    Accumulator<GenericRows> meta{weights_, row_stride_, {labels, int8, meta_sum}};
    model_internal::for_each_meta_feature(text, original, prior, info_.features, meta, aux_probs);
    meta.flush();
    for (std::size_t k = 0; k < labels; ++k) out[k] += meta_sum[k];
  }
}

void Model::calibrate(float* v) const {
  const std::size_t labels = label_count();
  const float inv_t = 1.0f / info_.temperature;
  const std::vector<float>& shift = info_.calibration_shift;
  for (std::size_t k = 0; k < labels; ++k) v[k] = v[k] * inv_t + (shift.empty() ? 0.0f : shift[k]);
  if (info_.head == ModelHead::kMultiLabel) {
    for (std::size_t k = 0; k < labels; ++k) v[k] = 1.0f / (1.0f + std::exp(-v[k]));
    return;
  }
  float max = v[0];
  for (std::size_t k = 1; k < labels; ++k) max = std::max(max, v[k]);
  float total = 0.0f;
  for (std::size_t k = 0; k < labels; ++k) {
    v[k] = std::exp(v[k] - max);
    total += v[k];
  }
  for (std::size_t k = 0; k < labels; ++k) v[k] /= total;
}

void Model::predict(const NormalizedText& text, std::string_view original,
                    std::span<const Finding> prior, float* out) const {
  logits(text, original, prior, out);
  calibrate(out);
}

void Model::bucket_weights(std::uint32_t bucket, float* out) const {
  const unsigned char* row = weights_ + static_cast<std::size_t>(bucket) * row_stride_;
  const std::size_t labels = label_count();
  if (info_.format == WeightFormat::kFloat32) {
    std::memcpy(out, row, 4 * labels);
    return;
  }
  float scale;
  std::memcpy(&scale, row, 4);
  const auto* q = reinterpret_cast<const std::int8_t*>(row + 4);
  for (std::size_t k = 0; k < labels; ++k) out[k] = scale * static_cast<float>(q[k]);
}

void extract_features(const NormalizedText& text, const FeatureConfig& config,
                      std::vector<std::uint32_t>& out) {
  auto push = [&out](std::uint32_t bucket) { out.push_back(bucket); };
  model_internal::for_each_feature(text, config, push);
}

void extract_meta_features(const NormalizedText& text, std::string_view original,
                           std::span<const Finding> prior, const FeatureConfig& config,
                           std::vector<std::uint32_t>& out, std::span<const float> aux_probs) {
  auto push = [&out](std::uint32_t bucket) { out.push_back(bucket); };
  model_internal::for_each_meta_feature(text, original, prior, config, push, aux_probs);
}

}  // namespace tincay
