// Reads physical lines from a FILE* with bounded memory: a line longer than the limit is returned
// cut, flagged as overlong, and the rest of it is skipped without being held in memory.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace tincay {

class LineReader {
 public:
  LineReader(std::FILE* stream, std::size_t max_line_bytes);

  // Reads the next line into `line` without its "\n" or "\r\n". Returns false at end of input
  // (or on a read error, see failed()). A leading UTF-8 byte-order mark on line 1 is dropped.
  bool next(std::string& line);

  std::size_t line_number() const { return line_no_; }  // of the line last returned
  bool overlong() const { return overlong_; }           // the last line was cut
  bool failed() const { return failed_; }
  std::size_t bytes_read() const { return bytes_read_; }

 private:
  bool fill();

  std::FILE* stream_;
  std::size_t max_line_bytes_;
  std::vector<char> buf_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::size_t line_no_ = 0;
  std::size_t bytes_read_ = 0;
  bool eof_ = false;
  bool overlong_ = false;
  bool failed_ = false;
};

}  // namespace tincay
