#include "src/cli/progress.h"

#include <unistd.h>

namespace tincay::cli {

Progress::Progress(std::FILE* stream, const Clock& clock)
    : stream_(stream),
      clock_(clock),
      active_(stream != nullptr && ::isatty(::fileno(stream)) == 1),
      start_(clock.monotonic_seconds()) {}

void Progress::update(std::size_t read, std::size_t rejected, std::size_t bytes) {
  if (!active_) return;
  const double now = clock_.monotonic_seconds();
  if (now - last_ < 0.25) return;
  last_ = now;
  const double secs = now - start_;
  std::fprintf(stream_, "\r\033[K%zu read, %zu rejected, %.1f MB, %.0f posts/s", read, rejected,
               static_cast<double>(bytes) / 1e6, secs > 0 ? static_cast<double>(read) / secs : 0.0);
  std::fflush(stream_);
  shown_ = true;
}

void Progress::clear_line() {
  if (!shown_) return;
  std::fputs("\r\033[K", stream_);
  shown_ = false;
}

}  // namespace tincay::cli
