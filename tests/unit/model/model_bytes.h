// Test helper for model-file tests: a model file's bytes with one more meta feature bit set, to
// check that a file of an older format version may not use a bit a later version introduced.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "tincay/detect/model.h"

namespace tincay::model_test_support {

// The bytes of the model file at `path` (loaded as `model`) with `bit` added to its meta byte,
// which comes just before the hash seed. Records a test failure and returns "" when the meta
// byte is not found there.
inline std::string model_bytes_with_meta_bit(const std::string& path, const Model& model,
                                             std::uint8_t bit) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::uint8_t meta = model.info().features.meta;
  const std::uint32_t seed = model.info().features.hash_seed;
  std::string seed_bytes(4, '\0');
  std::memcpy(seed_bytes.data(), &seed, 4);
  const auto at = bytes.find(seed_bytes);
  if (at == std::string::npos || at == 0 || static_cast<std::uint8_t>(bytes[at - 1]) != meta) {
    ADD_FAILURE() << path << ": no meta byte before the hash seed";
    return "";
  }
  bytes[at - 1] = static_cast<char>(meta | bit);
  return bytes;
}

}  // namespace tincay::model_test_support
