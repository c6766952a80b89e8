// MinHash over byte shingles of the dedup key, with multiply-shift hash functions.
#include <algorithm>
#include <limits>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "tincay/dedup.h"

#include "src/detect/dedup/text_features.h"

namespace tincay {
namespace {

constexpr std::size_t kLanes = 8;               // hash functions per AVX2 block
constexpr std::size_t kShinglesPerChunk = 256;  // shingle hashes buffered on the stack

// The signature's inner loop, portable: for each hash function j, out[j] = min(out[j], min over
// the shingle hashes h of the high 32 bits of (a_j * h + b_j) mod 2^64). Multiply-shift: a
// 2-universal hash of h.
void fold_minima_portable(const std::uint64_t* hashes, std::size_t count, const std::uint64_t* a,
                          const std::uint64_t* b, std::size_t n, std::uint32_t* out) {
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const auto v = static_cast<std::uint32_t>((a[j] * hashes[i] + b[j]) >> 32);
      out[j] = std::min(out[j], v);
    }
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TINCAY_MINHASH_AVX2 1
// The same, bit for bit, eight functions at a time. With a = a_hi * 2^32 + a_lo and h = h_hi *
// 2^32 + h_lo, the wanted bits are the high half of (a_lo * h_lo + b) mod 2^64 plus the low half
// of a_hi * h_lo + a_lo * h_hi (the rest of the product lies above bit 63), which AVX2 computes
// with 32x32-bit multiplies. The 64-bit halves of a block come out interleaved (functions 0, 4,
// 1, 5, 2, 6, 3, 7), so the 32-bit terms and the minima use that order and are put back at the
// end. `a_lo`, `a_hi` and `b` hold `padded` (a multiple of kLanes) functions; out holds n.
__attribute__((target("avx2"))) void fold_minima_avx2(const std::uint64_t* hashes,
                                                      std::size_t count, const std::uint32_t* a_lo,
                                                      const std::uint32_t* a_hi,
                                                      const std::uint64_t* b, std::size_t n,
                                                      std::size_t padded, std::uint32_t* out) {
  constexpr std::size_t kOrder[kLanes] = {0, 4, 1, 5, 2, 6, 3, 7};
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  for (std::size_t j0 = 0; j0 < padded; j0 += kLanes) {
    const __m256i lo_first =
        _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a_lo + j0)));
    const __m256i lo_second =
        _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a_lo + j0 + 4)));
    const __m256i b_first = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + j0));
    const __m256i b_second = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + j0 + 4));
    const __m256i lo_mixed = _mm256_permutevar8x32_epi32(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a_lo + j0)), order);
    const __m256i hi_mixed = _mm256_permutevar8x32_epi32(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a_hi + j0)), order);
    alignas(32) std::uint32_t m[kLanes];
    for (std::size_t l = 0; l < kLanes; ++l) {
      const std::size_t j = j0 + kOrder[l];
      m[l] = j < n ? out[j] : std::numeric_limits<std::uint32_t>::max();
    }
    __m256i minima = _mm256_load_si256(reinterpret_cast<const __m256i*>(m));
    for (std::size_t i = 0; i < count; ++i) {
      const __m256i h_lo =
          _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(hashes[i])));
      const __m256i h_hi =
          _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(hashes[i] >> 32)));
      const __m256i low_first = _mm256_add_epi64(_mm256_mul_epu32(lo_first, h_lo), b_first);
      const __m256i low_second = _mm256_add_epi64(_mm256_mul_epu32(lo_second, h_lo), b_second);
      const __m256i high = _mm256_blend_epi32(_mm256_srli_epi64(low_first, 32), low_second, 0xAA);
      const __m256i cross =
          _mm256_add_epi32(_mm256_mullo_epi32(hi_mixed, h_lo), _mm256_mullo_epi32(lo_mixed, h_hi));
      minima = _mm256_min_epu32(minima, _mm256_add_epi32(high, cross));
    }
    _mm256_store_si256(reinterpret_cast<__m256i*>(m), minima);
    for (std::size_t l = 0; l < kLanes; ++l) {
      const std::size_t j = j0 + kOrder[l];
      if (j < n) out[j] = m[l];
    }
  }
}
#endif

}  // namespace

std::string dedup_key(const NormalizedText& text) {
  std::string key;
  std::vector<ByteSpan> words;
  dedup_key(text, key, words);
  return key;
}

void dedup_key(const NormalizedText& text, std::string& key, std::vector<ByteSpan>& words) {
  words.clear();
  features::word_spans(text.shadow, words);
  key.clear();
  key.reserve(text.shadow.size());
  for (const ByteSpan& w : words) {
    if (!key.empty()) key.push_back(' ');
    key.append(text.shadow, w.begin, w.end - w.begin);
  }
}

MinHasher::MinHasher(const MinHashOptions& options) : options_(options) {
  if (options_.shingle_bytes == 0) options_.shingle_bytes = 1;
  if (options_.bands == 0) options_.bands = 1;
  if (options_.rows == 0) options_.rows = 1;
  std::uint64_t state = options_.seed;
  for (std::size_t i = 0; i < size(); ++i) {
    state = features::mix64(state);
    const std::uint64_t mul = state | 1;  // odd, so the map is a bijection on 64-bit words
    mul_.push_back(mul);
    mul_lo_.push_back(static_cast<std::uint32_t>(mul));
    mul_hi_.push_back(static_cast<std::uint32_t>(mul >> 32));
    state = features::mix64(state);
    add_.push_back(state);
  }
  // Pad to whole blocks of lanes; the padding functions' minima are never written out.
  while (mul_lo_.size() % kLanes != 0) {
    mul_.push_back(1);
    mul_lo_.push_back(1);
    mul_hi_.push_back(0);
    add_.push_back(0);
  }
#ifdef TINCAY_MINHASH_AVX2
  avx2_ = __builtin_cpu_supports("avx2") != 0;
#endif
}

std::vector<std::uint32_t> MinHasher::signature(std::string_view key) const {
  std::vector<std::uint32_t> sig;
  if (key.empty()) return sig;
  sig.resize(size());
  signature(key, sig.data());
  return sig;
}

void MinHasher::signature(std::string_view key, std::uint32_t* out) const {
  const std::size_t n = size();
  std::fill(out, out + n, std::numeric_limits<std::uint32_t>::max());
  const std::size_t k = std::min(options_.shingle_bytes, key.size());
  const std::size_t shingles = key.size() - k + 1;
  std::uint64_t hashes[kShinglesPerChunk];
  for (std::size_t first = 0; first < shingles; first += kShinglesPerChunk) {
    const std::size_t count = std::min(kShinglesPerChunk, shingles - first);
    for (std::size_t i = 0; i < count; ++i) {
      hashes[i] = features::hash_bytes(key.substr(first + i, k));
    }
#ifdef TINCAY_MINHASH_AVX2
    if (avx2_) {
      fold_minima_avx2(hashes, count, mul_lo_.data(), mul_hi_.data(), add_.data(), n,
                       mul_lo_.size(), out);
      continue;
    }
#endif
    fold_minima_portable(hashes, count, mul_.data(), add_.data(), n, out);
  }
}

double MinHasher::similarity(const std::vector<std::uint32_t>& a,
                             const std::vector<std::uint32_t>& b) {
  if (a.empty() || a.size() != b.size()) return 0.0;
  return similarity(a.data(), b.data(), a.size());
}

double MinHasher::similarity(const std::uint32_t* a, const std::uint32_t* b, std::size_t n) {
  if (n == 0) return 0.0;
  std::size_t same = 0;
  for (std::size_t i = 0; i < n; ++i) same += a[i] == b[i] ? 1 : 0;
  return static_cast<double>(same) / static_cast<double>(n);
}

std::uint64_t MinHasher::band_key(const std::vector<std::uint32_t>& signature,
                                  std::size_t band) const {
  return band_key(signature.data(), band);
}

std::uint64_t MinHasher::band_key(const std::uint32_t* signature, std::size_t band) const {
  std::uint64_t h = features::mix64(band + 1);
  for (std::size_t r = 0; r < options_.rows; ++r) {
    h = features::mix64(h ^ signature[band * options_.rows + r]);
  }
  return h;
}

}  // namespace tincay
