// tincay/serve.h — the HTTP API of `tincay serve` (docs/api.md): scanning, the review queue,
// reviews, appeals, claims, the transparency report, health and metrics, over the same Pipeline
// and Store as the CLI. The HTTP library (libmicrohttpd) stays behind HttpServer; everything else
// works on the Request/Response values below, so tests can drive the API without sockets.
//
// Thread safety: Api::handle may run on many threads at once; RateLimiter and Metrics are
// internally synchronized.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tincay/core/result.h"
#include "tincay/core/time.h"
#include "tincay/pipeline.h"

namespace tincay {

// ---- access -------------------------------------------------------------------------------

enum class Role : std::uint8_t { kAdmin, kReviewer, kAnalyst, kIngest };

std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

// One row of the access table: every endpoint the API serves, with the roles allowed to call it.
// `roles` is a bit set over Role (bit 1 << role); kPublic endpoints need no key at all.
struct Endpoint {
  std::string_view method;
  std::string_view pattern;  // "{id}" matches one path segment
  std::string_view name;     // metrics label
  unsigned roles = 0;
};
inline constexpr unsigned kPublic = 0;
inline constexpr unsigned role_bit(Role r) { return 1u << static_cast<unsigned>(r); }

// THE access table (src/serve/access.cc): the one place that says who may call what.
const std::vector<Endpoint>& endpoint_table();
bool role_allowed(const Endpoint& endpoint, Role role);

struct RouteMatch {
  const Endpoint* endpoint = nullptr;  // nullptr: no endpoint has this path (404) ...
  bool wrong_method = false;           // ... or the path exists with another method (405)
  std::string param;                   // the "{id}" segment, when the pattern has one
};
RouteMatch match_route(std::string_view method, std::string_view path);

// A new API key: "tk_" + 64 hex characters (256 random bits).
Result<std::string> new_api_key();
// What is stored for a key: hex SHA-256. Keys are 256-bit random, so there is nothing to
// brute-force and a slow password hash would only make every request slow (docs/api.md).
std::string hash_api_key(std::string_view key);

// Token bucket per key id: `rate` requests/s sustained, `burst` at once. rate <= 0 disables it.
class RateLimiter {
 public:
  RateLimiter(double rate, double burst, const Clock& clock)
      : rate_(rate), burst_(burst), clock_(clock) {}
  // Takes one token from `key`'s bucket; false when it is empty (answer 429).
  bool allow(std::int64_t key);

 private:
  struct Bucket {
    double tokens = 0;
    double last = 0;
  };
  double rate_, burst_;
  const Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::int64_t, Bucket> buckets_;
};

// ---- HTTP values -----------------------------------------------------------------------------

struct Request {
  std::string method;
  std::string path;
  std::map<std::string, std::string> query;
  std::string authorization;  // the Authorization header, verbatim
  std::string body;
  bool body_too_large = false;  // the transport stopped reading at the body limit (413)
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// {"error": message, "field": field} with `status`; "field" is left out when empty.
Response json_error(int status, std::string_view message, std::string_view field = {});

// ---- the service -------------------------------------------------------------------------------

struct ServeOptions {
  std::string db_path = "tincay.db";  // a SQLite file, or postgresql://... (open_store)
  std::string listen_host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (HttpServer::port() tells which)
  std::size_t max_body_bytes = 8u << 20;
  std::size_t max_batch_posts = 10000;
  double rate_limit = 2000;  // requests/s per key; <= 0 disables
  double rate_burst = 4000;
  unsigned timeout_seconds = 30;  // idle/read/write timeout of a connection
  std::size_t http_threads = 2;
  std::size_t scan_threads = 0;      // pipeline workers for batches; 0: all cores
  std::string secret;                // pseudonymization secret (as tincay scan uses)
  std::string openapi_path;          // api/openapi.json
  std::string web_root;              // the dashboard's built files (web/dist); empty: not served
  std::size_t trends_k = 10;         // GET /v1/trends shows numbers from >= trends_k authors (>= 5)
  std::string trends_emotion_model;  // named in GET /v1/trends, e.g. "model:vsmec@1"
  PipelineOptions pipeline;
  const Clock* clock = nullptr;  // nullptr: the system clock; must outlive the Api
};

class Api {
 public:
  // Opens the database (reader and writer connections), loads the pipeline and the OpenAPI
  // document. Errors name the file at fault.
  static Result<std::unique_ptr<Api>> create(const ServeOptions& options);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Answers one request: authentication, access table, rate limit, then the endpoint.
  Response handle(const Request& request);

  // Receives a response; called exactly once per request, and must not block.
  using Done = std::function<void(Response)>;
  // The same, without waiting for the database: `done` is called on this thread before
  // handle_async returns, except for POST /v1/scan, whose answer is sent from the writer thread
  // once its decisions are committed (group commit, docs/api.md). The HTTP server suspends the
  // connection meanwhile, so its threads keep working on other requests.
  void handle_async(const Request& request, Done done);

  class Impl;                                // private to src/serve/api.cc
  explicit Api(std::unique_ptr<Impl> impl);  // use create()

 private:
  std::unique_ptr<Impl> impl_;
};

// libmicrohttpd underneath; runs its own threads until destroyed.
class HttpServer {
 public:
  static Result<std::unique_ptr<HttpServer>> start(Api& api, const ServeOptions& options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  std::uint16_t port() const { return port_; }

  HttpServer() = default;  // use start()
  struct Daemon;           // the libmicrohttpd state, private to http_server.cc

 private:
  std::unique_ptr<Daemon> daemon_;
  std::uint16_t port_ = 0;
};

}  // namespace tincay
