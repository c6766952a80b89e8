// The libmicrohttpd adapter: the only code that sees the HTTP library. It collects a request
// (stopping at the body limit), hands it to Api::handle, and queues the Response.
#include <cstring>
#include <memory>
#include <string>

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tincay/serve.h"

namespace tincay {

struct HttpServer::Daemon {
  Api* api = nullptr;
  std::size_t max_body = 0;
  MHD_Daemon* mhd = nullptr;
  ~Daemon() {
    if (mhd != nullptr) MHD_stop_daemon(mhd);
  }
};

namespace {

// Per-request state, owned by libmicrohttpd between callbacks (a C API: it hands back a void*).
struct Pending {
  Request request;
};

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
  const Response out = daemon->api->handle(pending->request);
  MHD_Response* response = MHD_create_response_from_buffer(
      out.body.size(), const_cast<char*>(out.body.data()), MHD_RESPMEM_MUST_COPY);
  if (response == nullptr) return MHD_NO;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, out.content_type.c_str());
  const MHD_Result ret =
      MHD_queue_response(connection, static_cast<unsigned>(out.status), response);
  MHD_destroy_response(response);
  return ret;
}

void completed(void*, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
  std::unique_ptr<Pending> owned(static_cast<Pending*>(*state));
  *state = nullptr;
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
  d.mhd = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, options.port, nullptr,
                           nullptr, &handle, &d, MHD_OPTION_SOCK_ADDR,
                           reinterpret_cast<const sockaddr*>(&addr), MHD_OPTION_THREAD_POOL_SIZE,
                           static_cast<unsigned>(options.http_threads),
                           MHD_OPTION_CONNECTION_TIMEOUT, options.timeout_seconds,
                           MHD_OPTION_CONNECTION_LIMIT, 1024u, MHD_OPTION_LISTEN_BACKLOG_SIZE,
                           1024u, MHD_OPTION_NOTIFY_COMPLETED, &completed, nullptr, MHD_OPTION_END);
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
