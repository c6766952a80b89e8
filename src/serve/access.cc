// Who may call what: the access table, API keys and the per-key rate limit.
#include <algorithm>

#include "tincay/core/crypto.h"
#include "tincay/core/json_writer.h"
#include "tincay/serve.h"

namespace tincay {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kReviewer:
      return "reviewer";
    case Role::kAnalyst:
      return "analyst";
    case Role::kIngest:
      return "ingest";
  }
  return "?";
}

std::optional<Role> parse_role(std::string_view name) {
  for (const Role r : {Role::kAdmin, Role::kReviewer, Role::kAnalyst, Role::kIngest}) {
    if (role_name(r) == name) return r;
  }
  return std::nullopt;
}

const std::vector<Endpoint>& endpoint_table() {
  constexpr unsigned kAdmin = role_bit(Role::kAdmin);
  constexpr unsigned kReviewer = role_bit(Role::kReviewer);
  constexpr unsigned kAnalyst = role_bit(Role::kAnalyst);
  constexpr unsigned kIngest = role_bit(Role::kIngest);
  // ingest scans; reviewer reads posts and the queue and decides; analyst reads aggregates and
  // reports only (never a post's text); admin manages keys and claims and reads the reports.
  // Appeals may be filed by the platform's integration (ingest) on a user's behalf, or by a
  // reviewer; resolving one is a reviewer's job.
  static const std::vector<Endpoint> table = {
      {"GET", "/healthz", "healthz", kPublic},
      {"GET", "/v1/openapi.json", "openapi", kPublic},
      {"GET", "/metrics", "metrics", kAdmin | kAnalyst},
      {"POST", "/v1/scan", "scan", kIngest},
      {"GET", "/v1/posts/{id}", "post", kReviewer},
      {"GET", "/v1/queue", "queue", kReviewer},
      {"POST", "/v1/reviews", "review", kReviewer},
      {"GET", "/v1/appeals", "appeals_list", kReviewer},
      {"POST", "/v1/appeals", "appeal", kReviewer | kIngest},
      {"POST", "/v1/appeals/{id}/resolve", "appeal_resolve", kReviewer},
      {"GET", "/v1/reports/transparency", "transparency", kAnalyst | kAdmin},
      // Aggregates only (k distinct authors per number), never texts or author keys.
      {"GET", "/v1/trends", "trends", kAnalyst | kReviewer | kAdmin},
      {"GET", "/v1/claims", "claims_list", kAdmin | kReviewer | kAnalyst},
      {"POST", "/v1/claims", "claims_put", kAdmin},
      {"POST", "/v1/check", "check", kAdmin | kReviewer | kIngest},
      // The rule playground explains a text the caller pastes in, never a stored post, so the
      // analyst may use it too (docs/api.md).
      {"POST", "/v1/explain", "explain", kAdmin | kReviewer | kAnalyst},
  };
  return table;
}

bool role_allowed(const Endpoint& endpoint, Role role) {
  return endpoint.roles == kPublic || (endpoint.roles & role_bit(role)) != 0;
}

namespace {

// Matches `path` against `pattern`; "{id}" takes one non-empty segment into `param`.
bool path_matches(std::string_view pattern, std::string_view path, std::string& param) {
  while (!pattern.empty() || !path.empty()) {
    const std::size_t pe = pattern.find('/', 1);
    const std::size_t qe = path.find('/', 1);
    const std::string_view pseg = pattern.substr(0, pe);
    const std::string_view qseg = path.substr(0, qe);
    if (pseg.empty() || qseg.empty()) return false;
    if (pseg == "/{id}") {
      if (qseg.size() < 2) return false;
      param = std::string(qseg.substr(1));
    } else if (pseg != qseg) {
      return false;
    }
    pattern = pe == std::string_view::npos ? std::string_view() : pattern.substr(pe);
    path = qe == std::string_view::npos ? std::string_view() : path.substr(qe);
  }
  return true;
}

}  // namespace

RouteMatch match_route(std::string_view method, std::string_view path) {
  RouteMatch m;
  for (const Endpoint& e : endpoint_table()) {
    std::string param;
    if (!path_matches(e.pattern, path, param)) continue;
    if (e.method == method) {
      m.endpoint = &e;
      m.wrong_method = false;
      m.param = std::move(param);
      return m;
    }
    m.wrong_method = true;
  }
  return m;
}

Result<std::string> new_api_key() {
  auto hex = random_hex(32);
  if (!hex) return hex.error();
  return "tk_" + *hex;
}

std::string hash_api_key(std::string_view key) { return sha256_hex(key); }

bool RateLimiter::allow(std::int64_t key) {
  if (rate_ <= 0) return true;
  const double now = clock_.monotonic_seconds();
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = buckets_.try_emplace(key);
  Bucket& b = it->second;
  if (inserted) {
    b.tokens = burst_;
  } else {
    b.tokens = std::min(burst_, b.tokens + (now - b.last) * rate_);
  }
  b.last = now;
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

Response json_error(int status, std::string_view message, std::string_view field) {
  Response r;
  r.status = status;
  JsonWriter w(r.body);
  w.begin_object().key("error").string(message);
  if (!field.empty()) w.key("field").string(field);
  w.end_object();
  return r;
}

}  // namespace tincay
