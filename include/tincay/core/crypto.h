// tincay/core/crypto.h — the hashes tincay relies on (OpenSSL's SHA-256, which uses the CPU's
// SHA extensions; libsodium for HMAC and random bytes).
#pragma once

#include <string>
#include <string_view>

#include "tincay/core/result.h"

namespace tincay {

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// Lower-case hex HMAC-SHA256 of `message` under `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// `n` cryptographically random bytes as lower-case hex (2n characters).
Result<std::string> random_hex(std::size_t n);

}  // namespace tincay
