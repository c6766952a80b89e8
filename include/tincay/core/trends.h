// tincay/core/trends.h — the value types of the aggregate trend rollups (docs/trends.md).
//
// A post contributes one TrendPost (its hour, platform, flagged categories, emotion and phrases;
// never its text or author key); the store adds it into TrendCells, each a count plus a sketch
// of distinct authors, so analytics can show a cell only when at least k distinct authors back it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tincay/core/result.h"

namespace tincay {

// Counts distinct authors. Exact (a sorted set of 32-bit author hashes) up to kExactCap
// authors; past that a 256-register HyperLogLog. So "at least k distinct authors" is decided
// exactly for any k <= kExactCap: in exact mode by the set's size (a hash collision can only
// undercount, which suppresses more, never less), and in HyperLogLog mode the cell is known to
// have had more than kExactCap distinct authors.
class AuthorSketch {
 public:
  static constexpr std::size_t kExactCap = 64;
  static constexpr std::size_t kRegisters = 256;

  // Adds one author, given as a uniformly distributed 32-bit hash of the author key.
  void add(std::uint32_t author_hash);
  // Adds every author of `other` (set union).
  void merge(const AuthorSketch& other);

  bool exact() const { return registers_.empty(); }
  // The number of distinct authors: exact in exact mode, else the HyperLogLog estimate (about
  // 6.5% standard error), never below kExactCap + 1.
  std::uint64_t estimate() const;
  // A lower bound on the distinct authors: the exact count, or kExactCap + 1.
  std::uint64_t lower_bound() const;
  // True when certainly at least k distinct authors were added. REQUIRES: k <= kExactCap + 1.
  bool at_least(std::size_t k) const { return lower_bound() >= k; }

  // A compact binary form (exact hashes or registers); parse() is its inverse.
  std::string serialize() const;
  static Result<AuthorSketch> parse(std::string_view bytes);

 private:
  std::vector<std::uint32_t> exact_;     // sorted, unique; empty once in HyperLogLog mode
  std::vector<std::uint8_t> registers_;  // kRegisters ranks; empty in exact mode
  void add_register(std::uint32_t hash);
};

// The hash of an author key that AuthorSketch counts (a keyed-HMAC hex string in, so any 32 of
// its bits are uniform; mixed anyway so other key formats work).
std::uint32_t author_hash(std::string_view author_key);

// Rollup granularity. Hour cells hold volumes and phrases for hourly charts and burst detection;
// day cells also hold what topic clustering needs (syllables, co-occurring pairs, per-phrase
// emotions and categories).
enum class TrendLevel : std::uint8_t { kHour = 0, kDay = 1 };

inline constexpr std::int64_t trend_level_seconds(TrendLevel level) {
  return level == TrendLevel::kHour ? 3600 : 86400;
}
// The start (UTC) of the bucket holding `unix_seconds`.
std::int64_t trend_bucket_start(TrendLevel level, std::int64_t unix_seconds);

enum class TrendDim : std::uint8_t {
  kPlatform = 0,        // key: platform ("" unknown); hour and day
  kCategory = 1,        // key: flagged category name; hour and day
  kEmotion = 2,         // key: emotion label; hour and day
  kPhrase = 3,          // key: two-syllable phrase "a b"; hour and day
  kSyllable = 4,        // key: content syllable; day only (collocation scores)
  kPair = 5,            // key: "phrase\tphrase" (sorted) co-occurring in a post; day only
  kPhraseEmotion = 6,   // key: "phrase\temotion"; day only
  kPhraseCategory = 7,  // key: "phrase\tcategory"; day only
};
inline constexpr std::size_t kTrendDimCount = 8;

// Most cells kept per (level, bucket, dim), by posts; 0 keeps all. Bounds storage and query time
// for open vocabularies; the rare tail of a bucket is dropped (docs/trends.md).
std::size_t trend_cell_cap(TrendLevel level, TrendDim dim);

// What one stored post adds to the rollups. Built by the analytics stage; holds no text and no
// author key.
struct TrendPost {
  std::int64_t created_unix = 0;
  std::string platform;
  bool has_author = false;              // posts without an author add volume but no distinct author
  std::uint32_t author = 0;             // author_hash(author_key)
  std::vector<std::string> categories;  // names of the flagged categories
  std::string emotion;                  // the emotion model's label; "" when none ran
  std::vector<std::string> phrases;     // distinct two-syllable phrases, in text order
  std::vector<std::string> syllables;   // distinct content syllables
  std::vector<std::string> pairs;       // "a\tb" co-occurring phrase pairs (a < b)
};

struct TrendCell {
  TrendLevel level = TrendLevel::kHour;
  std::int64_t bucket = 0;  // bucket start, unix seconds UTC
  TrendDim dim = TrendDim::kPlatform;
  std::string key;
  std::int64_t posts = 0;
  std::int64_t authors_lower = 0;  // authors.lower_bound(), stored so reads can skip the sketch
  AuthorSketch authors;            // empty when read with with_authors = false
};

// Accumulates TrendPosts into cells in memory until the store flushes them. A post bumps about
// 50 cells, so add() is on the server's per-post path: cells live in flat vectors found through an
// open-addressing table of 64-bit key hashes, their keys in one byte arena, and a cell's authors
// stay a single inline hash until a second distinct author arrives; nothing is allocated per bump
// once the buffers have grown, and they keep their capacity across take().
class TrendCellBuffer {
 public:
  void add(const TrendPost& post);
  std::size_t posts() const { return posts_; }
  std::size_t cells() const { return cells_.size(); }
  // Moves the accumulated cells out and empties the buffer. Of each (level, bucket, dim) group
  // with a cap (trend_cell_cap), only the `cap` cells with most posts are returned: the store
  // would prune the rest anyway, and writing them is most of the cost of a flush. Ordered by
  // (level, dim, bucket), then posts (most first), then key.
  std::vector<TrendCell> take();

 private:
  static constexpr std::uint32_t kNoSketch = 0xffffffffu;
  // A cell's key is `first`, or `first` + '\t' + `second` when `joined` (phrase x emotion, phrase
  // x category), compared and stored without building the string.
  struct KeyPieces {
    explicit KeyPieces(std::string_view whole) : first(whole) {}
    KeyPieces(std::string_view a, std::string_view b) : first(a), second(b), joined(true) {}
    std::string_view first;
    std::string_view second;
    bool joined = false;
    std::size_t size() const { return joined ? first.size() + 1 + second.size() : first.size(); }
  };
  struct Cell {
    std::uint64_t hash = 0;  // of (level, dim, bucket, key); kept for growing the table
    std::int64_t bucket = 0;
    std::int64_t posts = 0;
    std::size_t key_offset = 0;  // the key's bytes in arena_
    std::uint32_t key_size = 0;
    std::uint32_t author = 0;          // the only author so far, when has_author and no sketch
    std::uint32_t sketch = kNoSketch;  // index in sketches_ once a second distinct author came
    TrendLevel level = TrendLevel::kHour;
    TrendDim dim = TrendDim::kPlatform;
    bool has_author = false;
  };
  void bump(TrendLevel level, std::int64_t bucket, TrendDim dim, const KeyPieces& key,
            std::uint64_t key_hash, const TrendPost& post);
  void grow();

  std::vector<Cell> cells_;
  // Open addressing, linear probing, power-of-two size, at most half full. Each slot holds the
  // cell's index + 1 (0: empty) and the hash's high 32 bits, which rule out most mismatches
  // without touching the cell.
  std::vector<std::uint64_t> slots_;
  std::string arena_;
  std::vector<AuthorSketch> sketches_;
  // A key piece hashed once per post, and whether it holds a tab (see add()).
  struct Piece {
    std::uint64_t hash = 0;
    bool tab = false;
  };
  std::vector<Piece> phrases_;     // per add(): the post's phrases
  std::vector<Piece> categories_;  // and its categories
  std::size_t posts_ = 0;
};

// A rollup read: cells of `level` with bucket in [from, to) and dim in `dims` (all when empty);
// with `keys` non-empty, only cells whose key is listed.
struct TrendCellQuery {
  TrendLevel level = TrendLevel::kDay;
  std::int64_t from = 0;
  std::int64_t to = 0;
  std::vector<TrendDim> dims;
  std::vector<std::string> keys;
  bool with_authors = true;  // false leaves each cell's sketch empty (faster)
  // Sum over buckets: one cell per (dim, key) with posts summed, authors_lower the largest of
  // its cells, bucket = from and no sketch; ordered by posts (most first), at most `limit` per
  // dim (0: all). Lets the store aggregate without handing every cell over.
  bool sum_over_buckets = false;
  std::size_t limit = 0;
};

}  // namespace tincay
