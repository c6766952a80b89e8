#include "tincay/core/crypto.h"

#include <vector>

#include <openssl/evp.h>
#include <sodium.h>

namespace tincay {
namespace {

std::string to_hex(const unsigned char* bytes, std::size_t n) {
  std::string out(n * 2, '\0');
  // sodium_bin2hex writes a terminating NUL, so give it room for one more byte.
  std::vector<char> buf(n * 2 + 1);
  sodium_bin2hex(buf.data(), buf.size(), bytes, n);
  out.assign(buf.data(), n * 2);
  return out;
}

// libsodium must be initialised once before use; sodium_init() is idempotent and thread-safe.
bool ensure_sodium() { return sodium_init() >= 0; }

// OpenSSL's SHA-256 uses the CPU's SHA extensions where present (6-8x libsodium's portable
// code, which matters for model checksums at start-up and a hash per stored decision). Fetched
// once and never freed: an implicit fetch per call costs more than hashing a short input.
const EVP_MD* openssl_sha256() {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char out[crypto_hash_sha256_BYTES];
  unsigned int len = 0;
  const EVP_MD* md = openssl_sha256();
  if (md == nullptr || EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1 ||
      len != sizeof out) {
    // Same digest from libsodium when OpenSSL cannot provide it (e.g. a restricted provider).
    crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  }
  return to_hex(out, sizeof out);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, out);
  return to_hex(out, sizeof out);
}

Result<std::string> random_hex(std::size_t n) {
  if (!ensure_sodium()) return make_error(ErrorCode::kInternal, "libsodium failed to initialise");
  std::vector<unsigned char> bytes(n);
  randombytes_buf(bytes.data(), n);
  return to_hex(bytes.data(), n);
}

}  // namespace tincay
