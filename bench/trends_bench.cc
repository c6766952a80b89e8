// Trends over the rollups of a 10-million-post stream (docs/benchmarks.md, "Trends"): how long
// compute_trends takes to answer from SQLite, by day over 30 days and by hour over 7 and 30 days.
// The rollups are generated once into $TINCAY_TRENDS_BENCH_DB (default
// /tmp/tincay-trends-10m.db) and reused by later runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "tincay/analytics.h"
#include "tincay/store.h"

#include "tests/support/trend_stream.h"

namespace tincay {
namespace {

constexpr std::int64_t kStart = 1790812800;  // 2026-10-01T00:00:00Z
constexpr int kDays = 30;
constexpr double kPosts = 10'000'000;

// Rollup cells shaped like those of a 10M-post stream after the store's caps: per hour, volume
// per platform, emotion and category and the 1,500 most frequent phrases; per day, 5,000
// phrases, syllables and pairs, 10,000 phrase-emotion and 3,000 phrase-category cells. Counts
// follow the stream model of tests/support/trend_stream.h (daily cycle, Zipf topics, 2 million
// authors); each cell's author sketch holds min(posts, 256) random authors. Generating them cell
// by cell (not post by post) keeps the one-off setup to a minute.
Status generate(Store& store) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const char* const platforms[] = {"facebook", "zalo", "youtube", "tiktok", "forum"};
  const double platform_share[] = {0.45, 0.25, 0.12, 0.12, 0.06};
  const char* const emotions[] = {"Enjoyment", "Sadness",  "Fear", "Anger",
                                  "Disgust",   "Surprise", "Other"};
  const double emotion_share[] = {0.3, 0.14, 0.05, 0.08, 0.2, 0.05, 0.18};
  const char* const categories[] = {"scam", "spam", "profanity", "harassment", "hate"};
  const double category_share[] = {0.02, 0.03, 0.04, 0.015, 0.005};
  constexpr std::size_t kTopics = 200;
  constexpr std::size_t kPerTopic = 8;
  double zipf_sum = 0;
  for (std::size_t t = 0; t < kTopics; ++t) zipf_sum += 1.0 / static_cast<double>(t + 1);
  auto sketch_of = [&](std::int64_t posts) {
    AuthorSketch s;
    const std::int64_t n = std::min<std::int64_t>(posts, 256);
    for (std::int64_t i = 0; i < n; ++i) {
      s.add(author_hash(testing::numbered("a", static_cast<std::uint32_t>(uniform(rng) * 2e6))));
    }
    return s;
  };
  auto cell = [&](std::vector<TrendCell>& out, TrendLevel level, std::int64_t bucket, TrendDim dim,
                  std::string key, std::int64_t posts) {
    if (posts <= 0) return;
    TrendCell c;
    c.level = level;
    c.bucket = bucket;
    c.dim = dim;
    c.key = std::move(key);
    c.posts = posts;
    c.authors = sketch_of(posts);
    c.authors_lower = static_cast<std::int64_t>(c.authors.lower_bound());
    out.push_back(std::move(c));
  };
  auto poisson = [&](double mean) {
    return static_cast<std::int64_t>(std::poisson_distribution<long>(std::max(mean, 1e-9))(rng));
  };
  const double per_day = kPosts / kDays;
  for (int day = 0; day < kDays; ++day) {
    std::vector<TrendCell> cells;
    const std::int64_t day_start = kStart + day * 86400;
    std::vector<double> topic_day(kTopics * kPerTopic, 0);
    for (int h = 0; h < 24; ++h) {
      const std::int64_t hour = day_start + h * 3600;
      const double cycle = 1.0 + 0.6 * std::sin((h + 7 - 9.0) / 24.0 * 2 * 3.141592653589793);
      const double n = per_day / 24.0 * cycle;
      for (std::size_t p = 0; p < 5; ++p) {
        cell(cells, TrendLevel::kHour, hour, TrendDim::kPlatform, platforms[p],
             poisson(n * platform_share[p]));
      }
      for (std::size_t e = 0; e < 7; ++e) {
        cell(cells, TrendLevel::kHour, hour, TrendDim::kEmotion, emotions[e],
             poisson(n * emotion_share[e]));
      }
      for (std::size_t c = 0; c < 5; ++c) {
        cell(cells, TrendLevel::kHour, hour, TrendDim::kCategory, categories[c],
             poisson(n * category_share[c]));
      }
      // Two topic phrases per post: the 1,500 most frequent of the 1,600 topic phrases.
      std::size_t kept = 0;
      for (std::size_t t = 0; t < kTopics; ++t) {
        for (std::size_t j = 0; j < kPerTopic; ++j) {
          const double mean = 2.0 * n * (1.0 / static_cast<double>(t + 1)) / zipf_sum / kPerTopic;
          const std::int64_t c = poisson(mean);
          topic_day[t * kPerTopic + j] += static_cast<double>(c);
          if (kept++ < 1500) {
            cell(cells, TrendLevel::kHour, hour, TrendDim::kPhrase, testing::topic_phrase(t, j), c);
          }
        }
      }
    }
    // Day cells: the same volumes summed, plus what topics and collocations need.
    for (std::size_t p = 0; p < 5; ++p) {
      cell(cells, TrendLevel::kDay, day_start, TrendDim::kPlatform, platforms[p],
           poisson(per_day * platform_share[p]));
    }
    for (std::size_t e = 0; e < 7; ++e) {
      cell(cells, TrendLevel::kDay, day_start, TrendDim::kEmotion, emotions[e],
           poisson(per_day * emotion_share[e]));
    }
    for (std::size_t c = 0; c < 5; ++c) {
      cell(cells, TrendLevel::kDay, day_start, TrendDim::kCategory, categories[c],
           poisson(per_day * category_share[c]));
    }
    std::size_t phrases = 0, pairs = 0, emotion_cells = 0, category_cells = 0;
    for (std::size_t i = 0; i < topic_day.size(); ++i) {
      const std::string phrase = testing::topic_phrase(i / kPerTopic, i % kPerTopic);
      const auto posts = static_cast<std::int64_t>(topic_day[i]);
      cell(cells, TrendLevel::kDay, day_start, TrendDim::kPhrase, phrase, posts);
      ++phrases;
      for (std::size_t e = 0; e < 7 && emotion_cells < 10000; ++e, ++emotion_cells) {
        cell(cells, TrendLevel::kDay, day_start, TrendDim::kPhraseEmotion,
             phrase + '\t' + emotions[e], poisson(static_cast<double>(posts) * emotion_share[e]));
      }
      for (std::size_t c = 0; c < 5 && category_cells < 3000; ++c, ++category_cells) {
        cell(cells, TrendLevel::kDay, day_start, TrendDim::kPhraseCategory,
             phrase + '\t' + categories[c],
             poisson(static_cast<double>(posts) * category_share[c]));
      }
      // Pairs within a topic.
      const std::size_t first = i - i % kPerTopic;
      for (std::size_t j = i + 1; j < first + kPerTopic && pairs < 5000; ++j, ++pairs) {
        const std::string other = testing::topic_phrase(j / kPerTopic, j % kPerTopic);
        cell(cells, TrendLevel::kDay, day_start, TrendDim::kPair,
             std::min(phrase, other) + '\t' + std::max(phrase, other), posts / kPerTopic);
      }
    }
    for (; phrases < 5000; ++phrases) {  // the long tail up to the cap
      std::string tail = testing::numbered("w", phrases);
      tail += testing::numbered(" w", phrases + 7);
      cell(cells, TrendLevel::kDay, day_start, TrendDim::kPhrase, tail, 2 + poisson(3));
    }
    for (std::size_t s = 0; s < 5000; ++s) {
      const std::string syllable = s < kTopics               ? testing::numbered("chude", s)
                                   : s < kTopics + kPerTopic ? testing::numbered("tu", s - kTopics)
                                                             : testing::numbered("w", s);
      cell(cells, TrendLevel::kDay, day_start, TrendDim::kSyllable, syllable,
           s < kTopics + kPerTopic ? poisson(per_day * 0.05) : 2 + poisson(20));
    }
    TINCAY_TRY(store.add_trend_cells(std::move(cells)));
  }
  return ok_status();
}

Store& bench_store() {
  static std::unique_ptr<Store> store = [] {
    const char* env = std::getenv("TINCAY_TRENDS_BENCH_DB");
    const std::string path = env != nullptr ? env : "/tmp/tincay-trends-10m.db";
    const bool fresh = !std::filesystem::exists(path);
    auto opened = open_sqlite_store(path);
    if (!opened) {
      std::fprintf(stderr, "%s\n", opened.error().to_string().c_str());
      std::exit(1);
    }
    if (fresh) {
      std::fprintf(stderr, "generating rollups of a %.0f-post stream into %s ...\n", kPosts,
                   path.c_str());
      const auto t0 = std::chrono::steady_clock::now();
      if (Status s = generate(**opened); !s) {
        std::fprintf(stderr, "%s\n", s.error().to_string().c_str());
        std::filesystem::remove(path);
        std::exit(1);
      }
      std::fprintf(stderr, "generated in %.0f s\n",
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return std::move(opened).value();
  }();
  return *store;
}

// `streamed`: cells handed over one at a time (Store::visit_trend_cells, what tincay trends and
// GET /v1/trends use); else each read's cells returned as one vector (Store::trend_cells), the
// way every read worked before.
void run_trends(benchmark::State& state, TrendLevel bucket, int days, bool streamed = true) {
  Store& store = bench_store();
  TrendsOptions o;
  o.bucket = bucket;
  o.to = kStart + kDays * 86400;
  o.from = o.to - days * 86400;
  std::size_t phrases = 0;
  const TrendCellStream stream = [&](const TrendCellQuery& q, const TrendCellVisitor& each) {
    return store.visit_trend_cells(q, each);
  };
  const TrendCellReader reader = [&](const TrendCellQuery& q) { return store.trend_cells(q); };
  for (auto _ : state) {
    auto report = streamed ? compute_trends(stream, o) : compute_trends(reader, o);
    if (!report) {
      state.SkipWithError(report.error().to_string().c_str());
      return;
    }
    phrases = report->phrases.size();
    benchmark::DoNotOptimize(report->topics.data());
  }
  state.counters["phrases"] = static_cast<double>(phrases);
}

void BM_TrendsByDay30Days(benchmark::State& state) { run_trends(state, TrendLevel::kDay, 30); }
void BM_TrendsByHour7Days(benchmark::State& state) { run_trends(state, TrendLevel::kHour, 7); }
void BM_TrendsByHour30Days(benchmark::State& state) { run_trends(state, TrendLevel::kHour, 30); }
void BM_TrendsByHour30DaysVectorReads(benchmark::State& state) {
  run_trends(state, TrendLevel::kHour, 30, false);
}
BENCHMARK(BM_TrendsByDay30Days)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_TrendsByHour7Days)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_TrendsByHour30Days)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_TrendsByHour30DaysVectorReads)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace tincay

BENCHMARK_MAIN();
