// The libmicrohttpd adapter: the only code that sees the HTTP library. It collects a request
// (stopping at the body limit), hands it to Api::handle_async, and queues the Response; a scan's
// connection is suspended until its decisions are committed, so no HTTP thread waits for SQLite.
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tincay/serve.h"

#include "src/serve/static_files.h"

namespace tincay {

struct HttpServer::Daemon {
  Api* api = nullptr;
  std::size_t max_body = 0;
  std::string web_root;  // the dashboard's files; empty: none are served
  MHD_Daemon* mhd = nullptr;
  // Requests handed to Api::handle_async whose answer has not been queued yet. A suspended
  // connection must be resumed before MHD_stop_daemon, so shutting down first stops new
  // asynchronous requests (`stopping`: they are answered synchronously) and waits for these.
  std::mutex mu;
  std::condition_variable idle;
  std::size_t in_flight = 0;
  bool stopping = false;
  ~Daemon() {
    if (mhd == nullptr) return;
    {
      std::unique_lock<std::mutex> lock(mu);
      stopping = true;
      // Bounded: the writer answers every queued scan, so this only waits for the last commit.
      idle.wait_for(lock, std::chrono::seconds(30), [this] { return in_flight == 0; });
    }
    MHD_stop_daemon(mhd);
  }
};

namespace {

// Per-request state, owned by libmicrohttpd between callbacks (a C API: it hands back a void*).
struct Pending {
  Request request;
  bool dispatched = false;  // handed to the API
  bool in_flight = false;   // counted in Daemon::in_flight
  // Filled by the API's callback, possibly on the writer thread while the connection is
  // suspended; `mu` orders the callback against suspending.
  std::mutex mu;
  bool ready = false;
  bool suspended = false;
  Response response;
};

// The API's answer to `pending`, or nullopt when the connection has been suspended until it is
// ready (a scan waiting for its commit); libmicrohttpd then calls handle() again on resume.
std::optional<Response> answer_api(HttpServer::Daemon& daemon, MHD_Connection* connection,
                                   Pending& pending) {
  if (!pending.dispatched) {
    pending.dispatched = true;
    {
      std::lock_guard<std::mutex> lock(daemon.mu);
      if (daemon.stopping) return daemon.api->handle(pending.request);
      ++daemon.in_flight;
      pending.in_flight = true;
    }
    daemon.api->handle_async(pending.request, [connection, &pending](Response r) {
      std::lock_guard<std::mutex> lock(pending.mu);
      pending.response = std::move(r);
      pending.ready = true;
      if (pending.suspended) MHD_resume_connection(connection);
    });
    std::lock_guard<std::mutex> lock(pending.mu);
    if (!pending.ready) {
      pending.suspended = true;
      MHD_suspend_connection(connection);
      return std::nullopt;
    }
  }
  Response out;
  {
    std::lock_guard<std::mutex> lock(pending.mu);
    if (!pending.ready) return std::nullopt;  // a spurious call while suspended
    out = std::move(pending.response);
  }
  if (pending.in_flight) {
    pending.in_flight = false;
    std::lock_guard<std::mutex> lock(daemon.mu);
    if (--daemon.in_flight == 0) daemon.idle.notify_all();
  }
  return out;
}

// Frees a response body handed to libmicrohttpd (see handle()).
void release_body(void* body) { std::unique_ptr<std::string>(static_cast<std::string*>(body)); }

MHD_Result collect_query(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* query = static_cast<std::map<std::string, std::string>*>(cls);
  (*query)[key] = value != nullptr ? value : "";
  return MHD_YES;
}

MHD_Result handle(void* cls, MHD_Connection* connection, const char* url, const char* method,
                  const char*, const char* upload, std::size_t* upload_size, void** state) {
  auto* daemon = static_cast<HttpServer::Daemon*>(cls);
  if (*state == nullptr) {
    auto pending = std::make_unique<Pending>();
    pending->request.method = method;
    pending->request.path = url;
    const char* auth =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (auth != nullptr) pending->request.authorization = auth;
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &collect_query,
                              &pending->request.query);
    *state = pending.release();  // freed in completed()
    return MHD_YES;
  }
  auto* pending = static_cast<Pending*>(*state);
  if (*upload_size != 0) {
    Request& r = pending->request;
    if (!r.body_too_large) {
      if (r.body.size() + *upload_size > daemon->max_body) {
        r.body_too_large = true;
        r.body.clear();
        r.body.shrink_to_fit();
      } else {
        r.body.append(upload, *upload_size);
      }
    }
    *upload_size = 0;
    return MHD_YES;
  }
  // The dashboard's pages and assets (src/serve/static_files.cc); everything else is the API.
  StaticResponse dashboard;
  const bool is_static = !daemon->web_root.empty() &&
                         is_dashboard_request(pending->request.method, pending->request.path);
  if (is_static) dashboard = serve_static_file(daemon->web_root, pending->request.path);
  std::optional<Response> api_out;
  if (!is_static) {
    api_out = answer_api(*daemon, connection, *pending);
    if (!api_out) return MHD_YES;  // suspended until the scan is committed
  }
  Response out = is_static ? std::move(dashboard.response) : std::move(*api_out);
  // The body is handed over, not copied (a batch's answer is most of a megabyte): libmicrohttpd
  // sends from it and calls release_body when done with the response.
  auto body = std::make_unique<std::string>(std::move(out.body));
  MHD_Response* response = MHD_create_response_from_buffer_with_free_callback_cls(
      body->size(), body->data(), &release_body, body.get());
  if (response == nullptr) return MHD_NO;
  (void)body.release();  // owned by the response now
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, out.content_type.c_str());
  for (const auto& [name, value] : dashboard.headers) {
    MHD_add_response_header(response, name.c_str(), value.c_str());
  }
  const MHD_Result ret =
      MHD_queue_response(connection, static_cast<unsigned>(out.status), response);
  MHD_destroy_response(response);
  return ret;
}

void completed(void* cls, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
  std::unique_ptr<Pending> owned(static_cast<Pending*>(*state));
  *state = nullptr;
  // A resumed connection whose client has gone is closed without calling handle() again.
  if (owned && owned->in_flight) {
    auto* daemon = static_cast<HttpServer::Daemon*>(cls);
    std::lock_guard<std::mutex> lock(daemon->mu);
    if (--daemon->in_flight == 0) daemon->idle.notify_all();
  }
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::start(Api& api, const ServeOptions& options) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(options.port);
  if (inet_pton(AF_INET, options.listen_host.c_str(), &addr.sin_addr) != 1) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--listen: '" + options.listen_host + "' is not an IPv4 address");
  }
  auto server = std::make_unique<HttpServer>();
  server->daemon_ = std::make_unique<Daemon>();
  Daemon& d = *server->daemon_;
  d.api = &api;
  d.max_body = options.max_body_bytes;
  d.web_root = options.web_root;
  d.mhd = MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, options.port,
      nullptr, nullptr, &handle, &d, MHD_OPTION_SOCK_ADDR, reinterpret_cast<const sockaddr*>(&addr),
      MHD_OPTION_THREAD_POOL_SIZE, static_cast<unsigned>(options.http_threads),
      MHD_OPTION_CONNECTION_TIMEOUT, options.timeout_seconds, MHD_OPTION_CONNECTION_LIMIT, 1024u,
      MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_NOTIFY_COMPLETED, &completed, &d,
      MHD_OPTION_END);
  if (d.mhd == nullptr) {
    return make_error(ErrorCode::kIo, "cannot listen on " + options.listen_host + ":" +
                                          std::to_string(options.port) + ": " +
                                          std::strerror(errno));
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(d.mhd, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info != nullptr ? info->port : options.port;
  return server;
}

HttpServer::~HttpServer() = default;

}  // namespace tincay
