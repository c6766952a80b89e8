// TrendCellBuffer against a plain reference aggregation (tincay/core/trends.h): random posts,
// several flushes of one buffer, cells past the exact author cap and groups past their cell cap.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "tincay/core/trends.h"

namespace tincay {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::array<std::string_view, 4> kPlatforms = {"", "facebook", "tiktok", "youtube"};
constexpr std::array<std::string_view, 4> kEmotions = {"", "Anger", "Joy", "Sadness\tx"};
constexpr std::array<std::string_view, 4> kCategories = {"scam", "hate", "spam", "self_harm"};

std::string joined(std::string_view a, std::string_view b) {
  std::string out(a);
  out.append(1, '\t').append(b);
  return out;
}

// The documented cells of a post, summed in ordered maps of exact author sets.
class ReferenceBuffer {
 public:
  void add(const TrendPost& p) {
    for (const TrendLevel level : {TrendLevel::kHour, TrendLevel::kDay}) {
      const std::int64_t bucket = trend_bucket_start(level, p.created_unix);
      bump(level, bucket, TrendDim::kPlatform, p.platform, p);
      for (const std::string& c : p.categories) bump(level, bucket, TrendDim::kCategory, c, p);
      if (!p.emotion.empty()) bump(level, bucket, TrendDim::kEmotion, p.emotion, p);
      for (const std::string& ph : p.phrases) bump(level, bucket, TrendDim::kPhrase, ph, p);
    }
    const std::int64_t day = trend_bucket_start(TrendLevel::kDay, p.created_unix);
    for (const std::string& s : p.syllables) bump(TrendLevel::kDay, day, TrendDim::kSyllable, s, p);
    for (const std::string& pair : p.pairs) bump(TrendLevel::kDay, day, TrendDim::kPair, pair, p);
    for (const std::string& ph : p.phrases) {
      if (!p.emotion.empty()) {
        bump(TrendLevel::kDay, day, TrendDim::kPhraseEmotion, joined(ph, p.emotion), p);
      }
      for (const std::string& c : p.categories) {
        bump(TrendLevel::kDay, day, TrendDim::kPhraseCategory, joined(ph, c), p);
      }
    }
  }

  std::size_t cells() const { return cells_.size(); }

  // All cells, ordered as take() promises, each capped group cut to its cap.
  std::vector<TrendCell> take(std::mt19937_64& rng) {
    std::vector<TrendCell> all;
    for (const auto& [k, v] : cells_) {
      TrendCell c;
      c.level = std::get<0>(k);
      c.dim = std::get<1>(k);
      c.bucket = std::get<2>(k);
      c.key = std::get<3>(k);
      c.posts = v.posts;
      std::vector<std::uint32_t> authors(v.authors.begin(), v.authors.end());
      std::shuffle(authors.begin(), authors.end(), rng);  // a sketch is the set, not the order
      for (const std::uint32_t a : authors) c.authors.add(a);
      c.authors_lower = static_cast<std::int64_t>(c.authors.lower_bound());
      all.push_back(std::move(c));
    }
    cells_.clear();
    std::stable_sort(all.begin(), all.end(), [](const TrendCell& a, const TrendCell& b) {
      return std::tie(a.level, a.dim, a.bucket) < std::tie(b.level, b.dim, b.bucket);
    });
    std::vector<TrendCell> out;
    for (std::size_t begin = 0; begin < all.size();) {
      std::size_t end = begin;
      while (end < all.size() && all[end].level == all[begin].level &&
             all[end].dim == all[begin].dim && all[end].bucket == all[begin].bucket) {
        ++end;
      }
      std::sort(all.begin() + static_cast<std::ptrdiff_t>(begin),
                all.begin() + static_cast<std::ptrdiff_t>(end),
                [](const TrendCell& a, const TrendCell& b) {
                  return a.posts != b.posts ? a.posts > b.posts : a.key < b.key;
                });
      const std::size_t cap = trend_cell_cap(all[begin].level, all[begin].dim);
      const std::size_t keep = cap == 0 ? end - begin : std::min(cap, end - begin);
      for (std::size_t i = begin; i < begin + keep; ++i) out.push_back(std::move(all[i]));
      begin = end;
    }
    return out;
  }

 private:
  struct Value {
    std::int64_t posts = 0;
    std::set<std::uint32_t> authors;
  };
  void bump(TrendLevel level, std::int64_t bucket, TrendDim dim, const std::string& key,
            const TrendPost& p) {
    Value& v = cells_[{level, dim, bucket, key}];
    ++v.posts;
    if (p.has_author) v.authors.insert(p.author);
  }
  std::map<std::tuple<TrendLevel, TrendDim, std::int64_t, std::string>, Value> cells_;
};

// Random posts over a small vocabulary (so cells repeat) with keys of 0 to ~30 bytes, a few
// holding tabs, and a pool of authors large enough to push busy cells past kExactCap.
class PostGenerator {
 public:
  explicit PostGenerator(std::uint64_t seed) : rng_(seed) {}

  std::string word(std::size_t vocabulary) {
    const std::size_t n = pick(vocabulary);
    std::string w = "w" + std::to_string(n);
    if (n % 7 == 0) w += "ươngđường";  // longer UTF-8 keys cross the 8-byte hash steps
    if (n % 97 == 0) w += "\tx";       // a tab inside a piece of a joined key
    return w;
  }

  TrendPost post(std::int64_t start, std::int64_t span, std::size_t vocabulary) {
    TrendPost p;
    p.created_unix = start + static_cast<std::int64_t>(pick(static_cast<std::size_t>(span)));
    p.platform = kPlatforms[pick(kPlatforms.size())];
    p.emotion = kEmotions[pick(kEmotions.size())];
    p.has_author = pick(10) != 0;
    if (p.has_author) p.author = static_cast<std::uint32_t>(pick(300) * 2654435761u);
    for (std::size_t i = pick(3); i > 0; --i)
      p.categories.emplace_back(kCategories[pick(kCategories.size())]);
    for (std::size_t i = pick(9); i > 0; --i) {
      std::string phrase = word(vocabulary);
      phrase.append(1, ' ').append(word(vocabulary));
      p.phrases.push_back(std::move(phrase));
    }
    for (std::size_t i = pick(6); i > 0; --i) p.syllables.push_back(word(vocabulary));
    for (std::size_t i = 0; i + 1 < p.phrases.size() && i < 4; ++i) {
      p.pairs.push_back(joined(std::min(p.phrases[i], p.phrases[i + 1]),
                               std::max(p.phrases[i], p.phrases[i + 1])));
    }
    return p;
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }
  std::mt19937_64 rng_;
};

void expect_same_cells(const std::vector<TrendCell>& got, const std::vector<TrendCell>& want,
                       std::int64_t round) {
  ASSERT_EQ(got.size(), want.size()) << "round " << round;
  std::size_t hyperloglog = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const TrendCell& g = got[i];
    const TrendCell& w = want[i];
    ASSERT_EQ(g.level, w.level) << "round " << round << " cell " << i;
    ASSERT_EQ(g.dim, w.dim) << "round " << round << " cell " << i;
    ASSERT_EQ(g.bucket, w.bucket) << "round " << round << " cell " << i;
    ASSERT_EQ(g.key, w.key) << "round " << round << " cell " << i;
    ASSERT_EQ(g.posts, w.posts) << "round " << round << " key " << w.key;
    ASSERT_EQ(g.authors_lower, w.authors_lower) << "round " << round << " key " << w.key;
    ASSERT_EQ(g.authors.serialize(), w.authors.serialize()) << "round " << round << " " << w.key;
    if (!w.authors.exact()) ++hyperloglog;
  }
  EXPECT_GT(hyperloglog, 0u) << "round " << round << ": no cell reached HyperLogLog mode";
}

TEST(TrendCellBuffer, TakeEqualsAReferenceAggregationOverFlushes) {
  PostGenerator gen(20261123);
  TrendCellBuffer buffer;
  constexpr std::int64_t kStart = 1790812800;  // a UTC midnight
  // Rounds of different sizes through the same buffer; round 2 crowds one hour with more
  // distinct phrases than the hour phrase cap (1,500), so the cap and its tie order count.
  const struct {
    std::size_t posts;
    std::int64_t span;
    std::size_t vocabulary;
  } rounds[] = {{1500, 3 * kDay, 400}, {600, kDay, 60}, {900, 3600, 4000}, {1200, 2 * kDay, 300}};
  for (std::int64_t round = 0; round < 4; ++round) {
    ReferenceBuffer reference;
    for (std::size_t i = 0; i < rounds[round].posts; ++i) {
      const TrendPost p =
          gen.post(kStart + round * kDay, rounds[round].span, rounds[round].vocabulary);
      buffer.add(p);
      reference.add(p);
    }
    EXPECT_EQ(buffer.posts(), rounds[round].posts);
    EXPECT_EQ(buffer.cells(), reference.cells()) << "round " << round;
    const std::vector<TrendCell> want = reference.take(gen.rng());
    expect_same_cells(buffer.take(), want, round);
    EXPECT_EQ(buffer.posts(), 0u);
    EXPECT_EQ(buffer.cells(), 0u);
    if (round == 2) {
      const std::size_t hour_phrases =
          static_cast<std::size_t>(std::count_if(want.begin(), want.end(), [](const TrendCell& c) {
            return c.level == TrendLevel::kHour && c.dim == TrendDim::kPhrase;
          }));
      EXPECT_EQ(hour_phrases, trend_cell_cap(TrendLevel::kHour, TrendDim::kPhrase));
    }
  }
  EXPECT_TRUE(buffer.take().empty());
}

// A joined key is its bytes: "a\tb" + "c" and "a" + "b\tc" are one phrase-emotion cell, as if
// the key string had been built.
TEST(TrendCellBuffer, JoinedKeysWithTabsAreOneCellWhateverTheSplit) {
  TrendCellBuffer buffer;
  TrendPost p;
  p.created_unix = 1790812800;
  p.has_author = true;
  p.author = 1;
  p.phrases = {"a\tb"};
  p.emotion = "c";
  buffer.add(p);
  p.author = 2;
  p.phrases = {"a"};
  p.emotion = "b\tc";
  buffer.add(p);
  int joined = 0;
  for (const TrendCell& c : buffer.take()) {
    if (c.dim != TrendDim::kPhraseEmotion) continue;
    ++joined;
    EXPECT_EQ(c.key, "a\tb\tc");
    EXPECT_EQ(c.posts, 2);
    EXPECT_EQ(c.authors.estimate(), 2u);
  }
  EXPECT_EQ(joined, 1);
}

}  // namespace
}  // namespace tincay
