// Progress on stderr for long runs: only when stderr is a terminal, at most a few times a second.
#pragma once

#include <cstdio>

#include "tincay/core/time.h"

namespace tincay::cli {

class Progress {
 public:
  // `stream` may be null (quiet). Progress shows only when it is a terminal.
  Progress(std::FILE* stream, const Clock& clock);
  void update(std::size_t read, std::size_t rejected, std::size_t bytes);
  // Erases the progress line so a message can be printed on a clean line.
  void clear_line();
  void finish() { clear_line(); }

 private:
  std::FILE* stream_;
  const Clock& clock_;
  bool active_ = false;
  bool shown_ = false;
  double start_;
  double last_ = 0;
};

}  // namespace tincay::cli
