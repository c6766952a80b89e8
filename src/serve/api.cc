// The API's endpoints (docs/api.md) over the Pipeline, Store and ServiceStore.
//
// Database access: one writer lane (a mutex around the writer connections: Store for posts,
// decisions and claims, ServiceStore for reviews, appeals, keys and the audit log) and a pool of
// reader connections. SQLite allows one writer at a time anyway; serializing in-process keeps
// writers from spinning in busy_timeout and keeps the audit chain's appends in order, while WAL
// lets the readers run in parallel with the writer.
#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>
#include <unordered_map>

#include <simdjson.h>

#include "tincay/analytics.h"
#include "tincay/check.h"
#include "tincay/core/claim.h"
#include "tincay/core/crypto.h"
#include "tincay/core/decision.h"
#include "tincay/core/json_writer.h"
#include "tincay/core/thread_pool.h"
#include "tincay/core/utf8.h"
#include "tincay/ingest.h"
#include "tincay/serve.h"
#include "tincay/service_store.h"
#include "tincay/store.h"

#include "src/serve/metrics.h"
#include "src/serve/request_body.h"

namespace tincay {
namespace {

// A small pool of reusable objects (reader connections, parsers): take one, give it back.
template <typename T>
class Pool {
 public:
  explicit Pool(std::function<Result<std::unique_ptr<T>>()> make) : make_(std::move(make)) {}

  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<T> item) : pool_(pool), item_(std::move(item)) {}
    Lease(Lease&&) noexcept = default;
    ~Lease() {
      if (item_) pool_.give_back(std::move(item_));
    }
    T* operator->() { return item_.get(); }
    T& operator*() { return *item_; }

   private:
    Pool& pool_;
    std::unique_ptr<T> item_;
  };

  Result<Lease> take() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        std::unique_ptr<T> item = std::move(free_.back());
        free_.pop_back();
        return Lease(*this, std::move(item));
      }
    }
    auto made = make_();
    if (!made) return made.error();
    return Lease(*this, std::move(made).value());
  }

 private:
  void give_back(std::unique_ptr<T> item) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(item));
  }

  std::function<Result<std::unique_ptr<T>>()> make_;
  std::mutex mu_;
  std::vector<std::unique_ptr<T>> free_;
};

struct ScanScratch {
  explicit ScanScratch(const Pseudonymizer& p) : records(p) {}
  JsonRecordParser records;
  simdjson::dom::parser dom;
};

Response json_ok(std::string body, int status = 200) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response from_error(const Error& e) {
  switch (e.code) {
    case ErrorCode::kNotFound:
      return json_error(404, e.message);
    case ErrorCode::kInvalidInput:
    case ErrorCode::kInvalidArgument:
      return json_error(400, e.message);
    default:
      return json_error(500, "internal error: " + e.to_string());
  }
}

// "2026-11-01" or an RFC 3339 date-time.
std::optional<std::int64_t> parse_time_param(const std::string& v) {
  if (v.size() == 10) return parse_rfc3339(v + "T00:00:00Z");
  return parse_rfc3339(v);
}

std::optional<std::int64_t> parse_int_param(const std::string& v) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 0) return std::nullopt;
  return n;
}

std::string csv_field(std::string_view v) {
  if (v.find_first_of(",\"\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (const char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

class Api::Impl {
 public:
  Impl(const ServeOptions& options, std::unique_ptr<Pipeline> pipeline,
       std::unique_ptr<Store> store, std::unique_ptr<ServiceStore> service, std::string openapi)
      : options_(options),
        clock_(options.clock != nullptr ? *options.clock : system_clock_),
        pipeline_(std::move(pipeline)),
        pseudonymizer_(options.secret),
        store_(std::move(store)),
        service_writer_(std::move(service)),
        readers_([path = options.db_path] { return open_service_store(path); }),
        scratch_([this]() -> Result<std::unique_ptr<ScanScratch>> {
          return std::make_unique<ScanScratch>(pseudonymizer_);
        }),
        limiter_(options.rate_limit, options.rate_burst, clock_),
        batch_pool_(options.scan_threads),
        openapi_(std::move(openapi)) {}

  // Blocking form of handle_async, for callers without an event loop (tests, tools).
  Response handle(const Request& req) {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Response> out;
    handle_async(req, [&](Response r) {
      std::lock_guard<std::mutex> lock(mu);
      out = std::move(r);
      cv.notify_one();
    });
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return out.has_value(); });
    return std::move(*out);
  }

  void handle_async(const Request& req, Api::Done done) {
    const double start = clock_.monotonic_seconds();
    const RouteMatch route = match_route(req.method, req.path);
    const std::string_view name = route.endpoint != nullptr ? route.endpoint->name : "unmatched";
    Api::Done finish = [this, name, start, done = std::move(done)](Response r) {
      metrics_.record(name, r.status, clock_.monotonic_seconds() - start);
      done(std::move(r));
    };
    if (route.endpoint == nullptr) {
      finish(route.wrong_method ? json_error(405, "method not allowed for " + req.path)
                                : json_error(404, "no such endpoint: " + req.path));
      return;
    }
    // nullopt: the endpoint took `finish` and calls it later (a scan, once committed).
    std::optional<Response> r = authorize_and_dispatch(req, route, finish);
    if (r) finish(std::move(*r));
  }

 private:
  std::optional<Response> authorize_and_dispatch(const Request& req, const RouteMatch& route,
                                                 Api::Done& later) {
    const Endpoint& e = *route.endpoint;
    if (req.body_too_large) {
      return json_error(
          413, "request body exceeds " + std::to_string(options_.max_body_bytes) + " bytes");
    }
    ApiKeyRecord key;
    if (e.roles != kPublic) {
      constexpr std::string_view kBearer = "Bearer ";
      if (req.authorization.compare(0, kBearer.size(), kBearer) != 0) {
        return json_error(401, "missing API key: send 'Authorization: Bearer KEY'");
      }
      auto found = find_key(hash_api_key(req.authorization.substr(kBearer.size())));
      if (!found) return from_error(found.error());
      if (!*found) return json_error(401, "unknown or revoked API key");
      key = std::move(**found);
      const auto role = parse_role(key.role);
      if (!role || !role_allowed(e, *role)) {
        return json_error(403, "role '" + key.role + "' may not call " + std::string(e.method) +
                                   " " + std::string(e.pattern));
      }
      if (!limiter_.allow(key.id)) return json_error(429, "rate limit exceeded for this key");
    }
    const std::string_view n = e.name;
    if (n == "healthz") return json_ok("{\"status\":\"ok\"}");
    if (n == "openapi") return json_ok(openapi_);
    if (n == "metrics") return metrics();
    if (n == "scan") return scan(req, key, later);
    if (n == "post") return post(route.param);
    if (n == "queue") return queue(req);
    if (n == "review") return review(req, key);
    if (n == "appeals_list") return appeals_list(req);
    if (n == "appeal") return appeal(req, key);
    if (n == "appeal_resolve") return resolve(req, route.param, key);
    if (n == "transparency") return transparency(req);
    if (n == "trends") return trends(req);
    if (n == "claims_list") return claims_list();
    if (n == "claims_put") return claims_put(req, key);
    if (n == "check") return check(req);
    if (n == "explain") return explain(req);
    return json_error(500, "endpoint without a handler");
  }

  // Valid keys are remembered for kKeyCacheSeconds, so most requests skip a database read; a
  // revoked key therefore stops working within that time. Unknown keys are never cached.
  static constexpr double kKeyCacheSeconds = 2.0;

  Result<std::optional<ApiKeyRecord>> find_key(const std::string& hash) {
    const double now = clock_.monotonic_seconds();
    {
      std::lock_guard<std::mutex> lock(key_cache_mu_);
      auto it = key_cache_.find(hash);
      if (it != key_cache_.end() && it->second.second > now) {
        return std::optional<ApiKeyRecord>(it->second.first);
      }
    }
    auto reader = readers_.take();
    if (!reader) return reader.error();
    auto found = (*reader)->find_key(hash);
    if (!found) return found.error();
    std::lock_guard<std::mutex> lock(key_cache_mu_);
    if (*found) {
      if (key_cache_.size() > 10000) key_cache_.clear();  // bounded: keys are few in practice
      key_cache_[hash] = {**found, now + kKeyCacheSeconds};
    } else {
      key_cache_.erase(hash);
    }
    return found;
  }

  static std::string actor(const ApiKeyRecord& key) { return "key:" + std::to_string(key.id); }

  AuditEntry audit(std::string kind, std::string subject, const ApiKeyRecord& key,
                   std::string payload) const {
    AuditEntry e;
    e.at_unix = clock_.now_unix();
    e.kind = std::move(kind);
    e.subject = std::move(subject);
    e.actor = actor(key);
    e.payload = std::move(payload);
    return e;
  }

  // Group commit: a scan request computes its decisions and its answer on its own thread, then
  // queues the rows and returns; the writer thread stores everything queued in one transaction
  // per connection and only then sends each queued answer. One commit per request would cap the
  // API at a few thousand requests/s (SQLite has one writer); grouping amortizes it, and since no
  // HTTP thread waits for the disk, the group is as large as the number of requests in flight.
  // Durability: an answer is sent only after its rows and audit entries are committed (WAL,
  // synchronous=NORMAL: they survive a crash of the process; a power cut may lose the last
  // transactions, as for tincay scan).
  struct PendingWrite {
    std::vector<Post> posts;
    std::vector<Decision> decisions;
    std::vector<std::string> lines;
    std::vector<TrendPost> trends;   // rollup contributions (docs/trends.md), or empty
    std::vector<StoredScan> stored;  // points into posts, decisions, lines and trends
    std::vector<AuditEntry> entries;
    Response response;  // sent once committed
    Api::Done done;
  };

  // ---- POST /v1/scan ----
  // nullopt: queued for the writer, which calls `later` (moved from) after the commit.
  std::optional<Response> scan(const Request& req, const ApiKeyRecord& key, Api::Done& later) {
    auto scratch = scratch_.take();
    if (!scratch) return from_error(scratch.error());
    auto w = std::make_unique<PendingWrite>();
    bool batch = false;
    {
      ScanBody body;
      if (auto err = parse_scan_body(req.body, options_.max_batch_posts, (*scratch)->records,
                                     (*scratch)->dom, body)) {
        return *err;
      }
      w->posts = std::move(body.posts);
      batch = body.batch;
    }
    const std::vector<Post>& posts = w->posts;
    // The same calls as tincay scan: process_batch, then decision_to_json per post.
    if (posts.size() == 1) {
      ThreadPool inline_pool(1);  // no extra threads: the request's own thread does the work
      w->decisions = pipeline_->process_batch(posts, inline_pool, &w->trends);
    } else {
      std::lock_guard<std::mutex> lock(batch_mu_);
      w->decisions = pipeline_->process_batch(posts, batch_pool_, &w->trends);
    }
    const std::vector<Decision>& decisions = w->decisions;
    w->lines.resize(decisions.size());
    w->stored.resize(decisions.size());
    w->entries.resize(decisions.size());
    const std::int64_t now = clock_.now_unix();
    const std::string by = actor(key);
    for (std::size_t i = 0; i < decisions.size(); ++i) {
      w->lines[i] = decision_to_json(decisions[i], posts[i].text);
      w->stored[i] = StoredScan{&posts[i], &decisions[i], w->lines[i],
                                w->trends.empty() ? nullptr : &w->trends[i]};
      // As audit() makes it, with the time and actor taken once for the batch.
      AuditEntry& e = w->entries[i];
      e.at_unix = now;
      e.kind = "decision";
      e.subject = decisions[i].post_id;
      e.actor = by;
      e.payload = decision_audit(decisions[i], w->lines[i]);
    }
    if (!batch) {
      w->response = json_ok(w->lines[0]);
    } else {
      std::string out;
      std::size_t total = 32;
      for (const auto& l : w->lines) total += l.size() + 1;
      out.reserve(total);
      out += "{\"decisions\":[";
      for (std::size_t i = 0; i < w->lines.size(); ++i) {
        if (i > 0) out += ',';
        out += w->lines[i];
      }
      out += "]}";
      w->response = json_ok(std::move(out));
    }
    w->done = std::move(later);
    std::lock_guard<std::mutex> lock(queue_mu_);
    queue_.push_back(std::move(w));
    queue_cv_.notify_one();
    return std::nullopt;
  }

  static constexpr int kGroupsPerCheckpoint = 16;

  void write_loop() {
    std::unique_lock<std::mutex> lock(queue_mu_);
    for (;;) {
      // Idle for a while, or stopping: write the trend rollups the store buffered (it also
      // writes them every 30 seconds while busy), so an idle server holds none back.
      queue_cv_.wait_for(lock, std::chrono::seconds(5), [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) {
        lock.unlock();
        {
          std::lock_guard<std::mutex> writer(writer_mu_);
          // A failure loses these rollup counts only; `tincay trends rebuild` restores them.
          (void)store_->flush_trends();
        }
        lock.lock();
        if (stop_ && queue_.empty()) return;  // nothing left
        continue;
      }
      std::vector<std::unique_ptr<PendingWrite>> group;
      group.swap(queue_);
      lock.unlock();
      std::vector<StoredScan> scans;
      std::vector<AuditEntry> entries;
      for (const auto& p : group) {
        scans.insert(scans.end(), p->stored.begin(), p->stored.end());
        for (AuditEntry& e : p->entries) entries.push_back(std::move(e));
      }
      Status status = ok_status();
      {
        std::lock_guard<std::mutex> writer(writer_mu_);
        status = store_->put_scans(scans);
        // A second transaction (on SQLite, the same connection): a crash between the two leaves
        // a stored decision without its audit entry, never an audit entry without its decision.
        if (status) status = service_writer_->append_audit_batch(std::move(entries));
      }
      for (const auto& p : group) {
        if (status) {
          metrics_.scanned(p->decisions);
          p->done(std::move(p->response));
        } else {
          p->done(from_error(status.error()));
        }
      }
      group.clear();  // frees the posts and decisions before sleeping
      // Checkpoint small and often, after the group's answers are out: a few dozen log pages take
      // well under a millisecond, where the automatic checkpoint at 1,000 pages, inside a commit,
      // held every queued scan for several (the server's p99). A failure (busy) is retried later.
      if (++groups_since_checkpoint_ >= kGroupsPerCheckpoint) {
        groups_since_checkpoint_ = 0;
        std::lock_guard<std::mutex> writer(writer_mu_);
        (void)store_->checkpoint();
      }
      lock.lock();
    }
  }

  // What the audit log keeps of an automated decision: its action, categories, grounds (the
  // rules/models), policy and model versions, and the hash of the full stored record.
  static std::string decision_audit(const Decision& d, const std::string& record) {
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("action").string(action_name(d.action));
    w.key("categories").begin_array();
    for (const Category c : d.statement.categories) w.string(category_name(c));
    w.end_array().key("grounds").begin_array();
    for (const auto& g : d.statement.grounds) w.string(g);
    w.end_array().key("policy_version").string(d.policy_version);
    w.key("model_versions").begin_object();
    for (const auto& [name, version] : d.model_versions) w.key(name).string(version);
    w.end_object().key("record_sha256").string(sha256_hex(record)).end_object();
    return out;
  }

  // ---- GET /v1/posts/{id} ----
  Response post(const std::string& id) {
    auto reader = readers_.take();
    if (!reader) return from_error(reader.error());
    auto found = (*reader)->get_post(id);
    if (!found) return from_error(found.error());
    if (!*found) return json_error(404, "no post with this id", "id");
    const PostDetail& p = **found;
    std::string out;
    JsonWriter w(out);
    // Never the author key: reviewers judge the post, not the person (no per-person profiles).
    w.begin_object().key("post").begin_object();
    w.key("id").string(p.id).key("platform").string(p.platform);
    w.key("created_at").string(p.created_at).key("parent_id").string(p.parent_id);
    w.key("url").string(p.url).key("lang").string(p.lang).key("text").string(p.text);
    w.end_object();
    w.key("decision");
    if (p.decision_json.empty()) {
      w.null();
    } else {
      w.raw(p.decision_json);
    }
    w.key("decided_at").string(format_rfc3339_utc(p.decided_unix));
    w.key("reviews").begin_array();
    for (const ReviewRecord& v : p.reviews) {
      w.begin_object().key("id").number(v.id).key("reviewer_key_id").number(v.reviewer_key);
      w.key("outcome").string(v.outcome).key("category").string(v.category);
      w.key("note").string(v.note).key("at").string(format_rfc3339_utc(v.at_unix)).end_object();
    }
    w.end_array().key("appeals").begin_array();
    for (const AppealRecord& a : p.appeals) write_appeal(w, a);
    w.end_array().end_object();
    return json_ok(std::move(out));
  }

  static void write_appeal(JsonWriter& w, const AppealRecord& a) {
    w.begin_object().key("id").number(a.id).key("post_id").string(a.post_id);
    w.key("reason").string(a.reason).key("status").string(a.status);
    w.key("filed_at").string(format_rfc3339_utc(a.filed_unix));
    if (a.status != "open") {
      w.key("resolver_key_id")
          .number(a.resolver_key)
          .key("resolution_note")
          .string(a.resolution_note);
      w.key("resolved_at").string(format_rfc3339_utc(a.resolved_unix));
    }
    w.end_object();
  }

  // ---- GET /v1/queue ----
  Response queue(const Request& req) {
    QueueFilter f;
    for (const auto& [k, v] : req.query) {
      if (k == "category") {
        if (!parse_category(v)) return json_error(400, "unknown category", "category");
        f.category = v;
      } else if (k == "action" || k == "severity") {
        // Severity maps onto the action the policy chose: escalate > remove > review.
        if (v != "review" && v != "remove" && v != "escalate") {
          return json_error(400, "must be review, remove or escalate", k);
        }
        f.action = v;
      } else if (k == "min_age" || k == "max_age" || k == "limit" || k == "offset") {
        const auto n = parse_int_param(v);
        if (!n) return json_error(400, "must be a non-negative integer", k);
        if (k == "min_age") f.min_age_seconds = *n;
        if (k == "max_age") f.max_age_seconds = *n;
        if (k == "limit") {
          if (*n < 1 || *n > 500) return json_error(400, "must be between 1 and 500", k);
          f.limit = *n;
        }
        if (k == "offset") f.offset = *n;
      } else {
        return json_error(400, "unknown query parameter", k);
      }
    }
    auto reader = readers_.take();
    if (!reader) return from_error(reader.error());
    const std::int64_t now = clock_.now_unix();
    auto items = (*reader)->queue(f, now);
    if (!items) return from_error(items.error());
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("items").begin_array();
    for (const QueueItem& q : *items) {
      w.begin_object().key("post_id").string(q.post_id).key("action").string(q.action);
      w.key("categories").begin_array();
      std::string_view rest = q.categories_csv;
      while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        w.string(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
      w.end_array().key("decided_at").string(format_rfc3339_utc(q.decided_unix));
      w.key("age_seconds").number(now - q.decided_unix).key("text").string(q.text).end_object();
    }
    w.end_array().key("next_offset");
    if (static_cast<std::int64_t>(items->size()) == f.limit) {
      w.number(f.offset + f.limit);
    } else {
      w.null();
    }
    w.end_object();
    return json_ok(std::move(out));
  }

  // ---- GET /v1/appeals ----
  Response appeals_list(const Request& req) {
    AppealFilter f;
    for (const auto& [k, v] : req.query) {
      if (k == "status") {
        if (v != "open" && v != "upheld" && v != "reversed") {
          return json_error(400, "must be open, upheld or reversed", k);
        }
        f.status = v;
      } else if (k == "limit" || k == "offset") {
        const auto n = parse_int_param(v);
        if (!n) return json_error(400, "must be a non-negative integer", k);
        if (k == "limit" && (*n < 1 || *n > 500)) {
          return json_error(400, "must be between 1 and 500", k);
        }
        (k == "limit" ? f.limit : f.offset) = *n;
      } else {
        return json_error(400, "unknown query parameter", k);
      }
    }
    auto reader = readers_.take();
    if (!reader) return from_error(reader.error());
    auto items = (*reader)->list_appeals(f);
    if (!items) return from_error(items.error());
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("items").begin_array();
    for (const AppealRecord& a : *items) write_appeal(w, a);
    w.end_array().key("next_offset");
    if (static_cast<std::int64_t>(items->size()) == f.limit) {
      w.number(f.offset + f.limit);
    } else {
      w.null();
    }
    w.end_object();
    return json_ok(std::move(out));
  }

  // ---- POST /v1/reviews ----
  Response review(const Request& req, const ApiKeyRecord& key) {
    Body b;
    if (auto err = parse_body(req.body, kReviewFields, b)) {
      return *err;
    }
    ReviewRecord v;
    v.post_id = b.str("post_id");
    v.outcome = b.str("outcome");
    v.category = b.str("category");
    v.note = b.str("note");
    v.reviewer_key = key.id;
    v.at_unix = clock_.now_unix();
    if (v.outcome != "uphold" && v.outcome != "overturn" && v.outcome != "recategorize") {
      return json_error(400, "must be uphold, overturn or recategorize", "outcome");
    }
    if (v.outcome == "recategorize" && !parse_category(v.category)) {
      return json_error(400, "recategorize needs a valid category", "category");
    }
    if (v.outcome != "recategorize" && !v.category.empty()) {
      return json_error(400, "only recategorize takes a category", "category");
    }
    std::string payload;
    JsonWriter w(payload);
    w.begin_object().key("outcome").string(v.outcome).key("category").string(v.category);
    w.key("note_sha256").string(sha256_hex(v.note)).end_object();
    std::lock_guard<std::mutex> lock(writer_mu_);
    auto id = service_writer_->add_review(v, audit("review", v.post_id, key, payload));
    if (!id) return from_error(id.error());
    return json_ok("{\"id\":" + std::to_string(*id) + "}", 201);
  }

  // ---- POST /v1/appeals ----
  Response appeal(const Request& req, const ApiKeyRecord& key) {
    Body b;
    if (auto err = parse_body(req.body, kAppealFields, b)) {
      return *err;
    }
    AppealRecord a;
    a.post_id = b.str("post_id");
    a.reason = b.str("reason");
    a.filed_by_key = key.id;
    a.filed_unix = clock_.now_unix();
    std::string payload;
    JsonWriter w(payload);
    w.begin_object().key("post_id").string(a.post_id);
    w.key("reason_sha256").string(sha256_hex(a.reason)).end_object();
    std::lock_guard<std::mutex> lock(writer_mu_);
    auto id = service_writer_->add_appeal(a, audit("appeal", "", key, payload));
    if (!id) return from_error(id.error());
    return json_ok("{\"id\":" + std::to_string(*id) + ",\"status\":\"open\"}", 201);
  }

  // ---- POST /v1/appeals/{id}/resolve ----
  Response resolve(const Request& req, const std::string& param, const ApiKeyRecord& key) {
    const auto id = parse_int_param(param);
    if (!id) return json_error(400, "appeal id must be a number", "id");
    Body b;
    if (auto err = parse_body(req.body, kResolveFields, b)) {
      return *err;
    }
    const std::string outcome = b.str("outcome");
    if (outcome != "upheld" && outcome != "reversed") {
      return json_error(400, "must be upheld or reversed", "outcome");
    }
    std::lock_guard<std::mutex> lock(writer_mu_);
    auto appeal = service_writer_->get_appeal(*id);
    if (!appeal) return from_error(appeal.error());
    if (!*appeal) return json_error(404, "no appeal with this id", "id");
    if ((*appeal)->status != "open") return json_error(409, "the appeal is already resolved", "id");
    auto decider = service_writer_->last_reviewer((*appeal)->post_id);
    if (!decider) return from_error(decider.error());
    if (*decider == key.id) {
      return json_error(403, "the reviewer who decided the post cannot resolve its appeal");
    }
    std::string payload;
    JsonWriter w(payload);
    w.begin_object().key("post_id").string((*appeal)->post_id).key("outcome").string(outcome);
    w.key("note_sha256").string(sha256_hex(b.str("note"))).end_object();
    auto done = service_writer_->resolve_appeal(
        *id, outcome, key.id, b.str("note"), clock_.now_unix(),
        audit("appeal_resolution", std::to_string(*id), key, payload));
    if (!done) return from_error(done.error());
    if (!*done) return json_error(409, "the appeal is already resolved", "id");
    return json_ok("{\"id\":" + std::to_string(*id) + ",\"status\":\"" + outcome + "\"}");
  }

  // ---- GET /v1/trends (docs/trends.md): aggregates only, every number from >= k authors ----
  Response trends(const Request& req) {
    TrendsOptions t;
    t.k = std::max(options_.trends_k, kMinK);
    t.to = clock_.now_unix() + 1;
    std::optional<std::int64_t> from;
    for (const auto& [k, v] : req.query) {
      if (k == "from" || k == "to") {
        const auto parsed = parse_trend_time(v);
        if (!parsed) return json_error(400, "must be YYYY-MM-DD or an RFC 3339 time", k);
        if (k == "from") {
          from = *parsed;
        } else {
          t.to = *parsed;
        }
      } else if (k == "bucket") {
        if (v != "hour" && v != "day") return json_error(400, "must be hour or day", k);
        t.bucket = v == "hour" ? TrendLevel::kHour : TrendLevel::kDay;
      } else if (k == "top") {
        std::size_t n = 0;
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc() || end != v.data() + v.size()) {
          return json_error(400, "must be a number", k);
        }
        t.top = n;
      } else {
        return json_error(400, "unknown query parameter", k);
      }
    }
    t.from = from.value_or(t.to - std::int64_t{7} * 86400);
    t.emotion_model = options_.trends_emotion_model;
    if (Status s = validate_trends_options(t); !s) {
      return json_error(400, s.error().message, s.error().where);
    }
    Result<TrendsReport> report = make_error(ErrorCode::kInternal, "not run");
    {
      std::lock_guard<std::mutex> lock(writer_mu_);  // the rollups live on the writer connection
      // Streamed: a month of hour cells is a million rows, too many to gather first.
      report = compute_trends(
          [&](const TrendCellQuery& q, const TrendCellVisitor& each) {
            return store_->visit_trend_cells(q, each);
          },
          t);
    }
    if (!report) return from_error(report.error());
    return json_ok(trends_to_json(*report));
  }

  // ---- GET /v1/reports/transparency ----
  Response transparency(const Request& req) {
    std::int64_t to = clock_.now_unix() + 1;  // the period is [from, to): include this second
    std::int64_t from = to - std::int64_t{30} * 86400;
    bool csv = false;
    for (const auto& [k, v] : req.query) {
      if (k == "from" || k == "to") {
        const auto t = parse_time_param(v);
        if (!t) return json_error(400, "must be YYYY-MM-DD or an RFC 3339 time", k);
        (k == "from" ? from : to) = *t;
      } else if (k == "format") {
        if (v != "json" && v != "csv") return json_error(400, "must be json or csv", k);
        csv = v == "csv";
      } else {
        return json_error(400, "unknown query parameter", k);
      }
    }
    if (from >= to) return json_error(400, "must be before 'to'", "from");
    auto reader = readers_.take();
    if (!reader) return from_error(reader.error());
    auto rows = (*reader)->transparency(from, to);
    if (!rows) return from_error(rows.error());
    const TransparencyRows& t = *rows;

    std::map<std::string, std::int64_t> by_detector;
    simdjson::dom::parser parser;
    for (const std::string& record : t.acted_records) {
      simdjson::dom::element doc;
      if (parser.parse(record).get(doc)) continue;
      simdjson::dom::array grounds;
      if (doc["statement"]["grounds"].get_array().get(grounds)) continue;
      for (auto g : grounds) {
        std::string_view s;
        if (!g.get_string().get(s)) ++by_detector[std::string(s)];
      }
    }
    std::int64_t automated_total = 0, human_total = 0, overturned = 0;
    for (const auto& c : t.automated_actions) automated_total += c.n;
    for (const auto& c : t.human_reviews) {
      human_total += c.n;
      if (c.key1 != "uphold") overturned += c.n;
    }
    const std::size_t nd = t.review_delays.size();
    std::optional<double> median;
    if (nd > 0) {
      median = nd % 2 == 1 ? static_cast<double>(t.review_delays[nd / 2])
                           : (static_cast<double>(t.review_delays[nd / 2 - 1]) +
                              static_cast<double>(t.review_delays[nd / 2])) /
                                 2.0;
    }
    Response r;
    if (csv) {
      r.content_type = "text/csv; charset=utf-8";
      std::string& o = r.body;
      o = "section,key,subkey,value\n";
      auto row = [&o](std::string_view s, std::string_view k, std::string_view sk, std::int64_t v) {
        o += csv_field(s) + "," + csv_field(k) + "," + csv_field(sk) + "," + std::to_string(v) +
             "\n";
      };
      row("period", "from", format_rfc3339_utc(from), from);
      row("period", "to", format_rfc3339_utc(to), to);
      row("decisions", "total", "", t.decisions);
      for (const auto& c : t.actions_by_category) row("actions_by_category", c.key1, c.key2, c.n);
      for (const auto& [d, n] : by_detector) row("actions_by_detector", d, "", n);
      for (const auto& c : t.automated_actions) row("automated_actions", c.key1, "", c.n);
      row("automated_actions", "total", "", automated_total);
      for (const auto& c : t.human_reviews) row("human_reviews", c.key1, "", c.n);
      row("human_reviews", "total", "", human_total);
      row("appeals", "filed", "", t.appeals_filed);
      row("appeals", "upheld", "", t.appeals_upheld);
      row("appeals", "reversed", "", t.appeals_reversed);
      row("appeals", "open", "", t.appeals_open);
      row("reversals", "review_overturned_or_recategorized", "", overturned);
      row("reversals", "appeal_reversed", "", t.appeals_reversed);
      if (median) row("time_to_review", "median_seconds", "", std::llround(*median));
      return r;
    }
    JsonWriter w(r.body);
    w.begin_object().key("from").string(format_rfc3339_utc(from));
    w.key("to").string(format_rfc3339_utc(to)).key("decisions").number(t.decisions);
    w.key("actions_by_category").begin_object();
    for (std::size_t i = 0; i < t.actions_by_category.size();) {
      const std::string& cat = t.actions_by_category[i].key1;
      w.key(cat).begin_object();
      for (; i < t.actions_by_category.size() && t.actions_by_category[i].key1 == cat; ++i) {
        w.key(t.actions_by_category[i].key2).number(t.actions_by_category[i].n);
      }
      w.end_object();
    }
    w.end_object().key("actions_by_detector").begin_object();
    for (const auto& [d, n] : by_detector) w.key(d).number(n);
    w.end_object().key("automated").begin_object().key("total").number(automated_total);
    w.key("by_action").begin_object();
    for (const auto& c : t.automated_actions) w.key(c.key1).number(c.n);
    w.end_object().end_object();
    w.key("human").begin_object().key("total").number(human_total).key("by_outcome").begin_object();
    for (const auto& c : t.human_reviews) w.key(c.key1).number(c.n);
    w.end_object().end_object();
    w.key("appeals").begin_object().key("filed").number(t.appeals_filed);
    w.key("upheld").number(t.appeals_upheld).key("reversed").number(t.appeals_reversed);
    w.key("open").number(t.appeals_open).end_object();
    w.key("reversals").begin_object().key("review_overturned_or_recategorized").number(overturned);
    w.key("appeal_reversed").number(t.appeals_reversed).end_object();
    w.key("median_seconds_to_review");
    if (median) {
      w.score(*median);
    } else {
      w.null();
    }
    w.end_object();
    return r;
  }

  // ---- claims ----
  Response claims_list() {
    std::vector<Claim> claims;
    {
      std::lock_guard<std::mutex> lock(writer_mu_);  // Store's claims live on the writer connection
      auto listed = store_->list_claims();
      if (!listed) return from_error(listed.error());
      claims = std::move(listed).value();
    }
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("claims").begin_array();
    for (const Claim& c : claims) {
      w.begin_object().key("id").string(c.id).key("claim").string(c.claim);
      w.key("verdict").string(verdict_name(c.verdict)).key("fact_checker").string(c.fact_checker);
      w.key("source_url").string(c.source_url).key("published").string(c.published);
      w.key("lang").string(c.lang).end_object();
    }
    w.end_array().end_object();
    return json_ok(std::move(out));
  }

  Response claims_put(const Request& req, const ApiKeyRecord& key) {
    Body b;
    if (auto err = parse_body(req.body, kClaimFields, b)) {
      return *err;
    }
    Claim c;
    c.id = b.str("id");
    c.claim = b.str("claim");
    const auto verdict = parse_verdict(b.str("verdict"));
    if (!verdict) return json_error(400, "must be false, misleading, unproven or true", "verdict");
    c.verdict = *verdict;
    c.fact_checker = b.str("fact_checker");
    c.source_url = b.str("source_url");
    c.published = b.str("published");
    c.lang = b.str("lang");
    if (c.id.empty()) return json_error(400, "must not be empty", "id");
    if (c.claim.empty()) return json_error(400, "must not be empty", "claim");
    if (c.fact_checker.empty()) return json_error(400, "must not be empty", "fact_checker");
    if (c.source_url.rfind("http://", 0) != 0 && c.source_url.rfind("https://", 0) != 0) {
      return json_error(400, "must be an http or https URL", "source_url");
    }
    std::string payload;
    JsonWriter w(payload);
    w.begin_object().key("claim_sha256").string(sha256_hex(c.claim));
    w.key("verdict").string(verdict_name(c.verdict)).key("fact_checker").string(c.fact_checker);
    w.key("source_url").string(c.source_url).end_object();
    std::lock_guard<std::mutex> lock(writer_mu_);
    if (Status s = store_->put_claims({c}); !s) return from_error(s.error());
    if (Status s = service_writer_->append_audit(audit("claim", c.id, key, payload)); !s) {
      return from_error(s.error());
    }
    // Matching uses the claims loaded at start; new claims take effect on the next start.
    return json_ok(
        "{\"id\":" +
            [&] {
              std::string s;
              append_json_string(s, c.id);
              return s;
            }() +
            ",\"applies\":\"after restart\"}",
        201);
  }

  // ---- POST /v1/check ----
  // The same check_draft() as `tincay check`, with the claims the server loaded at start.
  Response check(const Request& req) {
    Body b;
    if (auto err = parse_body(req.body, kCheckFields, b)) {
      return *err;
    }
    const std::string lang = b.has("lang") ? b.str("lang") : "vi";
    const auto message_lang = parse_message_lang(lang);
    if (!message_lang) return json_error(400, "must be vi or en", "lang");
    auto checked = check_draft(*pipeline_, b.str("text"), *message_lang);
    if (!checked) return json_error(400, checked.error().message, "text");
    return json_ok(draft_check_to_json(*checked));
  }

  // ---- POST /v1/explain ----
  // The rule playground: what every detector finds on a pasted text. Nothing is stored.
  Response explain(const Request& req) {
    Body b;
    if (auto err = parse_body(req.body, kExplainFields, b)) return *err;
    const std::string text = b.str("text");
    auto explained = explain_text(*pipeline_, text);
    if (!explained) return json_error(400, explained.error().message, "text");
    return json_ok(explanation_to_json(*explained, text));
  }

  // ---- GET /metrics ----
  Response metrics() {
    std::int64_t depth = -1;
    if (auto reader = readers_.take()) {
      if (auto d = (*reader)->queue_depth()) depth = *d;
    }
    Response r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = metrics_.render(depth);
    return r;
  }

  ServeOptions options_;
  SystemClock system_clock_;
  const Clock& clock_;
  std::unique_ptr<Pipeline> pipeline_;
  Pseudonymizer pseudonymizer_;
  std::mutex writer_mu_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ServiceStore> service_writer_;
  int groups_since_checkpoint_ = 0;  // writer thread only
  Pool<ServiceStore> readers_;
  Pool<ScanScratch> scratch_;
  RateLimiter limiter_;
  std::mutex batch_mu_;
  ThreadPool batch_pool_;
  Metrics metrics_;
  std::string openapi_;
  std::mutex key_cache_mu_;
  std::unordered_map<std::string, std::pair<ApiKeyRecord, double>> key_cache_;
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::vector<std::unique_ptr<PendingWrite>> queue_;
  bool stop_ = false;
  std::thread writer_thread_{[this] { write_loop(); }};  // last: starts after everything it uses

 public:
  ~Impl() {
    {
      std::lock_guard<std::mutex> lock(queue_mu_);
      stop_ = true;
    }
    queue_cv_.notify_all();
    writer_thread_.join();
  }
};

Api::Api(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Api::~Api() = default;

Response Api::handle(const Request& request) { return impl_->handle(request); }

void Api::handle_async(const Request& request, Done done) {
  impl_->handle_async(request, std::move(done));
}

Result<std::unique_ptr<Api>> Api::create(const ServeOptions& options) {
  std::string openapi;
  {
    std::ifstream in(options.openapi_path, std::ios::binary);
    if (!in)
      return make_error(ErrorCode::kIo, "cannot read the OpenAPI document", options.openapi_path);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    openapi = buffer.str();
  }
  // The writer's two stores: on SQLite one shared connection (the writer thread alternates
  // between them under writer_mu_, and separate connections would invalidate each other's page
  // cache at every commit), on PostgreSQL a connection each.
  std::unique_ptr<Store> store;
  std::unique_ptr<ServiceStore> service;
  if (is_postgres_location(options.db_path)) {
    auto s = open_service_store(options.db_path);  // creates and migrates
    if (!s) return s.error();
    service = std::move(s).value();
    auto st = open_store(options.db_path);
    if (!st) return st.error();
    store = std::move(st).value();
  } else {
    const std::string& location = options.db_path;
    auto pair = open_sqlite_shared_stores(location.rfind("sqlite://", 0) == 0 ? location.substr(9)
                                                                              : location);
    if (!pair) return pair.error();
    store = std::move(pair->store);
    service = std::move(pair->service);
  }
  auto pipeline = Pipeline::create(options.pipeline);
  if (!pipeline) return pipeline.error();
  auto impl = std::make_unique<Impl>(options, std::move(pipeline).value(), std::move(store),
                                     std::move(service), std::move(openapi));
  return std::make_unique<Api>(std::move(impl));
}

}  // namespace tincay
