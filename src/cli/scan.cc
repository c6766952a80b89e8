// tincay scan: files of posts in, one decision per post out, posts and decisions stored.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "tincay/core/crypto.h"
#include "tincay/core/decision.h"
#include "tincay/core/json_writer.h"
#include "tincay/core/time.h"
#include "tincay/core/utf8.h"
#include "tincay/ingest.h"
#include "tincay/pipeline.h"
#include "tincay/store.h"

#include "src/cli/args.h"
#include "src/cli/batch_writer.h"
#include "src/cli/commands.h"
#include "src/cli/progress.h"

namespace tincay::cli {
namespace {

constexpr const char* kScanHelp = R"(usage: tincay scan [FILE ...] [options]

Reads posts as JSONL (one JSON object per line) or CSV (header row with a 'text' column) from
each FILE, or from stdin when FILE is '-' or absent, and writes one decision per accepted post as
a line of JSON (docs/decision-format.md).

options:
  --out FILE         write decisions to FILE instead of stdout
  --db PATH          SQLite database for posts and decisions (default: tincay.db)
  --no-db            do not store anything
  --rejects FILE     write each rejected record, verbatim, with its reason to FILE
  --format F         jsonl or csv (default: by extension; stdin is jsonl)
  --threads N        worker threads (default: all cores)
  --data-dir DIR     rules and data files (default: found next to the binary)
  --claims FILE      match posts against the claims of FILE instead of those in the database
  --campaign-authors N   a near-duplicate cluster is a campaign from N distinct authors (default 5)
  --campaign-window S    ... within S seconds of post time (default 86400)
  --no-campaigns     no near-duplicate campaign detection
  --no-trends        do not add stored posts to the trend rollups (docs/trends.md)
  --emotion-model F  emotion model for the trend rollups (default: models/emotion/vsmec.model
                     when bundled; 'none' for no emotions)
  --quiet            no progress and no summary
exit status: 0 all records accepted, 3 some rejected, 2 usage error, 1 fatal error
)";

constexpr std::size_t kBatchSize = 1024;

struct Counters {
  std::size_t read = 0;
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  std::array<std::size_t, kCategoryCount> flagged{};
  std::array<std::size_t, 5> actions{};
};

class ScanRun {
 public:
  ScanRun(const Pipeline& pipeline, Store* store, std::FILE* out, std::FILE* rejects,
          std::size_t threads, bool quiet)
      : pipeline_(pipeline),
        store_(store),
        rejects_(rejects),
        pool_(threads),
        progress_(quiet ? nullptr : stderr, clock_),
        writer_(out, store) {}

  // Scans one reader to the end. Returns a database error, which is fatal.
  Status scan(RecordReader& reader) {
    for (;;) {
      auto batch = std::make_unique<ScannedBatch>();
      batch->posts.reserve(kBatchSize);
      while (batch->posts.size() < kBatchSize) {
        auto item = reader.next();
        if (!item) break;
        ++counters_.read;
        if (auto* rejection = std::get_if<Rejection>(&*item)) {
          report(*rejection);
        } else {
          batch->posts.push_back(std::get<Post>(std::move(*item)));
        }
      }
      if (batch->posts.empty()) return ok_status();
      process(*batch);
      TINCAY_TRY(writer_.submit(std::move(batch)));
      progress_.update(counters_.read, counters_.rejected, reader.bytes_read());
    }
  }

  // Waits for the writer; returns the first storage error.
  Status finish() {
    progress_.finish();
    TINCAY_TRY(writer_.finish());
    // The writer is idle now, so this thread may use the store.
    return store_ != nullptr ? store_->flush_trends() : ok_status();
  }

  const Counters& counters() const { return counters_; }
  double elapsed() const { return clock_.monotonic_seconds() - start_; }

 private:
  void report(const Rejection& r) {
    ++counters_.rejected;
    progress_.clear_line();
    std::fprintf(stderr, "%s:%zu: %s\n", r.source.c_str(), r.line, r.reason.c_str());
    if (rejects_ != nullptr) {
      std::string line;
      line.reserve(r.raw.size() + 64);
      JsonWriter w(line);
      w.begin_object();
      w.key("source").string(r.source);
      w.key("line").number(static_cast<std::int64_t>(r.line));
      w.key("reason").string(r.reason);
      // The raw record may not be UTF-8; escape byte-wise so the rejects file stays valid JSON
      // while every byte can be recovered.
      w.key("record").string(utf8::is_valid(r.raw) ? r.raw : latin1_escape(r.raw));
      w.key("record_encoding").string(utf8::is_valid(r.raw) ? "utf-8" : "bytes-as-latin1");
      w.end_object();
      line.push_back('\n');
      std::fwrite(line.data(), 1, line.size(), rejects_);
    }
  }

  static std::string latin1_escape(std::string_view raw) {
    std::string out;
    for (const char c : raw) utf8::append(out, static_cast<unsigned char>(c));
    return out;
  }

  void process(ScannedBatch& batch) {
    // With trends on, the pipeline also says what each post adds to the rollups (the store
    // counts the new ones).
    batch.decisions = pipeline_.process_batch(batch.posts, pool_, &batch.trends);
    batch.lines.resize(batch.decisions.size());
    pool_.parallel_for(batch.decisions.size(), [&](std::size_t, std::size_t i) {
      batch.lines[i] = decision_to_json(batch.decisions[i], batch.posts[i].text);
    });
    for (const Decision& d : batch.decisions) {
      ++counters_.accepted;
      ++counters_.actions[static_cast<std::size_t>(d.action)];
      for (const Category c : d.statement.categories) ++counters_.flagged[category_index(c)];
    }
  }

  const Pipeline& pipeline_;
  Store* store_;
  std::FILE* rejects_;
  ThreadPool pool_;
  SystemClock clock_;
  double start_ = clock_.monotonic_seconds();
  Progress progress_;
  Counters counters_;
  BatchWriter writer_;  // last: its thread stops before the members it uses are destroyed
};

void print_summary(const ScanRun& run, std::size_t files, const std::string& db_path) {
  const Counters& c = run.counters();
  const double secs = run.elapsed();
  std::fprintf(stderr, "scanned %zu record%s from %zu input%s: %zu accepted, %zu rejected\n",
               c.read, c.read == 1 ? "" : "s", files, files == 1 ? "" : "s", c.accepted,
               c.rejected);
  std::string flagged;
  for (const Category cat : kAllCategories) {
    const std::size_t n = c.flagged[category_index(cat)];
    if (n == 0) continue;
    if (!flagged.empty()) flagged += ", ";
    flagged += std::string(category_name(cat)) + " " + std::to_string(n);
  }
  std::fprintf(stderr, "flagged: %s\n", flagged.empty() ? "nothing" : flagged.c_str());
  std::string actions;
  for (std::size_t a = 0; a < c.actions.size(); ++a) {
    if (c.actions[a] == 0) continue;
    if (!actions.empty()) actions += ", ";
    actions +=
        std::string(action_name(static_cast<Action>(a))) + " " + std::to_string(c.actions[a]);
  }
  std::fprintf(stderr, "actions: %s\n", actions.empty() ? "none" : actions.c_str());
  std::fprintf(stderr, "throughput: %.0f posts/s (%.2f s)\n",
               secs > 0 ? static_cast<double>(c.accepted) / secs : 0.0, secs);
  if (!db_path.empty()) std::fprintf(stderr, "stored in %s\n", db_path.c_str());
}

int fail(const Error& e) {
  std::fprintf(stderr, "tincay scan: %s\n", e.to_string().c_str());
  return e.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFatal;
}

// The secret lives next to the database. Without a database, an existing secret in the default
// place is used so author keys stay comparable; otherwise a one-off secret is made for this run.
Result<std::string> secret_for(const std::string& db_path, bool no_db, bool quiet) {
  const std::filesystem::path db(db_path.empty() ? "tincay.db" : db_path);
  const std::string path =
      (db.parent_path().empty() ? std::filesystem::path(".") : db.parent_path()) / "tincay.secret";
  std::error_code ec;
  if (no_db && std::getenv("TINCAY_SECRET") == nullptr && !std::filesystem::exists(path, ec)) {
    if (!quiet) {
      std::fprintf(stderr,
                   "note: --no-db without TINCAY_SECRET: author keys use a one-off secret\n");
    }
    return random_hex(32);
  }
  return load_or_create_secret(path);
}

}  // namespace

int run_scan(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.flags = {"--no-db", "--quiet", "--help"};
  spec.with_value = {
      "--out",      "--db",     "--rejects",          "--format",         "--threads",
      "--data-dir", "--claims", "--campaign-authors", "--campaign-window"};
  spec.flags.insert("--no-campaigns");
  spec.flags.insert("--no-trends");
  spec.with_value.insert("--emotion-model");
  auto parsed = parse_args(argv, spec);
  if (!parsed) {
    std::fprintf(stderr, "tincay scan: %s\n%s", parsed.error().message.c_str(), kScanHelp);
    return kExitUsage;
  }
  const Args& args = *parsed;
  if (args.has("--help")) {
    std::fputs(kScanHelp, stdout);
    return kExitOk;
  }
  const bool quiet = args.has("--quiet");
  const bool no_db = args.has("--no-db");
  if (no_db && args.get("--db"))
    return fail(make_error(ErrorCode::kInvalidArgument, "--db and --no-db contradict each other"));
  const std::string db_path = no_db ? "" : args.get("--db").value_or("tincay.db");

  std::optional<InputFormat> format;
  if (auto f = args.get("--format")) {
    format = parse_input_format(*f);
    if (!format) {
      return fail(make_error(ErrorCode::kInvalidArgument, "--format must be jsonl or csv"));
    }
  }
  std::size_t threads = 0;
  if (auto t = args.get("--threads")) {
    auto n = parse_count("--threads", *t);
    if (!n) return fail(n.error());
    threads = *n;
  }

  PipelineOptions options;
  options.data_dir = resolve_data_dir(args.get("--data-dir").value_or(""));
  if (Status s = configure_claims_and_campaigns(args, db_path, options); !s) return fail(s.error());
  options.trends = !no_db && !args.has("--no-trends");
  options.emotion_model = args.get("--emotion-model").value_or("");
  auto pipeline = Pipeline::create(options);
  if (!pipeline) return fail(pipeline.error());

  auto secret = secret_for(db_path, no_db, quiet);
  if (!secret) return fail(secret.error());
  const Pseudonymizer pseudonymizer(*secret);

  std::unique_ptr<Store> store;
  if (!no_db) {
    auto opened = open_sqlite_store(db_path);
    if (!opened) return fail(opened.error());
    store = std::move(opened).value();
  }

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out_file(nullptr, &std::fclose);
  std::FILE* out = stdout;
  if (auto path = args.get("--out")) {
    out_file.reset(std::fopen(path->c_str(), "wb"));
    if (!out_file) return fail(make_error(ErrorCode::kIo, "cannot write", *path));
    out = out_file.get();
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> rejects_file(nullptr, &std::fclose);
  if (auto path = args.get("--rejects")) {
    rejects_file.reset(std::fopen(path->c_str(), "wb"));
    if (!rejects_file) return fail(make_error(ErrorCode::kIo, "cannot write", *path));
  }

  std::vector<std::string> inputs = args.positional;
  if (inputs.empty()) inputs.emplace_back("-");
  ScanRun run(**pipeline, store.get(), out, rejects_file.get(), threads, quiet);
  IngestOptions ingest;
  int status = kExitOk;
  for (const std::string& input : inputs) {
    auto reader = open_reader(input, format.value_or(guess_format(input)), ingest, pseudonymizer);
    if (!reader) {
      // An unreadable input is fatal for the run's status, but the other inputs are still read.
      std::fprintf(stderr, "tincay scan: %s\n", reader.error().to_string().c_str());
      status = kExitFatal;
      continue;
    }
    if (Status s = run.scan(**reader); !s) {
      (void)run.finish();
      return fail(s.error());
    }
  }
  if (Status s = run.finish(); !s) return fail(s.error());
  if (std::fflush(out) != 0 || std::ferror(out)) {
    return fail(make_error(ErrorCode::kIo, "writing decisions failed (disk full?)"));
  }
  if (!quiet) print_summary(run, inputs.size(), db_path);
  if (status == kExitOk && run.counters().rejected > 0) status = kExitRejected;
  return status;
}

}  // namespace tincay::cli
