// POST /v1/scan with a batch of 1,000 posts, taken apart (docs/benchmarks.md, "serve: batches"):
// the whole request in process (Api::handle: body parsing, pipeline, decision JSON, audit
// payloads, the writer's SQLite transaction and audit chain; no sockets), the pipeline alone as the
// server runs it (campaigns and trend rollups on), and the writer's part alone (Store::put_scans
// plus ServiceStore::append_audit_batch). The batch is bench/serve.sh's: examples/posts.jsonl
// cycled to 1,000 posts with ids bench-0 ... bench-999, so every request after the first updates
// rows that exist. Times are process CPU (all threads): the figure that the other processes on a
// shared machine disturb least.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <unistd.h>

#include "tincay/core/crypto.h"
#include "tincay/core/decision.h"
#include "tincay/core/json_writer.h"
#include "tincay/core/thread_pool.h"
#include "tincay/ingest.h"
#include "tincay/pipeline.h"
#include "tincay/serve.h"
#include "tincay/service_store.h"
#include "tincay/store.h"

namespace tincay {
namespace {

constexpr std::size_t kBatch = 1000;

// {"posts": [...]} with the sample posts cycled to kBatch, ids bench-0 ... (as bench/serve.sh).
std::string batch_body() {
  std::ifstream in(std::string(TINCAY_SOURCE_DIR) + "/examples/posts.jsonl", std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  simdjson::dom::parser parser;
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("posts").begin_array();
  for (std::size_t i = 0; i < kBatch && !lines.empty(); ++i) {
    simdjson::dom::object post = parser.parse(lines[i % lines.size()]).get_object().value();
    w.begin_object().key("id").string("bench-" + std::to_string(i));
    for (auto field : post) {
      if (field.key != "id") w.key(field.key).string(field.value.get_string().value());
    }
    w.end_object();
  }
  w.end_array().end_object();
  return out;
}

std::vector<Post> batch_posts(const Pseudonymizer& pseudonymizer) {
  const std::string body = batch_body();
  simdjson::dom::parser parser;
  JsonRecordParser records(pseudonymizer);
  std::vector<Post> posts;
  std::size_t line = 0;
  const simdjson::dom::array items = parser.parse(body)["posts"].get_array().value();
  for (simdjson::dom::element item : items) {
    const std::string record = simdjson::minify(item);
    IngestItem parsed = records.parse(record, "bench", ++line);
    if (auto* post = std::get_if<Post>(&parsed)) posts.push_back(std::move(*post));
  }
  return posts;
}

PipelineOptions pipeline_options() {
  PipelineOptions o;
  o.data_dir = TINCAY_SOURCE_DIR;
  o.trends = true;  // as tincay serve runs it
  return o;
}

// The pipeline as tincay serve runs it, or null once `state` is marked skipped.
std::unique_ptr<Pipeline> server_pipeline(benchmark::State& state) {
  auto pipeline = Pipeline::create(pipeline_options());
  if (!pipeline) {
    state.SkipWithError(pipeline.error().to_string().c_str());
    return nullptr;
  }
  return std::move(pipeline).value();
}

// Where the benchmarks' databases live; removed when the run ends.
std::filesystem::path bench_dir() {
  return std::filesystem::temp_directory_path() /
         ("tincay-serve-bench-" + std::to_string(::getpid()));
}

std::string temp_db(const char* name) {
  const auto dir = bench_dir();
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path.string();
}

// The whole request without sockets: what the server spends per batch, less the HTTP layer.
// state.range(0) == 1: every batch has ids never sent before (as FRESH_IDS=1 bench/serve.sh),
// so rows are inserted and the posts feed the trend rollups; 0: the same ids every time.
void BM_ApiScanBatch(benchmark::State& state) {
  ServeOptions options;
  options.db_path = temp_db("api.db");
  options.openapi_path = std::string(TINCAY_SOURCE_DIR) + "/api/openapi.json";
  options.rate_limit = 0;
  options.max_batch_posts = kBatch;
  options.secret = "bench";
  options.pipeline = pipeline_options();
  auto api = Api::create(options);
  if (!api) {
    state.SkipWithError(api.error().to_string().c_str());
    return;
  }
  const std::string key = new_api_key().value();
  {
    auto service = open_service_store(options.db_path);
    (void)(*service)->create_key(hash_api_key(key), "ingest", "bench", 0);
  }
  Request request;
  request.method = "POST";
  request.path = "/v1/scan";
  request.authorization = "Bearer " + key;
  const std::string body = batch_body();
  request.body = body;
  const bool fresh = state.range(0) == 1;
  std::int64_t round = 0;
  for (auto _ : state) {
    if (fresh) {
      state.PauseTiming();
      request.body.clear();
      const std::string prefix = "r" + std::to_string(++round) + "-";
      for (std::size_t at = 0;;) {
        const std::size_t found = body.find("\"bench-", at);
        request.body.append(body, at, found == std::string::npos ? found : found + 1 - at);
        if (found == std::string::npos) break;
        request.body += prefix;
        at = found + 7;
      }
      state.ResumeTiming();
    }
    Response r = (*api)->handle(request);
    if (r.status != 200) {
      state.SkipWithError(r.body.c_str());
      return;
    }
    benchmark::DoNotOptimize(r.body.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kBatch));
}

// The pipeline as the server runs it (campaigns and trends on, 2 workers): the floor under the
// request's cost.
void BM_PipelineBatch(benchmark::State& state) {
  const std::unique_ptr<Pipeline> pipeline = server_pipeline(state);
  if (pipeline == nullptr) return;
  const Pseudonymizer pseudonymizer("bench");
  const std::vector<Post> posts = batch_posts(pseudonymizer);
  ThreadPool pool(2);
  std::vector<TrendPost> trends;
  for (auto _ : state) {
    std::vector<Decision> d = pipeline->process_batch(posts, pool, &trends);
    benchmark::DoNotOptimize(d.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(posts.size()));
}

// The writer's part alone: the batch's posts, decisions and categories, then its audit entries,
// as Api's writer thread stores them (two transactions on one shared SQLite connection).
void BM_WriterBatch(benchmark::State& state) {
  const std::unique_ptr<Pipeline> pipeline = server_pipeline(state);
  if (pipeline == nullptr) return;
  const Pseudonymizer pseudonymizer("bench");
  const std::vector<Post> posts = batch_posts(pseudonymizer);
  ThreadPool pool(1);
  std::vector<TrendPost> trends;
  const std::vector<Decision> decisions = pipeline->process_batch(posts, pool, &trends);
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < posts.size(); ++i) {
    lines.push_back(decision_to_json(decisions[i], posts[i].text));
  }
  std::vector<StoredScan> scans;
  for (std::size_t i = 0; i < posts.size(); ++i) {
    scans.push_back(StoredScan{&posts[i], &decisions[i], lines[i], &trends[i]});
  }
  auto stores = open_sqlite_shared_stores(temp_db("writer.db"));
  if (!stores) {
    state.SkipWithError(stores.error().to_string().c_str());
    return;
  }
  auto entries = [&] {
    std::vector<AuditEntry> out(posts.size());
    for (std::size_t i = 0; i < posts.size(); ++i) {
      out[i].at_unix = 1790812800;
      out[i].kind = "decision";
      out[i].subject = posts[i].id;
      out[i].actor = "key:1";
      out[i].payload = "{\"record_sha256\":\"" + sha256_hex(lines[i]) + "\"}";
    }
    return out;
  };
  // Once before timing: the timed batches then update rows that exist, as in bench/serve.sh.
  Status s = stores->store->put_scans(scans);
  if (s) s = stores->service->append_audit_batch(entries());
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<AuditEntry> batch_entries = entries();
    state.ResumeTiming();
    if (s) s = stores->store->put_scans(scans);
    if (s) s = stores->service->append_audit_batch(std::move(batch_entries));
    if (!s) {
      state.SkipWithError(s.error().to_string().c_str());
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(posts.size()));
}

}  // namespace
}  // namespace tincay

// TINCAY_BENCH_ITERATIONS=N runs each benchmark exactly N times (for callgrind, whose instruction
// counts are comparable between builds only over the same work).
int main(int argc, char** argv) {
  const char* fixed = std::getenv("TINCAY_BENCH_ITERATIONS");
  for (auto [name, fn] : {std::pair{"BM_ApiScanBatch", &tincay::BM_ApiScanBatch},
                          std::pair{"BM_PipelineBatch", &tincay::BM_PipelineBatch},
                          std::pair{"BM_WriterBatch", &tincay::BM_WriterBatch}}) {
    auto* b = benchmark::RegisterBenchmark(name, fn);
    b->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
    if (fn == &tincay::BM_ApiScanBatch) b->ArgName("fresh")->Arg(0)->Arg(1);
    if (fixed != nullptr) b->Iterations(std::strtoll(fixed, nullptr, 10));
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ec;
  std::filesystem::remove_all(tincay::bench_dir(), ec);
  return 0;
}
