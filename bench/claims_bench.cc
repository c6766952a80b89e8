// Claim matching against 10,000 claims: posts/s of ClaimIndex::match on normalized posts (one
// core), with a fifth of the posts restating a claim; and the same with normalization included.
#include <filesystem>
#include <fstream>

#include <benchmark/benchmark.h>
#include <simdjson.h>

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

// Real text, when ../shared/datasets is there: 10,000 claims cut from the sentences of ReINTEL and
// VFND train news posts (8-40 syllables each), matched against ViHSD dev comments of which every
// tenth is prefixed by a claim restated. Closer to real traffic than the synthetic vocabulary.
struct RealFixture {
  tincay::Normalizer normalizer = tincay::Normalizer::create({}).value();
  std::unique_ptr<tincay::ClaimIndex> index;
  std::vector<tincay::NormalizedText> texts;
  bool ok = false;

  static std::vector<std::string> texts_of(const std::string& path) {
    std::vector<std::string> out;
    std::ifstream in(path);
    std::string line;
    simdjson::dom::parser parser;
    while (std::getline(in, line)) {
      std::string_view text;
      if (parser.parse(line)["text"].get(text) == simdjson::SUCCESS) out.emplace_back(text);
    }
    return out;
  }
  static std::size_t syllables(std::string_view s) {
    std::size_t n = 1;
    for (const char c : s) n += c == ' ' ? 1 : 0;
    return n;
  }

  RealFixture() {
    const std::string data = std::string(TINCAY_SHARED_DIR) + "/datasets/";
    if (!std::filesystem::exists(data + "vihsd/dev.jsonl")) return;
    std::vector<std::string> news = texts_of(data + "reintel/train.jsonl");
    for (std::string& t : texts_of(data + "vfnd/train.jsonl")) news.push_back(std::move(t));
    std::vector<tincay::Claim> claims;
    for (const std::string& doc : news) {
      std::size_t start = 0;
      while (start < doc.size() && claims.size() < 10000) {
        std::size_t end = doc.find_first_of(".!?\n", start);
        if (end == std::string::npos) end = doc.size();
        const std::string sentence = doc.substr(start, end - start);
        start = end + 1;
        const std::size_t n = syllables(sentence);
        if (n < 8 || n > 40) continue;
        tincay::Claim c;
        c.id = std::to_string(claims.size());
        c.claim = sentence;
        c.verdict = tincay::ClaimVerdict::kFalse;
        c.fact_checker = "Bench";
        c.source_url = std::string("https://fc.example/").append(c.id);
        claims.push_back(std::move(c));
      }
    }
    const std::vector<std::string> comments = texts_of(data + "vihsd/dev.jsonl");
    for (std::size_t i = 0; i < comments.size(); ++i) {
      std::string post = comments[i];
      if (i % 10 == 0 && !claims.empty()) {
        post = claims[(i * 7919) % claims.size()].claim + " " + post;
      }
      texts.push_back(normalizer.normalize(post));
    }
    tincay::ClaimMatchOptions options;
    (void)tincay::load_claim_word_lists(TINCAY_SOURCE_DIR, options);
    index = tincay::ClaimIndex::build(std::move(claims), normalizer, options);
    ok = index->claims().size() == 10000 && !texts.empty();
  }
};

void BM_MatchRealText(benchmark::State& state) {
  static const RealFixture f;  // built once, immutable afterwards
  if (!f.ok) {
    state.SkipWithError("../shared/datasets not found: real-text benchmark skipped");
    return;
  }
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
BENCHMARK(BM_MatchRealText);

}  // namespace

BENCHMARK_MAIN();
