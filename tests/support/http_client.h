// A tiny HTTP/1.1 client over loopback sockets and a helper that runs `tincay serve` in the
// background, for the end-to-end tests of the API.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace tincay::testing {

struct HttpResponse {
  int status = 0;  // 0 when the connection failed
  std::string body;
};

// One request on a fresh connection ("Connection: close"); headers as {name, value}.
HttpResponse http_request(std::uint16_t port, const std::string& method, const std::string& path,
                          const std::string& body = "",
                          const std::vector<std::pair<std::string, std::string>>& headers = {});

// Starts argv (a `tincay serve ... --listen 127.0.0.1:0`), waits for its "listening on" line and
// remembers the port; the destructor sends SIGTERM and waits for the process.
class ServerProcess {
 public:
  explicit ServerProcess(const std::vector<std::string>& argv);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  std::uint16_t port() const { return port_; }  // 0 when the server did not come up
  // Sends SIGTERM and returns the exit status (-1 when it did not exit normally).
  int stop();

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace tincay::testing
