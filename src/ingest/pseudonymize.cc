#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tincay/core/crypto.h"
#include "tincay/ingest.h"

namespace tincay {

std::string Pseudonymizer::author_key(std::string_view platform, std::string_view author) const {
  if (author.empty()) return {};
  std::string message;
  message.reserve(platform.size() + 1 + author.size());
  message.append(platform).append(":").append(author);
  return hmac_sha256_hex(secret_, message);
}

Result<std::string> load_or_create_secret(const std::string& path) {
  if (const char* env = std::getenv("TINCAY_SECRET"); env != nullptr && *env != '\0') {
    return std::string(env);
  }
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    std::string secret = ss.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.size() < 16) {
      return make_error(ErrorCode::kInvalidInput,
                        "deployment secret is shorter than 16 bytes; delete it to make a new one",
                        path);
    }
    return secret;
  }
  auto secret = random_hex(32);
  if (!secret) return secret.error();
  // O_EXCL: if two processes race to create the secret, one wins and the other reads it back.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return load_or_create_secret(path);
    return make_error(ErrorCode::kIo,
                      std::string("cannot create deployment secret: ") + std::strerror(errno),
                      path);
  }
  const std::string line = *secret + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!written) return make_error(ErrorCode::kIo, "cannot write deployment secret", path);
  return *secret;
}

}  // namespace tincay
