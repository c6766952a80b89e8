// Peer server for the HTTP library benchmark (docs/http-library.md): cpp-httplib.
#include <string>

#include <httplib.h>

int main(int argc, char** argv) {
  httplib::Server server;
  // Keep-alive connections each hold a worker, so the pool must cover the connections.
  const int workers = argc > 2 ? std::stoi(argv[2]) : 64;
  server.new_task_queue = [workers] {
    return new httplib::ThreadPool(workers);  // NOLINT: the library takes an owning raw pointer
  };
  server.set_tcp_nodelay(true);
  server.Post("/v1/scan", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content("{\"id\":\"x\",\"bytes\":" + std::to_string(req.body.size()) + "}",
                    "application/json");
  });
  server.listen("127.0.0.1", argc > 1 ? std::stoi(argv[1]) : 18081);
}
