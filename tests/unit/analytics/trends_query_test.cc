// The query side of trends at scale: streamed reads give the same report as whole reads, the
// order cells arrive in does not matter, no alarm is lost to the burst pre-filter, burst z-scores
// match a plain recomputation, and the PNG chart (tincay/analytics.h).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "tincay/analytics.h"
#include "tincay/store.h"

#include "tests/support/trend_stream.h"

namespace tincay {
namespace {

constexpr std::int64_t kStart = 1790812800;  // 2026-10-01T00:00:00Z

// Rollup cells of a 5-day synthetic stream with two injected bursts (tests/support).
const std::vector<TrendCell>& stream_cells() {
  static const std::vector<TrendCell> cells = [] {
    testing::StreamOptions o;
    o.start = kStart;
    o.days = 5;
    o.posts_per_day = 1200;
    o.authors = 20000;
    o.topics = 8;
    o.filler_syllables = 60;
    o.topic_drift = 0.3;
    o.seed = 3;
    for (int i = 0; i < 2; ++i) {
      testing::InjectedBurst b;
      b.phrases = {"sukien" + std::to_string(i) + " a", "sukien" + std::to_string(i) + " b"};
      b.start = kStart + (2 + i) * 86400 + (5 + 7 * i) * 3600;
      b.duration = 8 * 3600;
      b.posts_per_hour = 30;
      o.bursts.push_back(b);
    }
    TrendCellBuffer buffer;
    testing::generate_stream(o, [&](const TrendPost& p) { buffer.add(p); });
    return buffer.take();
  }();
  return cells;
}

// Reads `cells` as a store would, handing each read's cells over sorted by (dim, bucket, key)
// like SQLite, or shuffled.
TrendCellStream stream_of(const std::vector<TrendCell>& cells, bool shuffled) {
  return [&cells, shuffled](const TrendCellQuery& q, const TrendCellVisitor& each) -> Status {
    const std::set<std::string> keys(q.keys.begin(), q.keys.end());
    std::vector<TrendCell> out;
    for (const TrendCell& c : cells) {
      if (c.level != q.level || c.bucket < q.from || c.bucket >= q.to) continue;
      if (!q.dims.empty() && std::find(q.dims.begin(), q.dims.end(), c.dim) == q.dims.end()) {
        continue;
      }
      if (!keys.empty() && keys.count(c.key) == 0) continue;
      out.push_back(c);
    }
    if (q.sum_over_buckets) {
      std::map<std::pair<TrendDim, std::string>, TrendCell> sums;
      for (const TrendCell& c : out) {
        TrendCell& s = sums[{c.dim, c.key}];
        s.level = c.level;
        s.dim = c.dim;
        s.key = c.key;
        s.bucket = q.from;
        s.posts += c.posts;
        s.authors_lower = std::max(s.authors_lower, c.authors_lower);
      }
      out.clear();
      for (auto& [key, c] : sums) out.push_back(std::move(c));
      std::stable_sort(out.begin(), out.end(),
                       [](const TrendCell& a, const TrendCell& b) { return a.posts > b.posts; });
      if (q.limit != 0 && out.size() > q.limit) out.resize(q.limit);
    } else if (shuffled) {
      std::mt19937 rng(static_cast<std::uint32_t>(out.size()));
      std::shuffle(out.begin(), out.end(), rng);
    } else {
      std::sort(out.begin(), out.end(), [](const TrendCell& a, const TrendCell& b) {
        return std::tie(a.dim, a.bucket, a.key) < std::tie(b.dim, b.bucket, b.key);
      });
    }
    for (const TrendCell& c : out) TINCAY_TRY(each(c));
    return ok_status();
  };
}

TrendsOptions hour_options() {
  TrendsOptions o;
  o.bucket = TrendLevel::kHour;
  o.from = kStart + 2 * 86400;
  o.to = kStart + 5 * 86400;
  o.max_emerging = 100000;
  return o;
}

TEST(TrendsQuery, ShuffledCellsGiveTheSameReportAsSortedOnes) {
  {
    const TrendsOptions o = hour_options();
    auto sorted = compute_trends(stream_of(stream_cells(), false), o);
    auto shuffled = compute_trends(stream_of(stream_cells(), true), o);
    ASSERT_TRUE(sorted) << sorted.error().to_string();
    ASSERT_TRUE(shuffled) << shuffled.error().to_string();
    EXPECT_FALSE(sorted->topics.empty());
    EXPECT_EQ(trends_to_json(*sorted), trends_to_json(*shuffled));
  }
}

// Every in-range alarm of every phrase, found by running detect_bursts on each phrase's series
// built straight from the cells: the report must hold exactly these (none lost to pre-filters).
TEST(TrendsQuery, ReportsEveryAlarmThatBurstDetectionRaisesOnAnyPhrase) {
  const TrendsOptions o = hour_options();
  const std::size_t w = 48;
  const std::int64_t first = o.from - static_cast<std::int64_t>(w) * 3600;
  const auto n = static_cast<std::size_t>((o.to - first) / 3600);
  std::vector<std::int64_t> totals(n, 0);
  std::map<std::string, std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>>> series;
  for (const TrendCell& c : stream_cells()) {
    if (c.level != TrendLevel::kHour || c.bucket < first || c.bucket >= o.to) continue;
    const auto b = static_cast<std::size_t>((c.bucket - first) / 3600);
    if (c.dim == TrendDim::kPlatform) totals[b] += c.posts;
    if (c.dim != TrendDim::kPhrase) continue;
    auto& [posts, lower] = series[c.key];
    posts.resize(n, 0);
    lower.resize(n, 0);
    posts[b] += c.posts;
    lower[b] = std::max(lower[b], c.authors_lower);
  }
  BurstOptions bo = o.burst;
  bo.baseline = w;
  std::set<std::tuple<std::string, std::int64_t, std::int64_t>> expected;
  for (const auto& [phrase, s] : series) {
    for (const Burst& b : detect_bursts(s.first, bo, &totals)) {
      if (b.alarm < w || s.second[b.alarm] < static_cast<std::int64_t>(o.k)) continue;
      expected.emplace(phrase, first + static_cast<std::int64_t>(b.start) * 3600,
                       first + static_cast<std::int64_t>(b.alarm + 1) * 3600);
    }
  }
  auto report = compute_trends(stream_of(stream_cells(), false), o);
  ASSERT_TRUE(report) << report.error().to_string();
  std::set<std::tuple<std::string, std::int64_t, std::int64_t>> reported;
  for (const EmergingIssue& e : report->emerging) {
    reported.emplace(e.phrase, e.started_at, e.detected_at);
  }
  EXPECT_EQ(reported, expected);
  // The injected bursts are among them: the comparison is not between two empty sets.
  EXPECT_TRUE(std::any_of(expected.begin(), expected.end(),
                          [](const auto& e) { return std::get<0>(e).rfind("sukien", 0) == 0; }));
}

TEST(TrendsQuery, StreamedStoreReadsGiveTheSameReportAsWholeReads) {
  const auto dir = std::filesystem::temp_directory_path() / "tincay-trends-query-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    auto store = open_sqlite_store((dir / "t.db").string());
    ASSERT_TRUE(store) << store.error().to_string();
    ASSERT_TRUE((*store)->add_trend_cells(stream_cells()));
    Store& s = **store;
    for (const TrendLevel level : {TrendLevel::kHour, TrendLevel::kDay}) {
      TrendsOptions o = hour_options();
      o.bucket = level;
      auto whole = compute_trends([&](const TrendCellQuery& q) { return s.trend_cells(q); }, o);
      auto streamed =
          compute_trends([&](const TrendCellQuery& q,
                             const TrendCellVisitor& each) { return s.visit_trend_cells(q, each); },
                         o);
      ASSERT_TRUE(whole) << whole.error().to_string();
      ASSERT_TRUE(streamed) << streamed.error().to_string();
      EXPECT_FALSE(streamed->emerging.empty());
      EXPECT_EQ(trends_to_json(*whole), trends_to_json(*streamed));
    }
    // An error from the visitor stops the read and comes back.
    TrendCellQuery q;
    q.level = TrendLevel::kHour;
    q.from = kStart;
    q.to = kStart + 86400;
    std::size_t seen = 0;
    const Status stopped = s.visit_trend_cells(q, [&seen](const TrendCell&) -> Status {
      ++seen;
      return make_error(ErrorCode::kInternal, "enough");
    });
    EXPECT_FALSE(stopped);
    EXPECT_EQ(seen, 1u);
  }
  std::filesystem::remove_all(dir);
}

// Burst detection as first written (the baseline window a deque, mean and variance recomputed
// from it at every bucket); the z-scores of detect_bursts must match it to the last bit.
std::vector<Burst> reference_bursts(const std::vector<std::int64_t>& counts, const BurstOptions& o,
                                    const std::vector<std::int64_t>& totals) {
  const std::size_t window = o.baseline;
  const std::size_t min_history = std::max<std::size_t>(3, window / 4);
  auto volume = [&](std::size_t t) { return std::max(1.0, static_cast<double>(totals[t])); };
  std::vector<Burst> bursts;
  std::deque<double> history;
  std::vector<double> z_of(counts.size(), 0.0);
  bool in_burst = false;
  Burst current;
  double frozen_mean = 0.0, frozen_var = 0.0;
  std::size_t last_end = 0;
  auto z_score = [&](std::size_t t, double mean, double var) {
    const double v = volume(t);
    const double expected = mean * v;
    const double spread = std::max(var * v * v, expected);
    return std::pair{(static_cast<double>(counts[t]) - expected) / std::sqrt(spread + 1.0),
                     expected};
  };
  for (std::size_t t = 0; t < counts.size(); ++t) {
    const auto x = static_cast<double>(counts[t]);
    if (in_burst) {
      const double z = z_score(t, frozen_mean, frozen_var).first;
      z_of[t] = z;
      if (z >= o.z_start) {
        current.posts += counts[t];
        if (z > current.z) {
          current.z = z;
          current.peak = t;
        }
        continue;
      }
      current.end = t;
      bursts.push_back(current);
      last_end = t;
      in_burst = false;
    }
    double mean = 0.0, var = 0.0;
    for (const double h : history) mean += h;
    if (!history.empty()) mean /= static_cast<double>(history.size());
    for (const double h : history) var += (h - mean) * (h - mean);
    if (history.size() > 1) var /= static_cast<double>(history.size() - 1);
    const bool has_baseline = history.size() >= min_history;
    const auto [z, expected] = has_baseline ? z_score(t, mean, var) : std::pair{0.0, 0.0};
    z_of[t] = z;
    if (has_baseline && z >= o.z_alarm && counts[t] >= o.min_posts &&
        x >= o.min_ratio * (expected + 1.0)) {
      in_burst = true;
      current = Burst{};
      current.alarm = current.peak = t;
      current.z = z;
      current.baseline = expected;
      std::size_t start = t;
      while (start > last_end && z_of[start - 1] >= o.z_start) --start;
      current.start = start;
      for (std::size_t s = start; s <= t; ++s) current.posts += counts[s];
      frozen_mean = mean;
      frozen_var = var;
      continue;
    }
    history.push_back(x / volume(t));
    if (history.size() > window) history.pop_front();
  }
  if (in_burst) {
    current.end = counts.size();
    bursts.push_back(current);
  }
  return bursts;
}

TEST(Bursts, MatchAPlainRecomputationOfTheBaselineToTheLastBit) {
  std::mt19937 rng(19);
  std::size_t compared = 0;
  for (int series = 0; series < 60; ++series) {
    const std::size_t n = 100 + static_cast<std::size_t>(rng() % 400);
    std::vector<std::int64_t> counts(n), totals(n);
    std::poisson_distribution<int> base(1.0 + static_cast<double>(rng() % 40));
    for (std::size_t t = 0; t < n; ++t) {
      totals[t] = 500 + static_cast<std::int64_t>(rng() % 1000);
      counts[t] = base(rng);
      if (rng() % 50 == 0) {  // a burst of a few buckets
        for (std::size_t s = t; s < std::min(n, t + 1 + rng() % 6); ++s)
          counts[s] += 30 + rng() % 60;
      }
    }
    BurstOptions o;
    o.baseline = 6 + static_cast<std::size_t>(rng() % 60);
    const auto got = detect_bursts(counts, o, &totals);
    const auto want = reference_bursts(counts, o, totals);
    ASSERT_EQ(got.size(), want.size()) << "series " << series;
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].start, want[i].start);
      EXPECT_EQ(got[i].alarm, want[i].alarm);
      EXPECT_EQ(got[i].peak, want[i].peak);
      EXPECT_EQ(got[i].end, want[i].end);
      EXPECT_EQ(got[i].posts, want[i].posts);
      EXPECT_EQ(std::memcmp(&got[i].z, &want[i].z, sizeof(double)), 0) << got[i].z;
      EXPECT_EQ(std::memcmp(&got[i].baseline, &want[i].baseline, sizeof(double)), 0);
      ++compared;
    }
  }
  EXPECT_GT(compared, 20u);  // enough bursts were compared
}

std::uint32_t big_endian(const std::string& bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(bytes[at + i]);
  return v;
}

TEST(Plot, PngIsAValidImageOfTheChartsSize) {
  TrendsOptions o = hour_options();
  o.bucket = TrendLevel::kDay;
  auto report = compute_trends(stream_of(stream_cells(), false), o);
  ASSERT_TRUE(report) << report.error().to_string();
  auto png = trends_to_png(*report);
  ASSERT_TRUE(png) << png.error().to_string();
  ASSERT_GT(png->size(), 33u);
  EXPECT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png->substr(12, 4), "IHDR");
  EXPECT_EQ(big_endian(*png, 16), 960u);  // the SVG's width and height
  EXPECT_EQ(big_endian(*png, 20), 630u);
  EXPECT_EQ(png->substr(png->size() - 8, 4), "IEND");
}

TEST(Plot, PngChangesWithTheData) {
  TrendsOptions o = hour_options();
  auto full = compute_trends(stream_of(stream_cells(), false), o);
  ASSERT_TRUE(full) << full.error().to_string();
  std::vector<TrendCell> fewer;
  for (const TrendCell& c : stream_cells()) {
    if (c.dim != TrendDim::kPlatform || c.key == "facebook") fewer.push_back(c);
  }
  auto reduced = compute_trends(stream_of(fewer, false), o);
  ASSERT_TRUE(reduced) << reduced.error().to_string();
  auto a = trends_to_png(*full);
  auto b = trends_to_png(*reduced);
  auto again = trends_to_png(*full);
  ASSERT_TRUE(a && b && again);
  EXPECT_NE(*a, *b);      // one platform instead of five
  EXPECT_EQ(*a, *again);  // and the same report draws the same image
  TrendsReport empty;
  empty.options = o;
  auto blank = trends_to_png(empty);  // no buckets at all still draws axes
  ASSERT_TRUE(blank) << blank.error().to_string();
  EXPECT_NE(*blank, *a);
}

TEST(Plot, AMissingFontIsAnErrorNamingTheFile) {
  TrendsReport empty;
  auto png = trends_to_png(empty, "/nonexistent/tincay-font.ttf");
  ASSERT_FALSE(png);
  EXPECT_EQ(png.error().code, ErrorCode::kNotFound);
  EXPECT_NE(png.error().to_string().find("/nonexistent/tincay-font.ttf"), std::string::npos);
}

}  // namespace
}  // namespace tincay
