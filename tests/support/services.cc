#include "tests/support/services.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/subprocess.h"

namespace tincay::testing {
namespace {

namespace fs = std::filesystem;

constexpr uid_t kNobody = 65534;

bool port_open(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

std::string find_in_path(const std::string& name, const std::vector<std::string>& extra) {
  std::vector<std::string> dirs = extra;
  if (const char* path = std::getenv("PATH")) {
    std::string p = path;
    std::size_t start = 0;
    while (start <= p.size()) {
      const std::size_t colon = p.find(':', start);
      dirs.push_back(
          p.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }
  for (const std::string& d : dirs) {
    const std::string candidate = d + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::string make_temp_dir(const char* tag) {
  std::string templ =
      (fs::temp_directory_path() / (std::string("tincay-") + tag + "-XXXXXX")).string();
  if (::mkdtemp(templ.data()) == nullptr) return "";
  return templ;
}

std::string read_file(const std::string& path) {
  std::string out;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fclose(f);
  }
  return out;
}

std::string tail(const std::string& s, std::size_t n = 2000) {
  return s.size() <= n ? s : s.substr(s.size() - n);
}

// A test that crashes leaves its servers running. Each server directory names the test process
// that made it (owner.pid); servers whose owner is gone are stopped and removed here, before a
// new one starts.
void write_owner(const std::string& dir) {
  if (FILE* f = std::fopen((dir + "/owner.pid").c_str(), "w")) {
    std::fprintf(f, "%d\n", static_cast<int>(::getpid()));
    std::fclose(f);
  }
}

bool owner_gone(const fs::path& dir) {
  const std::string pid = read_file((dir / "owner.pid").string());
  if (pid.empty()) return false;  // being set up right now
  const int p = std::atoi(pid.c_str());
  return p > 0 && ::kill(p, 0) != 0 && errno == ESRCH;
}

void clean_stale(const char* tag, const std::function<void(const fs::path&)>& stop) {
  std::error_code ec;
  const std::string prefix = std::string("tincay-") + tag + "-";
  for (const auto& e : fs::directory_iterator(fs::temp_directory_path(), ec)) {
    if (e.path().filename().string().rfind(prefix, 0) != 0 || !owner_gone(e.path())) continue;
    stop(e.path());
    fs::remove_all(e.path(), ec);
  }
}

}  // namespace

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

Process::Process(const std::vector<std::string>& argv, const std::string& log_path,
                 const std::vector<std::string>& env) {
  pid_ = ::fork();
  if (pid_ == 0) {
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::close(fd);
    }
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    for (const std::string& e : env) ::putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    std::_Exit(127);
  }
}

Process::~Process() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  if (wait(20) == -2) {
    ::kill(pid_, SIGKILL);
    (void)wait(5);
  }
}

void Process::signal(int sig) const {
  if (pid_ > 0) ::kill(pid_, sig);
}

int Process::wait(double timeout_s) {
  if (pid_ <= 0) return -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    if (r < 0) {
      pid_ = -1;
      return -1;
    }
    if (std::chrono::steady_clock::now() >= deadline) return -2;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

bool Process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

TempNats::TempNats() {
  const char* env = std::getenv("TINCAY_NATS_SERVER");
  const std::string bin =
      env != nullptr ? env : find_in_path("nats-server", {"/usr/sbin", "/usr/local/bin"});
  if (bin.empty()) {
    error_ =
        "nats-server not found (install it with scripts/setup-deps, or set TINCAY_NATS_SERVER)";
    return;
  }
  clean_stale("nats", [](const fs::path& dir) {
    const int pid = std::atoi(read_file((dir / "server.pid").string()).c_str());
    if (pid > 0) ::kill(pid, SIGKILL);
  });
  dir_ = make_temp_dir("nats");
  write_owner(dir_);
  port_ = free_port();
  server_ =
      std::make_unique<Process>(std::vector<std::string>{bin, "-js", "-sd", dir_ + "/store", "-a",
                                                         "127.0.0.1", "-p", std::to_string(port_)},
                                dir_ + "/nats.log");
  if (FILE* f = std::fopen((dir_ + "/server.pid").c_str(), "w")) {
    std::fprintf(f, "%d\n", static_cast<int>(server_->pid()));
    std::fclose(f);
  }
  for (int i = 0; i < 200; ++i) {
    if (port_open(port_)) return;
    if (!server_->running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  error_ = "nats-server did not start: " + tail(read_file(dir_ + "/nats.log"));
}

TempNats::~TempNats() {
  server_.reset();
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

TempPostgres::TempPostgres() {
  if (const char* env = std::getenv("TINCAY_PG_BIN")) {
    bin_ = env;
  } else {
    // The newest installed major version.
    std::error_code ec;
    std::vector<std::string> versions;
    for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
      if (fs::exists(e.path() / "bin/initdb")) versions.push_back(e.path().string());
    }
    std::sort(versions.begin(), versions.end(), [](const std::string& a, const std::string& b) {
      return std::atoi(fs::path(a).filename().c_str()) < std::atoi(fs::path(b).filename().c_str());
    });
    if (!versions.empty()) {
      bin_ = versions.back() + "/bin";
    } else {
      const std::string initdb = find_in_path("initdb", {"/usr/local/bin"});
      if (!initdb.empty()) bin_ = fs::path(initdb).parent_path().string();
    }
  }
  if (bin_.empty() || ::access((bin_ + "/initdb").c_str(), X_OK) != 0) {
    error_ =
        "PostgreSQL server binaries (initdb, pg_ctl) not found (install postgresql with "
        "scripts/setup-deps, or set TINCAY_PG_BIN)";
    return;
  }
  clean_stale("pg", [this](const fs::path& dir) {
    (void)run_command(as_owner(
        {bin_ + "/pg_ctl", "-D", (dir / "data").string(), "-w", "-m", "immediate", "stop"}));
  });
  dir_ = make_temp_dir("pg");
  if (dir_.empty()) {
    error_ = "cannot create a temporary directory";
    return;
  }
  write_owner(dir_);
  if (::geteuid() == 0 && ::chown(dir_.c_str(), kNobody, static_cast<gid_t>(kNobody)) != 0) {
    error_ = "cannot hand " + dir_ + " to user nobody";
    return;
  }
  const CommandResult init =
      run_command(as_owner({bin_ + "/initdb", "-D", dir_ + "/data", "-U", "tincay", "-A", "trust",
                            "-E", "UTF8", "--locale=C", "--no-sync"}));
  if (init.exit_code != 0) {
    error_ = "initdb failed: " + tail(init.out + init.err);
    return;
  }
  port_ = free_port();
  if (!start()) return;
  const CommandResult db = run_command({bin_ + "/createdb", "-h", "127.0.0.1", "-p",
                                        std::to_string(port_), "-U", "tincay", "tincay"});
  if (db.exit_code != 0) error_ = "createdb failed: " + tail(db.out + db.err);
}

std::vector<std::string> TempPostgres::as_owner(std::vector<std::string> argv) const {
  if (::geteuid() != 0) return argv;
  std::vector<std::string> wrapped = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                                      "--clear-groups", "--"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

bool TempPostgres::start() {
  // fsync off: a test cluster need not survive a machine crash; a server restart keeps every
  // committed transaction either way.
  const CommandResult r = run_command(as_owner(
      {bin_ + "/pg_ctl", "-D", dir_ + "/data", "-l", dir_ + "/server.log", "-w", "-t", "60", "-o",
       "-p " + std::to_string(port_) + " -c listen_addresses=127.0.0.1 -k " + dir_ +
           " -c fsync=off -c full_page_writes=off -c max_connections=50",
       "start"}));
  if (r.exit_code != 0) {
    error_ = "pg_ctl start failed: " + tail(r.out + r.err) + "\n" +
             tail(read_file(dir_ + "/server.log"));
    return false;
  }
  return true;
}

bool TempPostgres::restart() {
  const CommandResult r =
      run_command(as_owner({bin_ + "/pg_ctl", "-D", dir_ + "/data", "-w", "-m", "fast", "stop"}));
  if (r.exit_code != 0) {
    error_ = "pg_ctl stop failed: " + tail(r.out + r.err);
    return false;
  }
  return start();
}

std::string TempPostgres::url() const {
  return "postgresql://tincay@127.0.0.1:" + std::to_string(port_) + "/tincay";
}

std::string TempPostgres::create_database(const std::string& name) {
  const CommandResult r = run_command(
      {bin_ + "/createdb", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U", "tincay", name});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return "postgresql://tincay@127.0.0.1:" + std::to_string(port_) + "/" + name;
}

std::string TempPostgres::query(const std::string& sql, const std::string& database) {
  const CommandResult r =
      run_command({bin_ + "/psql", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U", "tincay",
                   "-d", database, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql});
  EXPECT_EQ(r.exit_code, 0) << sql << ": " << r.err;
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

TempPostgres::~TempPostgres() {
  if (!dir_.empty() && port_ != 0) {
    (void)run_command(
        as_owner({bin_ + "/pg_ctl", "-D", dir_ + "/data", "-w", "-m", "immediate", "stop"}));
  }
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

}  // namespace tincay::testing
