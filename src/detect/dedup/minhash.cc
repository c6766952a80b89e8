// MinHash over byte shingles of the dedup key, with multiply-shift hash functions.
#include <algorithm>
#include <limits>

#include "tincay/dedup.h"

#include "src/detect/dedup/text_features.h"

namespace tincay {

std::string dedup_key(const NormalizedText& text) {
  std::vector<ByteSpan> words;
  features::word_spans(text.shadow, words);
  std::string key;
  key.reserve(text.shadow.size());
  for (const ByteSpan& w : words) {
    if (!key.empty()) key.push_back(' ');
    key.append(text.shadow, w.begin, w.end - w.begin);
  }
  return key;
}

MinHasher::MinHasher(const MinHashOptions& options) : options_(options) {
  if (options_.shingle_bytes == 0) options_.shingle_bytes = 1;
  if (options_.bands == 0) options_.bands = 1;
  if (options_.rows == 0) options_.rows = 1;
  std::uint64_t state = options_.seed;
  for (std::size_t i = 0; i < size(); ++i) {
    state = features::mix64(state);
    mul_.push_back(state | 1);  // odd, so the map is a bijection on 64-bit words
    state = features::mix64(state);
    add_.push_back(state);
  }
}

std::vector<std::uint32_t> MinHasher::signature(std::string_view key) const {
  std::vector<std::uint32_t> sig;
  if (key.empty()) return sig;
  sig.assign(size(), std::numeric_limits<std::uint32_t>::max());
  const std::size_t k = std::min(options_.shingle_bytes, key.size());
  for (std::size_t i = 0; i + k <= key.size(); ++i) {
    const std::uint64_t h = features::hash_bytes(key.substr(i, k));
    for (std::size_t j = 0; j < sig.size(); ++j) {
      // Multiply-shift: the high 32 bits of a*h+b are a 2-universal hash of h.
      const auto v = static_cast<std::uint32_t>((mul_[j] * h + add_[j]) >> 32);
      sig[j] = std::min(sig[j], v);
    }
  }
  return sig;
}

double MinHasher::similarity(const std::vector<std::uint32_t>& a,
                             const std::vector<std::uint32_t>& b) {
  if (a.empty() || a.size() != b.size()) return 0.0;
  std::size_t same = 0;
  for (std::size_t i = 0; i < a.size(); ++i) same += a[i] == b[i] ? 1 : 0;
  return static_cast<double>(same) / static_cast<double>(a.size());
}

std::uint64_t MinHasher::band_key(const std::vector<std::uint32_t>& signature,
                                  std::size_t band) const {
  std::uint64_t h = features::mix64(band + 1);
  for (std::size_t r = 0; r < options_.rows; ++r) {
    h = features::mix64(h ^ signature[band * options_.rows + r]);
  }
  return h;
}

}  // namespace tincay
