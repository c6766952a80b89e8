// The bytes behind a Model: a read-only memory mapping of a model file, or an aligned copy of
// bytes given in memory. Private to src/detect/model/.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "tincay/core/result.h"
#include "tincay/detect/model.h"

namespace tincay {

class MappedFile {
 public:
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // Maps `path` read-only. Errors name the path.
  static Result<std::unique_ptr<MappedFile>> open(const std::string& path);
  // Holds a 16-byte aligned copy of `bytes`.
  static std::unique_ptr<MappedFile> from_bytes(std::string bytes);

  const unsigned char* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  MappedFile() = default;

  void* mapped_ = nullptr;
  std::vector<std::max_align_t> owned_;
  const unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace tincay
