// tincay trends rebuild: recomputes the trend rollups from the stored posts (docs/trends.md),
// e.g. after changing the stop words or the emotion model, or for posts stored before the
// rollups existed. One transaction: the old rollups stay visible and intact until it commits.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tincay/core/thread_pool.h"
#include "tincay/core/time.h"
#include "tincay/normalize.h"
#include "tincay/store.h"
#include "tincay/trend_rollup.h"

#include "src/cli/args.h"
#include "src/cli/commands.h"

namespace tincay::cli {
namespace {

constexpr const char* kRebuildHelp =
    R"(usage: tincay trends rebuild [--db PATH | --store LOCATION] [options]

Recomputes every trend rollup cell from the stored posts and their decisions (after changing
the stop-word list or the emotion model, or for posts stored before the rollups existed), in one
transaction: until it commits, tincay trends and GET /v1/trends see the old rollups, and a
failure leaves them as they were. Stop writers (scan, serve, workers) while it runs: posts they
stored but had not yet added to the rollups would be counted twice.

options:
  --db PATH          SQLite database (default: tincay.db)
  --store LOCATION   postgresql://USER@HOST:PORT/DB or a SQLite file
  --emotion-model F  emotion model (default: models/emotion/vsmec.model when bundled; 'none')
  --threads N        threads (default: all cores)
  --data-dir DIR     stop words and models (default: found next to the binary)
  --quiet            no progress on stderr
exit status: 0 ok, 2 usage error, 1 fatal error
)";

int fail(const Error& e) {
  std::fprintf(stderr, "tincay trends rebuild: %s\n", e.to_string().c_str());
  return e.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFatal;
}

}  // namespace

int run_trends_rebuild(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.flags = {"--quiet", "--help"};
  spec.with_value = {"--db", "--store", "--emotion-model", "--threads", "--data-dir"};
  auto parsed = parse_args(argv, spec);
  if (!parsed) {
    std::fprintf(stderr, "tincay trends rebuild: %s\n%s", parsed.error().message.c_str(),
                 kRebuildHelp);
    return kExitUsage;
  }
  const Args& args = *parsed;
  if (args.has("--help")) {
    std::fputs(kRebuildHelp, stdout);
    return kExitOk;
  }
  if (args.get("--db") && args.get("--store")) {
    return fail(make_error(ErrorCode::kInvalidArgument, "give --db or --store, not both"));
  }
  if (!args.positional.empty()) {
    return fail(make_error(ErrorCode::kInvalidArgument,
                           "unexpected argument '" + args.positional[0] + "'"));
  }
  std::size_t threads = 0;
  if (auto t = args.get("--threads")) {
    auto n = parse_count("--threads", *t);
    if (!n) return fail(n.error());
    threads = *n;
  }
  const std::string location = args.get("--store").value_or(args.get("--db").value_or("tincay.db"));
  std::error_code ec;
  if (!is_postgres_location(location) && location.rfind("sqlite://", 0) != 0 &&
      !std::filesystem::exists(location, ec)) {
    return fail(make_error(ErrorCode::kNotFound, "no database (run tincay scan first)", location));
  }

  const std::string data_dir = resolve_data_dir(args.get("--data-dir").value_or(""));
  NormalizeOptions normalize;
  normalize.data_dir = data_dir;
  auto normalizer = Normalizer::create(normalize);
  if (!normalizer) return fail(normalizer.error());
  auto rollup =
      TrendRollup::create(*normalizer, data_dir, args.get("--emotion-model").value_or(""));
  if (!rollup) return fail(rollup.error());
  auto store = open_store(location);
  if (!store) return fail(store.error());

  ThreadPool pool(threads);
  std::vector<Post> posts;
  std::vector<Decision> decisions;
  const TrendContributor contribute = [&](const std::vector<TrendSource>& page,
                                          std::vector<TrendPost>& out) {
    posts.resize(page.size());
    decisions.resize(page.size());
    for (std::size_t i = 0; i < page.size(); ++i) {
      posts[i] = page[i].post;
      // A post without created_at counted when it was stored, as it did when scanned.
      if (!posts[i].created_unix) posts[i].created_unix = page[i].ingested_unix;
      decisions[i] = Decision();
      decisions[i].statement.categories = page[i].flagged;
    }
    (*rollup)->contributions(posts, decisions, pool, 0, out);
    return ok_status();
  };

  const bool quiet = args.has("--quiet");
  const SystemClock clock;
  const double start = clock.monotonic_seconds();
  double last_report = start;
  const TrendProgress progress = [&](std::int64_t done, std::int64_t total) {
    const double now = clock.monotonic_seconds();
    if (quiet || (now - last_report < 1.0 && done < total)) return;
    last_report = now;
    std::fprintf(stderr, "tincay trends rebuild: %lld of %lld posts (%.0f%%), %.1f s\n",
                 static_cast<long long>(done), static_cast<long long>(total),
                 total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0,
                 now - start);
  };
  if (!quiet) {
    std::fprintf(
        stderr, "tincay trends rebuild: recomputing the rollups of %s (emotion model: %s)\n",
        location.c_str(),
        (*rollup)->emotion_model_name().empty() ? "none" : (*rollup)->emotion_model_name().c_str());
  }
  if (Status s = (*store)->rebuild_trends(contribute, progress); !s) return fail(s.error());
  if (!quiet) {
    std::fprintf(stderr, "tincay trends rebuild: done in %.1f s\n",
                 clock.monotonic_seconds() - start);
  }
  return kExitOk;
}

}  // namespace tincay::cli
