#include "src/ingest/line_reader.h"

#include <cstring>

namespace tincay {

LineReader::LineReader(std::FILE* stream, std::size_t max_line_bytes)
    : stream_(stream), max_line_bytes_(max_line_bytes), buf_(1u << 20) {}

bool LineReader::fill() {
  if (eof_) return false;
  pos_ = 0;
  end_ = std::fread(buf_.data(), 1, buf_.size(), stream_);
  bytes_read_ += end_;
  if (end_ == 0) {
    eof_ = true;
    if (std::ferror(stream_)) failed_ = true;
    return false;
  }
  return true;
}

bool LineReader::next(std::string& line) {
  line.clear();
  overlong_ = false;
  bool any = false;
  for (;;) {
    if (pos_ == end_ && !fill()) break;
    any = true;
    const char* start = buf_.data() + pos_;
    const auto* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
    const std::size_t n = nl != nullptr ? static_cast<std::size_t>(nl - start) : end_ - pos_;
    const std::size_t room = max_line_bytes_ > line.size() ? max_line_bytes_ - line.size() : 0;
    if (n > room) overlong_ = true;
    line.append(start, n < room ? n : room);
    pos_ += n;
    if (nl != nullptr) {
      ++pos_;
      break;
    }
  }
  if (!any) return false;
  ++line_no_;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line_no_ == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
  return true;
}

}  // namespace tincay
