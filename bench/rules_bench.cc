// Rule packs + personal-data detectors on the ViHSD texts (train + dev; issue 4 target: >= 50 MB/s
// per core). Texts are normalized once up front: this measures detection, not normalization.
// The portable matcher runs in the same binary as the peer of the Hyperscan one.
#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "tincay/detect.h"
#include "tincay/detect/rules.h"

#include "src/detect/rules/matcher.h"

namespace tincay {
namespace {

struct Corpus {
  std::vector<Post> posts;
  std::vector<NormalizedText> texts;
  std::size_t bytes = 0;
};

// ViHSD comment texts, or the bundled sample when ../shared is absent.
const Corpus& corpus() {
  static const Corpus c = [] {
    Corpus out;
    const Normalizer n = Normalizer::create(NormalizeOptions{}).value();
    std::vector<std::string> files = {
        std::string(TINCAY_SHARED_DIR) + "/datasets/vihsd/train.jsonl",
        std::string(TINCAY_SHARED_DIR) + "/datasets/vihsd/dev.jsonl"};
    if (!std::ifstream(files[0]))
      files = {std::string(TINCAY_SOURCE_DIR) + "/examples/posts.jsonl"};
    for (const std::string& f : files) {
      std::ifstream in(f);
      std::string line;
      while (std::getline(in, line)) {
        // The "text" field, unescaped just enough for a benchmark (\" and \\ and \n).
        const auto at = line.find("\"text\": \"") != std::string::npos
                            ? line.find("\"text\": \"") + 9
                            : line.find("\"text\":\"") + 8;
        if (at < 8 || at >= line.size()) continue;
        std::string text;
        for (std::size_t i = at; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] == '\\' && i + 1 < line.size()) {
            ++i;
            text += line[i] == 'n' ? '\n' : line[i];
          } else {
            text += line[i];
          }
        }
        Post p;
        p.text = text;
        out.bytes += text.size();
        out.texts.push_back(n.normalize(text));
        out.posts.push_back(std::move(p));
      }
    }
    return out;
  }();
  return c;
}

void run_detectors(benchmark::State& state, const Detector& rules, const Detector* pii) {
  const Corpus& c = corpus();
  std::vector<Finding> out;
  for (auto _ : state) {
    std::size_t findings = 0;
    for (std::size_t i = 0; i < c.posts.size(); ++i) {
      out.clear();
      rules.detect(c.posts[i], c.texts[i], out);
      if (pii != nullptr) pii->detect(c.posts[i], c.texts[i], out);
      findings += out.size();
    }
    benchmark::DoNotOptimize(findings);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.bytes));
  state.counters["posts"] = static_cast<double>(c.posts.size());
}

// As run_detectors, but as in the pipeline, where a post is normalized right before the
// detectors read it: each batch of posts is normalized (outside the timing) just before its
// detection, so the normalized texts and offset maps come from the cache rather than memory.
// run_detectors reads them cold, from 26,720 texts normalized up front (about 30 MB with maps).
void run_detectors_warm(benchmark::State& state, const Detector& rules, const Detector* pii) {
  constexpr std::size_t kBatch = 128;
  const Corpus& c = corpus();
  const Normalizer n = Normalizer::create(NormalizeOptions{}).value();
  std::vector<NormalizedText> batch(kBatch);
  std::vector<Finding> out;
  for (auto _ : state) {
    std::size_t findings = 0;
    for (std::size_t first = 0; first < c.posts.size(); first += kBatch) {
      const std::size_t last = std::min(c.posts.size(), first + kBatch);
      state.PauseTiming();
      for (std::size_t i = first; i < last; ++i) n.normalize(c.posts[i].text, batch[i - first]);
      state.ResumeTiming();
      for (std::size_t i = first; i < last; ++i) {
        out.clear();
        rules.detect(c.posts[i], batch[i - first], out);
        if (pii != nullptr) pii->detect(c.posts[i], batch[i - first], out);
        findings += out.size();
      }
    }
    benchmark::DoNotOptimize(findings);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.bytes));
  state.counters["posts"] = static_cast<double>(c.posts.size());
}

std::unique_ptr<RuleEngine> engine(MatcherKind kind) {
  const Normalizer n = Normalizer::create(NormalizeOptions{}).value();
  auto files = list_rule_pack_files(std::string(TINCAY_SOURCE_DIR) + "/rules").value();
  RuleOptions o;
  o.matcher = kind;
  o.use_cache = false;
  return std::move(load_rule_engine(files, n, o)).value();
}

void BM_RulesAndPii_Hyperscan(benchmark::State& state) {
  if (!rules::hyperscan_available()) {
    state.SkipWithError("no Hyperscan");
    return;
  }
  const auto e = engine(MatcherKind::kHyperscan);
  const auto pii = make_pii_detector();
  run_detectors(state, *e, pii.get());
}
BENCHMARK(BM_RulesAndPii_Hyperscan)->Unit(benchmark::kMillisecond);

void BM_RulesAndPii_Hyperscan_Warm(benchmark::State& state) {
  if (!rules::hyperscan_available()) {
    state.SkipWithError("no Hyperscan");
    return;
  }
  const auto e = engine(MatcherKind::kHyperscan);
  const auto pii = make_pii_detector();
  run_detectors_warm(state, *e, pii.get());
}
BENCHMARK(BM_RulesAndPii_Hyperscan_Warm)->Unit(benchmark::kMillisecond);

void BM_RulesOnly_Hyperscan(benchmark::State& state) {
  if (!rules::hyperscan_available()) {
    state.SkipWithError("no Hyperscan");
    return;
  }
  const auto e = engine(MatcherKind::kHyperscan);
  run_detectors(state, *e, nullptr);
}
BENCHMARK(BM_RulesOnly_Hyperscan)->Unit(benchmark::kMillisecond);

void BM_RulesAndPii_Portable(benchmark::State& state) {
  const auto e = engine(MatcherKind::kPortable);
  const auto pii = make_pii_detector();
  run_detectors(state, *e, pii.get());
}
BENCHMARK(BM_RulesAndPii_Portable)->Unit(benchmark::kMillisecond);

void BM_LoadPacks(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(engine(MatcherKind::kAuto));
}
BENCHMARK(BM_LoadPacks)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tincay

BENCHMARK_MAIN();
