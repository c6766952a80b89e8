// Author sketches and the in-memory rollup buffer (tincay/core/trends.h).
#include "tincay/core/trends.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <utility>

namespace tincay {
namespace {

std::uint32_t mix32(std::uint64_t x) {
  // splitmix64 finalizer: every input bit affects every output bit.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return static_cast<std::uint32_t>(x ^ (x >> 32));
}

}  // namespace

void AuthorSketch::add(std::uint32_t hash) {
  if (!registers_.empty()) {
    add_register(hash);
    return;
  }
  const auto at = std::lower_bound(exact_.begin(), exact_.end(), hash);
  if (at != exact_.end() && *at == hash) return;
  exact_.insert(at, hash);
  if (exact_.size() > kExactCap) {
    registers_.assign(kRegisters, 0);
    for (const std::uint32_t h : exact_) add_register(h);
    exact_.clear();
    exact_.shrink_to_fit();
  }
}

void AuthorSketch::add_register(std::uint32_t hash) {
  const std::size_t index = hash >> 24;
  const std::uint32_t rest = hash << 8;
  const auto rank = static_cast<std::uint8_t>(rest == 0 ? 25 : std::countl_zero(rest) + 1);
  if (rank > registers_[index]) registers_[index] = rank;
}

void AuthorSketch::merge(const AuthorSketch& other) {
  if (other.registers_.empty()) {
    for (const std::uint32_t h : other.exact_) add(h);
    return;
  }
  if (registers_.empty()) {
    std::vector<std::uint32_t> mine = std::move(exact_);
    exact_.clear();
    registers_ = other.registers_;
    for (const std::uint32_t h : mine) add_register(h);
    return;
  }
  for (std::size_t i = 0; i < kRegisters; ++i) {
    registers_[i] = std::max(registers_[i], other.registers_[i]);
  }
}

std::uint64_t AuthorSketch::estimate() const {
  if (registers_.empty()) return exact_.size();
  constexpr double m = static_cast<double>(kRegisters);
  const double alpha = 0.7213 / (1.0 + 1.079 / m);
  double sum = 0.0;
  std::size_t zeros = 0;
  for (const std::uint8_t r : registers_) {
    sum += std::ldexp(1.0, -static_cast<int>(r));
    if (r == 0) ++zeros;
  }
  double e = alpha * m * m / sum;
  if (e <= 2.5 * m && zeros > 0) e = m * std::log(m / static_cast<double>(zeros));
  const auto rounded = static_cast<std::uint64_t>(std::llround(e));
  return std::max<std::uint64_t>(rounded, kExactCap + 1);
}

std::uint64_t AuthorSketch::lower_bound() const {
  return registers_.empty() ? exact_.size() : kExactCap + 1;
}

std::string AuthorSketch::serialize() const {
  std::string out;
  if (!registers_.empty()) {
    out.reserve(1 + kRegisters);
    out.push_back('H');
    for (const std::uint8_t r : registers_) out.push_back(static_cast<char>(r));
    return out;
  }
  out.reserve(1 + 4 * exact_.size());
  out.push_back('E');
  for (const std::uint32_t h : exact_) {
    for (int shift = 0; shift < 32; shift += 8)
      out.push_back(static_cast<char>((h >> shift) & 0xff));
  }
  return out;
}

Result<AuthorSketch> AuthorSketch::parse(std::string_view bytes) {
  AuthorSketch s;
  if (bytes.empty()) return s;  // no authors
  const char mode = bytes[0];
  bytes.remove_prefix(1);
  if (mode == 'H') {
    if (bytes.size() != kRegisters) {
      return make_error(ErrorCode::kDatabase, "author sketch: expected 256 registers");
    }
    s.registers_.resize(kRegisters);
    for (std::size_t i = 0; i < kRegisters; ++i) {
      s.registers_[i] = static_cast<std::uint8_t>(bytes[i]);
      if (s.registers_[i] > 25) return make_error(ErrorCode::kDatabase, "author sketch: bad rank");
    }
    return s;
  }
  if (mode != 'E' || bytes.size() % 4 != 0 || bytes.size() / 4 > kExactCap) {
    return make_error(ErrorCode::kDatabase, "author sketch: malformed");
  }
  s.exact_.reserve(bytes.size() / 4);
  for (std::size_t i = 0; i < bytes.size(); i += 4) {
    std::uint32_t h = 0;
    for (std::size_t b = 0; b < 4; ++b) {
      h |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + b])) << (8 * b);
    }
    if (!s.exact_.empty() && h <= s.exact_.back()) {
      return make_error(ErrorCode::kDatabase, "author sketch: hashes not sorted");
    }
    s.exact_.push_back(h);
  }
  return s;
}

std::uint32_t author_hash(std::string_view author_key) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a, then mixed
  for (const char c : author_key) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return mix32(h);
}

std::int64_t trend_bucket_start(TrendLevel level, std::int64_t unix_seconds) {
  const std::int64_t size = trend_level_seconds(level);
  std::int64_t q = unix_seconds / size;
  if (unix_seconds % size != 0 && unix_seconds < 0) --q;  // floor, also before 1970
  return q * size;
}

std::size_t trend_cell_cap(TrendLevel level, TrendDim dim) {
  switch (dim) {
    case TrendDim::kPlatform:
    case TrendDim::kCategory:
    case TrendDim::kEmotion:
      return 0;
    case TrendDim::kPhrase:
      return level == TrendLevel::kHour ? 1500 : 5000;
    case TrendDim::kSyllable:
    case TrendDim::kPair:
      return 5000;
    case TrendDim::kPhraseEmotion:
      return 10000;
    case TrendDim::kPhraseCategory:
      return 3000;
  }
  return 0;
}

void TrendCellBuffer::bump(TrendLevel level, std::int64_t bucket, TrendDim dim,
                           std::string_view key, const TrendPost& post) {
  scratch_.clear();
  scratch_.push_back(static_cast<char>(level));
  scratch_.push_back(static_cast<char>(dim));
  for (int shift = 0; shift < 64; shift += 8) {
    scratch_.push_back(static_cast<char>((static_cast<std::uint64_t>(bucket) >> shift) & 0xff));
  }
  scratch_.append(key);
  Value& v = cells_[scratch_];
  ++v.posts;
  if (post.has_author) v.authors.add(post.author);
}

void TrendCellBuffer::add(const TrendPost& post) {
  ++posts_;
  const std::int64_t hour = trend_bucket_start(TrendLevel::kHour, post.created_unix);
  const std::int64_t day = trend_bucket_start(TrendLevel::kDay, post.created_unix);
  for (const auto& [level, bucket] :
       {std::pair{TrendLevel::kHour, hour}, std::pair{TrendLevel::kDay, day}}) {
    bump(level, bucket, TrendDim::kPlatform, post.platform, post);
    for (const std::string& c : post.categories) bump(level, bucket, TrendDim::kCategory, c, post);
    if (!post.emotion.empty()) bump(level, bucket, TrendDim::kEmotion, post.emotion, post);
    for (const std::string& p : post.phrases) bump(level, bucket, TrendDim::kPhrase, p, post);
  }
  for (const std::string& s : post.syllables)
    bump(TrendLevel::kDay, day, TrendDim::kSyllable, s, post);
  for (const std::string& p : post.pairs) bump(TrendLevel::kDay, day, TrendDim::kPair, p, post);
  std::string joined;
  for (const std::string& p : post.phrases) {
    if (!post.emotion.empty()) {
      joined.assign(p).append(1, '\t').append(post.emotion);
      bump(TrendLevel::kDay, day, TrendDim::kPhraseEmotion, joined, post);
    }
    for (const std::string& c : post.categories) {
      joined.assign(p).append(1, '\t').append(c);
      bump(TrendLevel::kDay, day, TrendDim::kPhraseCategory, joined, post);
    }
  }
}

std::vector<TrendCell> TrendCellBuffer::take() {
  std::vector<TrendCell> out;
  out.reserve(cells_.size());
  for (auto& [key, value] : cells_) {
    TrendCell c;
    c.level = static_cast<TrendLevel>(key[0]);
    c.dim = static_cast<TrendDim>(key[1]);
    std::uint64_t bucket = 0;
    for (std::size_t i = 0; i < 8; ++i) {
      bucket |= static_cast<std::uint64_t>(static_cast<unsigned char>(key[2 + i])) << (8 * i);
    }
    c.bucket = static_cast<std::int64_t>(bucket);
    c.key = key.substr(10);
    c.posts = value.posts;
    c.authors_lower = static_cast<std::int64_t>(value.authors.lower_bound());
    c.authors = std::move(value.authors);
    out.push_back(std::move(c));
  }
  cells_.clear();
  posts_ = 0;
  // Group by (level, dim, bucket), biggest first, and keep each capped group's top cells.
  std::sort(out.begin(), out.end(), [](const TrendCell& a, const TrendCell& b) {
    if (a.level != b.level) return a.level < b.level;
    if (a.dim != b.dim) return a.dim < b.dim;
    if (a.bucket != b.bucket) return a.bucket < b.bucket;
    if (a.posts != b.posts) return a.posts > b.posts;
    return a.key < b.key;
  });
  std::size_t kept = 0;
  std::size_t in_group = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const bool same = i > 0 && out[i].level == out[i - 1].level && out[i].dim == out[i - 1].dim &&
                      out[i].bucket == out[i - 1].bucket;
    in_group = same ? in_group + 1 : 0;
    const std::size_t cap = trend_cell_cap(out[i].level, out[i].dim);
    if (cap != 0 && in_group >= cap) continue;
    if (kept != i) out[kept] = std::move(out[i]);
    ++kept;
  }
  out.resize(kept);
  return out;
}

}  // namespace tincay
