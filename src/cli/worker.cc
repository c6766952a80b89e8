// tincay worker: takes posts from the shared durable JetStream consumer in batches, runs the same
// Pipeline as `tincay scan`, stores posts and decisions (idempotent upserts keyed by post id), and
// acknowledges each message only after the transaction holding its post committed. A crash at any
// point therefore loses nothing (unacknowledged messages are redelivered) and duplicates nothing
// (a redelivered post overwrites its own row). See docs/scaling.md.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <pthread.h>

#include "tincay/core/decision.h"
#include "tincay/core/time.h"
#include "tincay/pipeline.h"
#include "tincay/store.h"
#include "tincay/stream.h"

#include "src/cli/args.h"
#include "src/cli/commands.h"

namespace tincay::cli {
namespace {

constexpr const char* kWorkerHelp = R"(usage: tincay worker --nats URL --store LOCATION [options]

Processes the posts that 'tincay publish' put on the JetStream stream, with any number of other
workers sharing one durable consumer: batches are scanned exactly as 'tincay scan' does, stored,
and acknowledged only after the store committed them. A message that fails on its Nth delivery
goes to the dead-letter subject DEAD_PREFIX.<platform> with its reason (header Tincay-Reason).
Runs until SIGINT or SIGTERM (the batch in hand is finished first).

options:
  --nats URL          NATS server (default: nats://127.0.0.1:4222)
  --store LOCATION    postgresql://USER@HOST:PORT/DB, or a SQLite file (default: tincay.db)
  --batch N           messages per batch (default: 256)
  --threads N         pipeline threads (default: all cores)
  --max-deliver N     dead-letter a message that fails on delivery N (default: 5)
  --ack-wait S        seconds before an unacknowledged message goes to another worker (default: 30)
  --exit-when-idle S  exit after S seconds without messages (default: never)
  --stream NAME, --consumer NAME, --subject-prefix P, --dead-prefix P
                      stream (TINCAY_POSTS), durable consumer (tincay-workers), subjects
                      (tincay.posts) and dead-letter subjects (tincay.dead)
  --data-dir DIR      rules and data files (default: found next to the binary)
  --claims FILE, --campaign-authors N, --campaign-window S, --no-campaigns   as for tincay scan
                      (campaigns are detected per worker: see docs/scaling.md)
  --no-trends, --emotion-model F   as for tincay scan: stored posts feed the trend rollups
  --quiet             no summary
exit status: 0 after SIGINT/SIGTERM or idle exit, 2 usage error, 1 fatal error
)";

int fail(const Error& e) {
  std::fprintf(stderr, "tincay worker: %s\n", e.to_string().c_str());
  return e.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFatal;
}

// Where a worker's time goes (docs/scaling.md), in seconds, and what happened to its messages.
struct WorkerStats {
  std::int64_t messages = 0, stored = 0, dead = 0, retried = 0, redelivered = 0;
  std::int64_t store_outages = 0;
  double fetch = 0, decode = 0, pipeline = 0, store = 0, ack = 0;
};

class Worker {
 public:
  Worker(const Pipeline& pipeline, Store& store, StreamConsumer& consumer, std::size_t threads,
         const std::atomic<bool>& stop)
      : pipeline_(pipeline), store_(store), consumer_(consumer), pool_(threads), stop_(stop) {}

  // Runs until stop, or until `idle_exit` seconds pass without a message (0: never).
  Status run(int batch_size, double idle_exit) {
    double last_message = clock_.monotonic_seconds();
    while (!stop_.load()) {
      double t = clock_.monotonic_seconds();
      auto fetched = consumer_.fetch(batch_size, 1000);
      stats_.fetch += clock_.monotonic_seconds() - t;
      if (!fetched) {
        if (fetched.error().code != ErrorCode::kUnavailable) return fetched.error();
        note(fetched.error());
        std::this_thread::sleep_for(std::chrono::milliseconds(250));  // NATS reconnecting
        continue;
      }
      if (fetched->empty()) {
        flush_trends();  // idle: hold no rollup counts back
        if (idle_exit > 0 && clock_.monotonic_seconds() - last_message >= idle_exit) break;
        continue;
      }
      last_message = clock_.monotonic_seconds();
      handle(std::move(fetched).value());
    }
    note(consumer_.flush());
    flush_trends();
    return ok_status();
  }

  const WorkerStats& stats() const { return stats_; }

 private:
  // Stores what it can of one fetched batch and settles every message: ack, nak or dead letter.
  void handle(std::vector<Delivery> deliveries) {
    stats_.messages += static_cast<std::int64_t>(deliveries.size());
    const double t0 = clock_.monotonic_seconds();
    std::vector<Post> posts;
    std::vector<Delivery> kept;
    posts.reserve(deliveries.size());
    kept.reserve(deliveries.size());
    const auto max_deliver = static_cast<std::uint64_t>(consumer_.options().max_deliver);
    for (Delivery& d : deliveries) {
      if (d.deliveries > 1) ++stats_.redelivered;
      if (d.deliveries > max_deliver) {
        // Earlier deliveries never came back with a result: the workers that took it crashed or
        // ran past the ack wait. Do not let it take down another one.
        note(dead_letter(d, "delivered " + std::to_string(d.deliveries) +
                                " times without being acknowledged (did it crash or stall "
                                "every worker that took it?)"));
        continue;
      }
      auto post = decoder_.parse(d.body);
      if (!post) {
        note(failed(d, post.error().to_string()));
        continue;
      }
      posts.push_back(std::move(post).value());
      kept.push_back(std::move(d));
    }
    const double t1 = clock_.monotonic_seconds();
    stats_.decode += t1 - t0;
    if (posts.empty()) return;

    std::vector<TrendPost> trends;  // what each post adds to the rollups, when they are on
    const std::vector<Decision> decisions = pipeline_.process_batch(posts, pool_, &trends);
    std::vector<std::string> lines(decisions.size());
    pool_.parallel_for(decisions.size(), [&](std::size_t, std::size_t i) {
      lines[i] = decision_to_json(decisions[i], posts[i].text);
    });
    std::vector<StoredScan> batch(posts.size());
    for (std::size_t i = 0; i < posts.size(); ++i) {
      batch[i] =
          StoredScan{&posts[i], &decisions[i], lines[i], trends.empty() ? nullptr : &trends[i]};
    }
    const double t2 = clock_.monotonic_seconds();
    stats_.pipeline += t2 - t1;

    Status stored = put_with_retry(batch, kept);
    const double t3 = clock_.monotonic_seconds();
    stats_.store += t3 - t2;
    if (stored) {
      for (const Delivery& d : kept) note(consumer_.ack(d));
      stats_.stored += static_cast<std::int64_t>(kept.size());
    } else if (stored.error().code == ErrorCode::kUnavailable) {
      // Stopping while the store is down: hand everything back for another worker.
      for (const Delivery& d : kept) (void)consumer_.nak(d, 0);
    } else {
      // Something in the batch fails by itself: store the posts one by one, so only the
      // culprit is retried (and eventually dead-lettered) and the rest is acknowledged.
      for (std::size_t i = 0; i < batch.size(); ++i) {
        const std::vector<StoredScan> one{batch[i]};
        const std::vector<Delivery> its{kept[i]};
        const Status s = put_with_retry(one, its);
        if (s) {
          note(consumer_.ack(kept[i]));
          ++stats_.stored;
        } else if (s.error().code == ErrorCode::kUnavailable) {
          (void)consumer_.nak(kept[i], 0);
        } else {
          note(failed(kept[i], "store: " + s.error().to_string()));
        }
      }
    }
    note(consumer_.flush());
    // Acknowledging (and, rarely, storing post by post) after the batch's transaction.
    stats_.ack += clock_.monotonic_seconds() - t3;
  }

  // Writes the rollup counts the store buffered. A failure (the database is down) loses those
  // counts only, never posts: `tincay trends rebuild` restores them.
  void flush_trends() {
    if (Status s = store_.flush_trends(); !s) {
      std::fprintf(stderr, "tincay worker: writing trend rollups: %s\n",
                   s.error().to_string().c_str());
    }
  }

  // A failed ack, nak or dead letter is not fatal: the message stays unacknowledged and comes
  // back after the ack wait (NATS may be reconnecting). Reported once per outage.
  void note(const Status& s) {
    if (s) {
      settle_failing_ = false;
      return;
    }
    if (!settle_failing_) {
      std::fprintf(stderr, "tincay worker: %s (the message will be redelivered)\n",
                   s.error().to_string().c_str());
    }
    settle_failing_ = true;
  }

  // Stores `batch`, waiting out store outages (a restart): the messages are kept in progress
  // meanwhile, so their redelivery count does not grow and they are not dead-lettered for an
  // outage. Returns kUnavailable only when told to stop during an outage.
  Status put_with_retry(const std::vector<StoredScan>& batch,
                        const std::vector<Delivery>& deliveries) {
    double backoff = 0.05;
    double last_touch = clock_.monotonic_seconds();
    bool reported = false;
    for (;;) {
      Status s = store_.put_scans(batch);
      if (s || s.error().code != ErrorCode::kUnavailable) {
        if (reported) std::fprintf(stderr, "tincay worker: store reachable again\n");
        return s;
      }
      if (!reported) {
        ++stats_.store_outages;
        std::fprintf(stderr, "tincay worker: %s; retrying\n", s.error().to_string().c_str());
        reported = true;
      }
      if (stop_.load()) return s;
      std::this_thread::sleep_for(std::chrono::duration<double>(backoff));
      backoff = std::min(backoff * 2, 2.0);
      const double now = clock_.monotonic_seconds();
      const double ack_wait = static_cast<double>(consumer_.options().ack_wait_ms) / 1000.0;
      if (now - last_touch > ack_wait / 3) {
        for (const Delivery& d : deliveries) (void)consumer_.in_progress(d);
        (void)consumer_.flush();
        last_touch = now;
      }
    }
  }

  // A message failed on its own: retry later, or dead-letter it on its last allowed delivery.
  Status failed(const Delivery& d, const std::string& reason) {
    const auto max_deliver = static_cast<std::uint64_t>(consumer_.options().max_deliver);
    if (d.deliveries >= max_deliver) return dead_letter(d, reason);
    ++stats_.retried;
    // Back off: 100 ms, 200 ms, 400 ms ... at most 10 s.
    const std::int64_t delay = std::min<std::int64_t>(
        10000, std::int64_t{100} << std::min<std::uint64_t>(d.deliveries, 7));
    return consumer_.nak(d, delay);
  }

  Status dead_letter(const Delivery& d, const std::string& reason) {
    std::fprintf(stderr,
                 "tincay worker: message %llu on %s dead-lettered after %llu deliveries: %s\n",
                 static_cast<unsigned long long>(d.stream_seq), d.subject.c_str(),
                 static_cast<unsigned long long>(d.deliveries), reason.c_str());
    ++stats_.dead;
    return consumer_.dead_letter(d, reason);
  }

  const Pipeline& pipeline_;
  Store& store_;
  StreamConsumer& consumer_;
  ThreadPool pool_;
  const std::atomic<bool>& stop_;
  SystemClock clock_;
  WorkerStats stats_;
  PostMessageParser decoder_;
  bool settle_failing_ = false;
};

void print_stats(const WorkerStats& s, double secs) {
  std::fprintf(stderr,
               "worker: %lld messages, %lld stored, %lld redelivered, %lld retried, %lld "
               "dead-lettered, %lld store outages; %.0f posts/s over %.2f s\n",
               static_cast<long long>(s.messages), static_cast<long long>(s.stored),
               static_cast<long long>(s.redelivered), static_cast<long long>(s.retried),
               static_cast<long long>(s.dead), static_cast<long long>(s.store_outages),
               secs > 0 ? static_cast<double>(s.stored) / secs : 0.0, secs);
  std::fprintf(stderr,
               "worker time: fetch %.2f s, decode %.2f s, pipeline %.2f s, store %.2f s, ack "
               "%.2f s\n",
               s.fetch, s.decode, s.pipeline, s.store, s.ack);
}

// Calls `open` again while it fails with kUnavailable (the database or NATS may start after the
// worker), for at most `patience` seconds.
template <typename Open>
auto patiently(Open open, double patience, const std::atomic<bool>& stop) {
  const SystemClock clock;
  const double give_up = clock.monotonic_seconds() + patience;
  for (;;) {
    auto opened = open();
    if (opened || opened.error().code != ErrorCode::kUnavailable ||
        clock.monotonic_seconds() >= give_up || stop.load()) {
      return opened;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

}  // namespace

int run_worker(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.flags = {"--quiet", "--help", "--no-campaigns", "--no-trends"};
  spec.with_value = {
      "--nats",         "--store",          "--batch",  "--threads",          "--max-deliver",
      "--ack-wait",     "--exit-when-idle", "--stream", "--consumer",         "--subject-prefix",
      "--dead-prefix",  "--data-dir",       "--claims", "--campaign-authors", "--campaign-window",
      "--emotion-model"};
  auto parsed = parse_args(argv, spec);
  if (!parsed) {
    std::fprintf(stderr, "tincay worker: %s\n%s", parsed.error().message.c_str(), kWorkerHelp);
    return kExitUsage;
  }
  const Args& args = *parsed;
  if (args.has("--help")) {
    std::fputs(kWorkerHelp, stdout);
    return kExitOk;
  }
  StreamOptions stream;
  stream.url = args.get("--nats").value_or(stream.url);
  stream.stream = args.get("--stream").value_or(stream.stream);
  stream.consumer = args.get("--consumer").value_or(stream.consumer);
  stream.subject_prefix = args.get("--subject-prefix").value_or(stream.subject_prefix);
  stream.dead_prefix = args.get("--dead-prefix").value_or(stream.dead_prefix);
  std::size_t batch = 256, threads = 0, max_deliver = 5, ack_wait = 30, idle_exit = 0;
  struct CountFlag {
    const char* flag;
    std::size_t* target;
  };
  for (const CountFlag& f :
       {CountFlag{"--batch", &batch}, CountFlag{"--threads", &threads},
        CountFlag{"--max-deliver", &max_deliver}, CountFlag{"--ack-wait", &ack_wait},
        CountFlag{"--exit-when-idle", &idle_exit}}) {
    if (auto v = args.get(f.flag)) {
      auto n = parse_count(f.flag, *v);
      if (!n) return fail(n.error());
      *f.target = *n;
    }
  }
  if (batch == 0 || batch > 10000) {
    return fail(make_error(ErrorCode::kInvalidArgument, "--batch must be 1..10000"));
  }
  if (max_deliver == 0 || max_deliver > 1000) {
    return fail(make_error(ErrorCode::kInvalidArgument, "--max-deliver must be 1..1000"));
  }
  if (ack_wait == 0) return fail(make_error(ErrorCode::kInvalidArgument, "--ack-wait must be > 0"));
  stream.max_deliver = static_cast<int>(max_deliver);
  stream.ack_wait_ms = static_cast<std::int64_t>(ack_wait) * 1000;
  const std::string location = args.get("--store").value_or("tincay.db");

  // Shutdown signals are blocked in every thread and taken by one waiter, which sets `stop`.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);  // wakes the waiter at exit when no shutdown signal came
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::atomic<bool> stop{false};
  std::thread waiter([&signals, &stop] {
    int signal = 0;
    sigwait(&signals, &signal);
    stop.store(true);
  });
  struct Joiner {
    std::thread& t;
    ~Joiner() {
      // Wake the waiter if no signal came, so it can be joined.
      pthread_kill(t.native_handle(), SIGUSR1);
      t.join();
    }
  } joiner{waiter};

  PipelineOptions options;
  options.data_dir = resolve_data_dir(args.get("--data-dir").value_or(""));
  auto store = patiently([&] { return open_store(location); }, 60, stop);
  if (!store) return fail(store.error());
  if (Status s = configure_claims_and_campaigns(args, location, options); !s)
    return fail(s.error());
  options.trends = !args.has("--no-trends");
  options.emotion_model = args.get("--emotion-model").value_or("");
  auto pipeline = Pipeline::create(options);
  if (!pipeline) return fail(pipeline.error());
  auto consumer = patiently([&] { return StreamConsumer::connect(stream); }, 60, stop);
  if (!consumer) return fail(consumer.error());

  const SystemClock clock;
  const double start = clock.monotonic_seconds();
  Worker worker(**pipeline, **store, **consumer, threads, stop);
  const Status s = worker.run(static_cast<int>(batch), static_cast<double>(idle_exit));
  if (!args.has("--quiet")) print_stats(worker.stats(), clock.monotonic_seconds() - start);
  if (!s) return fail(s.error());
  return kExitOk;
}

}  // namespace tincay::cli
