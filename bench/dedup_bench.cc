// The campaign detector on 1,000,000 posts, 10% of them near-duplicates of recent posts, with
// post times 10 posts/s apart and a one-hour window. Reports posts/s of CampaignIndex::observe
// (normalization excluded: it is timed separately) and the peak resident memory of the process.
#include <deque>

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include "tincay/dedup.h"
#include "tincay/normalize.h"

#include "bench/bench_text.h"

namespace {

class StreamClock final : public tincay::Clock {
 public:
  std::int64_t now_unix() const override { return 0; }
  double monotonic_seconds() const override { return 0; }
};

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux: kilobytes
}

void BM_CampaignIndex1M(benchmark::State& state) {
  const auto total = static_cast<std::size_t>(state.range(0));
  const tincay::Normalizer normalizer = tincay::Normalizer::create({}).value();
  StreamClock clock;
  tincay::CampaignOptions options;
  options.window_seconds = 3600;
  for (auto _ : state) {
    tincay::bench::SyllableText gen(42);
    tincay::CampaignIndex index(options, clock);
    std::deque<std::string> recent;
    std::vector<tincay::Post> posts;
    std::vector<tincay::NormalizedText> texts;
    std::vector<tincay::Finding> findings;
    std::size_t campaigns = 0;
    constexpr std::size_t kChunk = 10000;
    for (std::size_t done = 0; done < total; done += kChunk) {
      state.PauseTiming();
      posts.assign(kChunk, tincay::Post{});
      texts.resize(kChunk);
      for (std::size_t i = 0; i < kChunk; ++i) {
        tincay::Post& p = posts[i];
        p.id = std::to_string(done + i);
        p.author_key = std::to_string(gen.rng()() % 50000);
        p.created_unix = static_cast<std::int64_t>((done + i) / 10);
        if (!recent.empty() && gen.rng()() % 10 == 0) {
          p.text = recent[gen.rng()() % recent.size()] + " " + gen.syllable();  // near-dup
        } else {
          p.text = gen.sentence(8 + gen.rng()() % 20);
          recent.push_back(p.text);
          if (recent.size() > 2000) recent.pop_front();
        }
        texts[i] = normalizer.normalize(p.text);
      }
      state.ResumeTiming();
      for (std::size_t i = 0; i < kChunk; ++i) {
        findings.clear();
        campaigns += index.observe(posts[i], texts[i], findings).campaign ? 1 : 0;
      }
    }
    state.counters["posts_in_window"] = static_cast<double>(index.posts_in_window());
    state.counters["index_MB"] = static_cast<double>(index.memory_bytes()) / (1024.0 * 1024.0);
    state.counters["campaign_posts"] = static_cast<double>(campaigns);
  }
  state.counters["posts_per_s"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
  state.counters["peak_RSS_MB"] = peak_rss_mb();
}
BENCHMARK(BM_CampaignIndex1M)->Arg(1000000)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
