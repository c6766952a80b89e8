// Normalization speed on the ViHSD train texts (../shared/datasets/vihsd/train.jsonl; synthetic
// text when absent): full normalization with offsets, shadow, tokens, de-obfuscation and teencode,
// into a reused NormalizedText, per core. Peers in the same run: the reference two-pass path,
// normalization without teencode and de-obfuscation, and utf8proc's own NFC + case fold
// (utf8proc_map, which allocates per call).
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <utf8proc.h>

#include "tincay/normalize.h"

#include "bench/bench_text.h"

namespace {

const std::vector<std::string>& posts() {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> out;
    std::ifstream in(TINCAY_SHARED_DIR "/datasets/vihsd/train.jsonl");
    simdjson::ondemand::parser parser;
    std::string line;
    while (std::getline(in, line)) {
      simdjson::padded_string padded(line);
      std::string_view text;
      auto doc = parser.iterate(padded);
      if (!doc["text"].get_string().get(text)) out.emplace_back(text);
    }
    if (out.empty()) {
      std::fprintf(stderr, "ViHSD not found: using synthetic text\n");
      tincay::bench::SyllableText gen(7);
      for (int i = 0; i < 20000; ++i) out.push_back(gen.sentence(20));
    }
    return out;
  }();
  return texts;
}

std::size_t total_bytes() {
  std::size_t b = 0;
  for (const std::string& p : posts()) b += p.size();
  return b;
}

tincay::Normalizer make(bool full) {
  tincay::NormalizeOptions options;
  options.data_dir = full ? TINCAY_SOURCE_DIR : "";
  options.deobfuscate = full;
  options.expand_teencode = full;
  auto r = tincay::Normalizer::create(options);
  if (!r) {
    std::fprintf(stderr, "%s\n", r.error().to_string().c_str());
    std::abort();
  }
  return std::move(r).value();
}

void run(benchmark::State& state, const tincay::Normalizer& n) {
  tincay::NormalizedText out;
  const std::size_t bytes = total_bytes();
  for (auto _ : state) {
    for (const std::string& p : posts()) {
      n.normalize(p, out);
      benchmark::DoNotOptimize(out.text.data());
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * posts().size()));
}

// Everything: NFC, folding, tones, tokens, de-obfuscation, teencode, shadow and both maps.
void BM_NormalizeFull(benchmark::State& state) {
  static const tincay::Normalizer n = make(true);
  run(state, n);
}
BENCHMARK(BM_NormalizeFull)->Unit(benchmark::kMillisecond);

// Peer in the same run: the same full normalization by the reference two-pass path alone
// (Normalizer::normalize_reference: UTF-32 clean-up pass, then the tokenizer pass), which
// normalize() replaces with its one-pass path for plain text; same output byte for byte.
void BM_NormalizeFullReferencePath(benchmark::State& state) {
  static const tincay::Normalizer n = make(true);
  tincay::NormalizedText out;
  const std::size_t bytes = total_bytes();
  for (auto _ : state) {
    for (const std::string& p : posts()) {
      n.normalize_reference(p, out);
      benchmark::DoNotOptimize(out.text.data());
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * posts().size()));
}
BENCHMARK(BM_NormalizeFullReferencePath)->Unit(benchmark::kMillisecond);

// Without the lexicon and de-obfuscation: Unicode clean-up, tones, tokens, shadow, maps.
void BM_NormalizeNoTeencode(benchmark::State& state) {
  static const tincay::Normalizer n = make(false);
  run(state, n);
}
BENCHMARK(BM_NormalizeNoTeencode)->Unit(benchmark::kMillisecond);

// The fresh-result overload (allocates the result per post), as callers that keep results use.
void BM_NormalizeFreshResult(benchmark::State& state) {
  static const tincay::Normalizer n = make(true);
  const std::size_t bytes = total_bytes();
  for (auto _ : state) {
    for (const std::string& p : posts()) {
      tincay::NormalizedText t = n.normalize(p);
      benchmark::DoNotOptimize(t.text.data());
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * posts().size()));
}
BENCHMARK(BM_NormalizeFreshResult)->Unit(benchmark::kMillisecond);

// Peer: utf8proc NFC + case fold of the whole post, no offsets, no shadow, no tokens.
void BM_PeerUtf8procNfcCasefold(benchmark::State& state) {
  const std::size_t bytes = total_bytes();
  for (auto _ : state) {
    for (const std::string& p : posts()) {
      utf8proc_uint8_t* out = nullptr;
      const utf8proc_ssize_t n = utf8proc_map(
          reinterpret_cast<const utf8proc_uint8_t*>(p.data()),
          static_cast<utf8proc_ssize_t>(p.size()), &out,
          static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
      benchmark::DoNotOptimize(n);
      std::free(out);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * posts().size()));
}
BENCHMARK(BM_PeerUtf8procNfcCasefold)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
