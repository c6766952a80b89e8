// Claim matching against 10,000 claims: posts/s of ClaimIndex::match on normalized posts (one
// core), with a fifth of the posts restating a claim; and the same with normalization included.
#include <benchmark/benchmark.h>

#include "tincay/claims.h"

#include "bench/bench_text.h"

namespace {

struct Fixture {
  tincay::Normalizer normalizer = tincay::Normalizer::create({}).value();
  std::unique_ptr<tincay::ClaimIndex> index;
  std::vector<std::string> posts;
  std::vector<tincay::NormalizedText> texts;

  Fixture() {
    tincay::bench::SyllableText gen(7);
    std::vector<tincay::Claim> claims;
    for (int i = 0; i < 10000; ++i) {
      tincay::Claim c;
      c.id = std::to_string(i);
      c.claim = gen.sentence(8 + gen.rng()() % 10);
      c.verdict = tincay::ClaimVerdict::kFalse;
      c.fact_checker = "Bench";
      c.source_url = std::string("https://fc.example/").append(c.id);
      claims.push_back(std::move(c));
    }
    tincay::ClaimMatchOptions options;
    (void)tincay::load_claim_word_lists(TINCAY_SOURCE_DIR, options);
    for (int i = 0; i < 5000; ++i) {
      if (i % 5 == 0) {
        // Built by append: g++ 12 warns falsely (-Wrestrict) on a chain of operator+.
        std::string post = "mọi người ơi ";
        post.append(claims[gen.rng()() % claims.size()].claim).append(" thật không");
        posts.push_back(std::move(post));
      } else {
        posts.push_back(gen.sentence(10 + gen.rng()() % 30));
      }
      texts.push_back(normalizer.normalize(posts.back()));
    }
    index = tincay::ClaimIndex::build(std::move(claims), normalizer, options);
  }
};

const Fixture& fixture() {
  static const Fixture f;  // built once, immutable afterwards
  return f;
}

void BM_MatchNormalized(benchmark::State& state) {
  const Fixture& f = fixture();
  std::size_t i = 0;
  std::size_t matched = 0;
  for (auto _ : state) {
    matched += f.index->match(f.texts[i]).empty() ? 0 : 1;
    i = (i + 1) % f.texts.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["matched_share"] =
      static_cast<double>(matched) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_MatchNormalized);

void BM_NormalizeAndMatch(benchmark::State& state) {
  const Fixture& f = fixture();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.index->match(f.normalizer.normalize(f.posts[i])));
    i = (i + 1) % f.posts.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_NormalizeAndMatch);

}  // namespace

BENCHMARK_MAIN();
