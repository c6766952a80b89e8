// Peer server for the HTTP library benchmark (docs/http-library.md): GNU libmicrohttpd.
#include <csignal>
#include <cstring>
#include <string>

#include <microhttpd.h>
#include <unistd.h>

namespace {

struct Body {
  std::string data;
};

MHD_Result handle(void*, MHD_Connection* c, const char*, const char*, const char*,
                  const char* upload, size_t* upload_size, void** state) {
  if (*state == nullptr) {
    *state = new Body();
    return MHD_YES;
  }
  auto* body = static_cast<Body*>(*state);
  if (*upload_size != 0) {
    body->data.append(upload, *upload_size);
    *upload_size = 0;
    return MHD_YES;
  }
  std::string out = "{\"id\":\"x\",\"bytes\":" + std::to_string(body->data.size()) + "}";
  MHD_Response* r = MHD_create_response_from_buffer(out.size(), out.data(), MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(r, "Content-Type", "application/json");
  const MHD_Result ret = MHD_queue_response(c, 200, r);
  MHD_destroy_response(r);
  return ret;
}

void completed(void*, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
  delete static_cast<Body*>(*state);
  *state = nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  const int port = argc > 1 ? std::stoi(argv[1]) : 18082;
  MHD_Daemon* d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
                                   static_cast<uint16_t>(port), nullptr, nullptr, &handle, nullptr,
                                   MHD_OPTION_THREAD_POOL_SIZE, 2u, MHD_OPTION_NOTIFY_COMPLETED,
                                   &completed, nullptr, MHD_OPTION_END);
  if (d == nullptr) return 1;
  pause();
  MHD_stop_daemon(d);
}
