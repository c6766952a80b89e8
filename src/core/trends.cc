// Author sketches and the in-memory rollup buffer (tincay/core/trends.h).
#include "tincay/core/trends.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <utility>

namespace tincay {
namespace {

// The splitmix64 finalizer: every input bit affects every output bit.
std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

std::uint32_t mix32(std::uint64_t x) {
  x = mix64(x);
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
  const double m = static_cast<double>(kRegisters);  // HyperLogLog's m
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

namespace {

// Eight bytes from `p` (any alignment); a fixed-size memcpy compiles to one load.
std::uint64_t load64(const char* p) {
  std::uint64_t v = 0;
  std::memcpy(&v, p, 8);
  return v;
}

std::uint32_t load32(const char* p) {
  std::uint32_t v = 0;
  std::memcpy(&v, p, 4);
  return v;
}

// A 64-bit hash of a cell key's bytes, eight at a time (keys are short; the last word overlaps
// the one before it, and the length is mixed in first). Only the buffer's table uses it:
// nothing stored depends on its values.
std::uint64_t hash_bytes(std::string_view s) {
  const char* p = s.data();
  const std::size_t n = s.size();
  std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0xff51afd7ed558ccdULL);
  const auto step = [&h](std::uint64_t v) {
    h = (h ^ v) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 29;
  };
  if (n >= 8) {
    std::size_t i = 0;
    for (; i + 8 < n; i += 8) step(load64(p + i));
    step(load64(p + n - 8));
  } else if (n >= 4) {
    step(load32(p) | static_cast<std::uint64_t>(load32(p + n - 4)) << 32);
  } else if (n > 0) {
    step(static_cast<unsigned char>(p[0]) | static_cast<unsigned char>(p[n / 2]) << 8 |
         static_cast<unsigned char>(p[n - 1]) << 16);
  }
  return mix64(h);
}

// Whether a[0, n) == b[0, n), eight bytes at a time (keys are short: no call to memcmp).
bool same_bytes(const char* a, const char* b, std::size_t n) {
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (load64(a + i) != load64(b + i)) return false;
    }
    return load64(a + n - 8) == load64(b + n - 8);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// The hash of the key first + '\t' + second from the pieces' hashes. Consistent with hashing
// the joined bytes whenever neither piece holds a tab: such a key has exactly one tab, so its
// pieces are determined by its bytes. add() joins keys whose pieces hold tabs and hashes them
// whole, so equal keys always get equal hashes.
std::uint64_t joined_hash(std::uint64_t first, std::uint64_t second) {
  return mix64(first + 0x632be59bd9b4e019ULL * (second ^ (second >> 32)) + 1);
}

}  // namespace

void TrendCellBuffer::grow() {
  const std::size_t size = slots_.empty() ? 1024 : slots_.size() * 2;
  slots_.assign(size, 0);
  const std::size_t mask = size - 1;
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    std::size_t at = cells_[i].hash & mask;
    while (slots_[at] != 0) at = (at + 1) & mask;
    slots_[at] = (cells_[i].hash & 0xffffffff00000000ULL) | (i + 1);
  }
}

void TrendCellBuffer::bump(TrendLevel level, std::int64_t bucket, TrendDim dim,
                           const KeyPieces& key, std::uint64_t key_hash, const TrendPost& post) {
  // The cell's hash: the key's, salted by where the cell lives.
  const std::uint64_t where =
      static_cast<std::uint64_t>(bucket) * 0x9e3779b97f4a7c15ULL +
      (static_cast<std::uint64_t>(level) << 8 | static_cast<std::uint64_t>(dim));
  const std::uint64_t hash = mix64(key_hash ^ mix64(where));
  const std::uint64_t tag = hash & 0xffffffff00000000ULL;
  const std::size_t key_size = key.size();
  const std::size_t mask = slots_.size() - 1;
  std::size_t at = hash & mask;
  Cell* cell = nullptr;
  for (;; at = (at + 1) & mask) {
    const std::uint64_t slot = slots_[at];
    if (slot == 0) break;
    if ((slot & 0xffffffff00000000ULL) != tag) continue;
    Cell& c = cells_[(slot & 0xffffffffULL) - 1];
    if (c.hash != hash || c.bucket != bucket || c.level != level || c.dim != dim ||
        c.key_size != key_size) {
      continue;
    }
    const char* bytes = arena_.data() + c.key_offset;
    if (!same_bytes(key.first.data(), bytes, key.first.size())) continue;
    if (key.joined &&
        (bytes[key.first.size()] != '\t' ||
         !same_bytes(key.second.data(), bytes + key.first.size() + 1, key.second.size()))) {
      continue;
    }
    cell = &c;
    break;
  }
  if (cell == nullptr) {
    Cell fresh;
    fresh.hash = hash;
    fresh.bucket = bucket;
    fresh.level = level;
    fresh.dim = dim;
    fresh.key_offset = arena_.size();
    fresh.key_size = static_cast<std::uint32_t>(key_size);
    arena_.append(key.first);
    if (key.joined) arena_.append(1, '\t').append(key.second);
    cells_.push_back(fresh);
    slots_[at] = tag | cells_.size();
    cell = &cells_.back();
  }
  ++cell->posts;
  if (!post.has_author) return;
  if (cell->sketch != kNoSketch) {
    sketches_[cell->sketch].add(post.author);
  } else if (!cell->has_author) {
    cell->has_author = true;
    cell->author = post.author;
  } else if (cell->author != post.author) {
    cell->sketch = static_cast<std::uint32_t>(sketches_.size());
    AuthorSketch& s = sketches_.emplace_back();
    s.add(cell->author);
    s.add(post.author);
  }
}

void TrendCellBuffer::add(const TrendPost& post) {
  ++posts_;
  // At most ~50 new cells per post plus the 1,024 of a fresh table: grow before the bumps so
  // that none of them has to, keeping the table at most half full.
  const std::size_t most = 2 * (2 + post.categories.size() + post.phrases.size()) +
                           post.syllables.size() + post.pairs.size() +
                           post.phrases.size() * (1 + post.categories.size());
  while ((cells_.size() + most) * 2 > slots_.size()) grow();

  const std::int64_t hour = trend_bucket_start(TrendLevel::kHour, post.created_unix);
  const std::int64_t day = trend_bucket_start(TrendLevel::kDay, post.created_unix);
  const auto piece = [](std::string_view text) {
    return Piece{hash_bytes(text), text.find('\t') != std::string_view::npos};
  };
  phrases_.clear();
  for (const std::string& p : post.phrases) phrases_.push_back(piece(p));
  categories_.clear();
  for (const std::string& c : post.categories) categories_.push_back(piece(c));
  const std::uint64_t platform_hash = hash_bytes(post.platform);
  const Piece emotion = piece(post.emotion);

  for (const auto& [level, bucket] :
       {std::pair{TrendLevel::kHour, hour}, std::pair{TrendLevel::kDay, day}}) {
    bump(level, bucket, TrendDim::kPlatform, KeyPieces(post.platform), platform_hash, post);
    for (std::size_t i = 0; i < post.categories.size(); ++i) {
      bump(level, bucket, TrendDim::kCategory, KeyPieces(post.categories[i]), categories_[i].hash,
           post);
    }
    if (!post.emotion.empty()) {
      bump(level, bucket, TrendDim::kEmotion, KeyPieces(post.emotion), emotion.hash, post);
    }
    for (std::size_t i = 0; i < post.phrases.size(); ++i) {
      bump(level, bucket, TrendDim::kPhrase, KeyPieces(post.phrases[i]), phrases_[i].hash, post);
    }
  }
  for (const std::string& s : post.syllables) {
    bump(TrendLevel::kDay, day, TrendDim::kSyllable, KeyPieces(s), hash_bytes(s), post);
  }
  for (const std::string& p : post.pairs) {
    bump(TrendLevel::kDay, day, TrendDim::kPair, KeyPieces(p), hash_bytes(p), post);
  }
  if (post.phrases.empty() || (post.emotion.empty() && post.categories.empty())) return;
  // Joined keys: from the pieces' hashes, unless a piece holds a tab (see joined_hash).
  std::string joined;
  const auto bump_joined = [&](TrendDim dim, std::size_t phrase, std::string_view second,
                               const Piece& second_piece) {
    const std::string& p = post.phrases[phrase];
    if (!phrases_[phrase].tab && !second_piece.tab) {
      bump(TrendLevel::kDay, day, dim, KeyPieces(p, second),
           joined_hash(phrases_[phrase].hash, second_piece.hash), post);
      return;
    }
    joined.assign(p).append(1, '\t').append(second);
    bump(TrendLevel::kDay, day, dim, KeyPieces(joined), hash_bytes(joined), post);
  };
  for (std::size_t i = 0; i < post.phrases.size(); ++i) {
    if (!post.emotion.empty()) bump_joined(TrendDim::kPhraseEmotion, i, post.emotion, emotion);
    for (std::size_t c = 0; c < post.categories.size(); ++c) {
      bump_joined(TrendDim::kPhraseCategory, i, post.categories[c], categories_[c]);
    }
  }
}

std::vector<TrendCell> TrendCellBuffer::take() {
  std::vector<TrendCell> out;
  out.reserve(cells_.size());
  for (const Cell& cell : cells_) {
    TrendCell c;
    c.level = cell.level;
    c.dim = cell.dim;
    c.bucket = cell.bucket;
    c.key.assign(arena_, cell.key_offset, cell.key_size);
    c.posts = cell.posts;
    if (cell.sketch != kNoSketch) {
      c.authors = std::move(sketches_[cell.sketch]);
    } else if (cell.has_author) {
      c.authors.add(cell.author);
    }
    c.authors_lower = static_cast<std::int64_t>(c.authors.lower_bound());
    out.push_back(std::move(c));
  }
  // Empty, keeping the capacity for the next round of posts.
  cells_.clear();
  std::fill(slots_.begin(), slots_.end(), 0);
  arena_.clear();
  sketches_.clear();
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
