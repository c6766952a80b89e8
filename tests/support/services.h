// Throwaway servers for tests of the scale-out path: a NATS server with JetStream and a
// PostgreSQL cluster, each in a fresh temporary directory on a free loopback port, stopped and
// removed by their destructors; and a background process handle for tincay workers.
//
// Binaries: nats-server from PATH (or $TINCAY_NATS_SERVER); initdb/pg_ctl from $TINCAY_PG_BIN,
// else the newest /usr/lib/postgresql/*/bin, else PATH. scripts/setup-deps installs both. When
// running as root, the cluster runs as user nobody (initdb refuses root) through setpriv.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

namespace tincay::testing {

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

// A background process whose stdout and stderr go to `log_path`.
class Process {
 public:
  Process(const std::vector<std::string>& argv, const std::string& log_path,
          const std::vector<std::string>& env = {});
  ~Process();  // SIGTERM, then SIGKILL after 20 s
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  pid_t pid() const { return pid_; }
  void signal(int sig) const;
  // Waits up to `timeout_s`; the exit status, or -1 when killed by a signal, -2 on timeout.
  int wait(double timeout_s);
  bool running();

 private:
  pid_t pid_ = -1;
};

class TempNats {
 public:
  TempNats();
  ~TempNats();
  TempNats(const TempNats&) = delete;
  TempNats& operator=(const TempNats&) = delete;
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }  // why it did not start
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string dir_, error_;
  int port_ = 0;
  std::unique_ptr<Process> server_;
};

class TempPostgres {
 public:
  TempPostgres();
  ~TempPostgres();
  TempPostgres(const TempPostgres&) = delete;
  TempPostgres& operator=(const TempPostgres&) = delete;
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  std::string url() const;  // postgresql://tincay@127.0.0.1:PORT/tincay
  // Creates another database in the cluster and returns its URL.
  std::string create_database(const std::string& name);
  // pg_ctl stop -m fast, then start again on the same port. Returns false with error() set.
  bool restart();
  // Runs SQL through psql and returns its unaligned output, rows separated by '\n', columns by
  // '|'. Fails the current test on error.
  std::string query(const std::string& sql, const std::string& database = "tincay");

 private:
  std::vector<std::string> as_owner(std::vector<std::string> argv) const;
  bool start();
  std::string bin_, dir_, error_;
  int port_ = 0;
};

}  // namespace tincay::testing
