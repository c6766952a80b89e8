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
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>
#include <unordered_map>

#include <simdjson.h>

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
    Lease(Lease&&) = default;
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

// A request body field: its JSON type and whether it must be present.
enum class FieldType { kString, kInt };
struct FieldSpec {
  std::string_view name;
  FieldType type;
  bool required;
};

struct Body {
  std::map<std::string, std::string, std::less<>> strings;
  std::map<std::string, std::int64_t, std::less<>> ints;
  std::string str(std::string_view k) const {
    auto it = strings.find(k);
    return it == strings.end() ? std::string() : it->second;
  }
};

// Parses a JSON object strictly: known fields only, each of its type; errors are 400 naming the
// field.
std::optional<Response> parse_body(const std::string& text, std::initializer_list<FieldSpec> spec,
                                   Body& out) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(text).get(doc); err) {
    return json_error(400, std::string("malformed JSON: ") + simdjson::error_message(err));
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object)) return json_error(400, "the body must be a JSON object");
  for (auto field : object) {
    const std::string_view key = field.key;
    const FieldSpec* s = nullptr;
    for (const FieldSpec& f : spec) {
      if (f.name == key) s = &f;
    }
    const std::string name = utf8::is_valid(key) ? std::string(key) : "?";
    if (s == nullptr) return json_error(400, "unknown field", name);
    if (s->type == FieldType::kString) {
      std::string_view v;
      if (field.value.get_string().get(v)) return json_error(400, "must be a string", name);
      out.strings[name] = std::string(v);
    } else {
      std::int64_t v = 0;
      if (field.value.get_int64().get(v)) return json_error(400, "must be an integer", name);
      out.ints[name] = v;
    }
  }
  for (const FieldSpec& f : spec) {
    if (f.required && out.strings.count(f.name) == 0 && out.ints.count(f.name) == 0) {
      return json_error(400, "missing required field", f.name);
    }
  }
  return std::nullopt;
}

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
        readers_([path = options.db_path] { return open_sqlite_service_store(path); }),
        scratch_([this]() -> Result<std::unique_ptr<ScanScratch>> {
          return std::make_unique<ScanScratch>(pseudonymizer_);
        }),
        limiter_(options.rate_limit, options.rate_burst, clock_),
        batch_pool_(options.scan_threads),
        openapi_(std::move(openapi)) {}

  Response handle(const Request& req) {
    const double start = clock_.monotonic_seconds();
    const RouteMatch route = match_route(req.method, req.path);
    Response r;
    std::string_view name = "unmatched";
    if (route.endpoint == nullptr) {
      r = route.wrong_method ? json_error(405, "method not allowed for " + req.path)
                             : json_error(404, "no such endpoint: " + req.path);
    } else {
      name = route.endpoint->name;
      r = authorize_and_dispatch(req, route);
    }
    metrics_.record(name, r.status, clock_.monotonic_seconds() - start);
    return r;
  }

 private:
  Response authorize_and_dispatch(const Request& req, const RouteMatch& route) {
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
    if (n == "scan") return scan(req, key);
    if (n == "post") return post(route.param);
    if (n == "queue") return queue(req);
    if (n == "review") return review(req, key);
    if (n == "appeal") return appeal(req, key);
    if (n == "appeal_resolve") return resolve(req, route.param, key);
    if (n == "transparency") return transparency(req);
    if (n == "claims_list") return claims_list();
    if (n == "claims_put") return claims_put(req, key);
    if (n == "check") {
      return json_error(501,
                        "POST /v1/check is not implemented yet: use 'tincay check' (docs/api.md)");
    }
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

  // ---- POST /v1/scan ----
  Response scan(const Request& req, const ApiKeyRecord& key) {
    auto scratch = scratch_.take();
    if (!scratch) return from_error(scratch.error());
    std::vector<Post> posts;
    bool batch = false;
    {
      simdjson::dom::element doc;
      if (auto err = (*scratch)->dom.parse(req.body).get(doc); err) {
        return json_error(400, std::string("malformed JSON: ") + simdjson::error_message(err));
      }
      simdjson::dom::object object;
      if (doc.get_object().get(object)) {
        return json_error(400, "the body must be a post object or {\"posts\": [...]}");
      }
      simdjson::dom::array items;
      if (object.size() == 1 && !object["posts"].get_array().get(items)) {
        batch = true;
        if (items.size() == 0) return json_error(400, "empty batch", "posts");
        if (items.size() > options_.max_batch_posts) {
          return json_error(413,
                            "batch of " + std::to_string(items.size()) +
                                " posts exceeds the limit of " +
                                std::to_string(options_.max_batch_posts),
                            "posts");
        }
        posts.reserve(items.size());
        std::size_t i = 0;
        for (simdjson::dom::element item : items) {
          const std::string record = simdjson::minify(item);
          IngestItem parsed = (*scratch)->records.parse(record, "request", i + 1);
          if (auto* rej = std::get_if<Rejection>(&parsed)) {
            return json_error(400, rej->reason, "posts[" + std::to_string(i) + "]");
          }
          posts.push_back(std::get<Post>(std::move(parsed)));
          ++i;
        }
      }
    }
    if (!batch) {
      IngestItem parsed = (*scratch)->records.parse(req.body, "request", 1);
      if (auto* rej = std::get_if<Rejection>(&parsed)) return json_error(400, rej->reason);
      posts.push_back(std::get<Post>(std::move(parsed)));
    }
    // The same calls as tincay scan: process_batch, then decision_to_json per post.
    std::vector<Decision> decisions;
    if (posts.size() == 1) {
      ThreadPool inline_pool(1);  // no extra threads: the request's own thread does the work
      decisions = pipeline_->process_batch(posts, inline_pool);
    } else {
      std::lock_guard<std::mutex> lock(batch_mu_);
      decisions = pipeline_->process_batch(posts, batch_pool_);
    }
    std::vector<std::string> lines(decisions.size());
    std::vector<StoredScan> stored(decisions.size());
    std::vector<AuditEntry> entries;
    entries.reserve(decisions.size());
    for (std::size_t i = 0; i < decisions.size(); ++i) {
      lines[i] = decision_to_json(decisions[i], posts[i].text);
      stored[i] = StoredScan{&posts[i], &decisions[i], lines[i]};
      entries.push_back(
          audit("decision", decisions[i].post_id, key, decision_audit(decisions[i], lines[i])));
    }
    if (Status s = commit_scans(stored, entries); !s) return from_error(s.error());
    metrics_.scanned(decisions);
    if (!batch) return json_ok(std::move(lines[0]));
    std::string out;
    std::size_t total = 32;
    for (const auto& l : lines) total += l.size() + 1;
    out.reserve(total);
    out += "{\"decisions\":[";
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) out += ',';
      out += lines[i];
    }
    out += "]}";
    return json_ok(std::move(out));
  }

  // Group commit: concurrent scan requests queue their rows and wait; the writer thread stores
  // everything queued in one transaction per connection. One commit per request would cap the
  // API at a few thousand requests/s (SQLite has one writer); grouping amortizes it.
  struct PendingWrite {
    const std::vector<StoredScan>* scans;
    std::vector<AuditEntry>* entries;
    bool done = false;
    Status status;
  };

  Status commit_scans(const std::vector<StoredScan>& scans, std::vector<AuditEntry>& entries) {
    PendingWrite pending{&scans, &entries, false, ok_status()};
    std::unique_lock<std::mutex> lock(queue_mu_);
    queue_.push_back(&pending);
    queue_cv_.notify_one();
    done_cv_.wait(lock, [&] { return pending.done; });
    return pending.status;
  }

  void write_loop() {
    std::unique_lock<std::mutex> lock(queue_mu_);
    for (;;) {
      queue_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stop_ and nothing left
      std::vector<PendingWrite*> group;
      group.swap(queue_);
      lock.unlock();
      std::vector<StoredScan> scans;
      std::vector<AuditEntry> entries;
      for (PendingWrite* p : group) {
        scans.insert(scans.end(), p->scans->begin(), p->scans->end());
        for (AuditEntry& e : *p->entries) entries.push_back(std::move(e));
      }
      Status status = ok_status();
      {
        std::lock_guard<std::mutex> writer(writer_mu_);
        status = store_->put_scans(scans);
        // A separate transaction on the audit connection: a crash between the two leaves a
        // stored decision without its audit entry, never an audit entry without its decision.
        if (status) status = service_writer_->append_audit_batch(std::move(entries));
      }
      lock.lock();
      for (PendingWrite* p : group) {
        p->status = status;
        p->done = true;
      }
      done_cv_.notify_all();
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

  // ---- POST /v1/reviews ----
  Response review(const Request& req, const ApiKeyRecord& key) {
    Body b;
    if (auto err = parse_body(req.body,
                              {{"post_id", FieldType::kString, true},
                               {"outcome", FieldType::kString, true},
                               {"category", FieldType::kString, false},
                               {"note", FieldType::kString, false}},
                              b)) {
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
    if (auto err = parse_body(
            req.body,
            {{"post_id", FieldType::kString, true}, {"reason", FieldType::kString, false}}, b)) {
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
    if (auto err = parse_body(
            req.body, {{"outcome", FieldType::kString, true}, {"note", FieldType::kString, false}},
            b)) {
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

  // ---- GET /v1/reports/transparency ----
  Response transparency(const Request& req) {
    std::int64_t to = clock_.now_unix() + 1;  // the period is [from, to): include this second
    std::int64_t from = to - 30 * 86400;
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
    if (auto err = parse_body(req.body,
                              {{"id", FieldType::kString, true},
                               {"claim", FieldType::kString, true},
                               {"verdict", FieldType::kString, true},
                               {"fact_checker", FieldType::kString, true},
                               {"source_url", FieldType::kString, true},
                               {"published", FieldType::kString, false},
                               {"lang", FieldType::kString, false}},
                              b)) {
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
  std::condition_variable done_cv_;
  std::vector<PendingWrite*> queue_;
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
  auto service = open_sqlite_service_store(options.db_path);  // creates and migrates
  if (!service) return service.error();
  auto store = open_sqlite_store(options.db_path);
  if (!store) return store.error();
  auto pipeline = Pipeline::create(options.pipeline);
  if (!pipeline) return pipeline.error();
  auto impl = std::make_unique<Impl>(options, std::move(pipeline).value(), std::move(store).value(),
                                     std::move(service).value(), std::move(openapi));
  return std::make_unique<Api>(std::move(impl));
}

}  // namespace tincay
