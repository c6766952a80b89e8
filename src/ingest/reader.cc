// File and stdin readers for JSONL and CSV.
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "tincay/core/json_writer.h"
#include "tincay/core/utf8.h"
#include "tincay/ingest.h"

#include "src/ingest/line_reader.h"
#include "src/ingest/post_builder.h"

namespace tincay {
namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// Owns the stream when it opened it.
struct StreamHandle {
  std::FILE* stream = nullptr;
  bool owned = false;
  ~StreamHandle() {
    if (owned && stream != nullptr) std::fclose(stream);
  }
};

class JsonlReader final : public RecordReader {
 public:
  JsonlReader(std::FILE* stream, bool owned, std::string name, const IngestOptions& options,
              const Pseudonymizer& pseudonymizer)
      : handle_{stream, owned},
        name_(std::move(name)),
        lines_(stream, options.max_record_bytes),
        parser_(pseudonymizer),
        max_bytes_(options.max_record_bytes) {}

  std::optional<IngestItem> next() override {
    while (lines_.next(line_)) {
      if (lines_.overlong()) {
        return Rejection{name_, lines_.line_number(),
                         "record longer than " + std::to_string(max_bytes_) + " bytes", line_};
      }
      if (line_.find_first_not_of(" \t") == std::string::npos) continue;  // blank line
      return parser_.parse(line_, name_, lines_.line_number());
    }
    if (lines_.failed()) return read_error();
    return std::nullopt;
  }

  std::size_t bytes_read() const override { return lines_.bytes_read(); }

 private:
  std::optional<IngestItem> read_error() {
    if (reported_error_) return std::nullopt;
    reported_error_ = true;
    return Rejection{
        name_, lines_.line_number() + 1, "read error: " + std::string(std::strerror(errno)), {}};
  }

  StreamHandle handle_;
  std::string name_;
  LineReader lines_;
  JsonRecordParser parser_;
  std::size_t max_bytes_;
  std::string line_;
  bool reported_error_ = false;
};

class CsvReader final : public RecordReader {
 public:
  CsvReader(std::FILE* stream, bool owned, std::string name, const IngestOptions& options,
            const Pseudonymizer& pseudonymizer)
      : handle_{stream, owned},
        name_(std::move(name)),
        lines_(stream, options.max_record_bytes),
        pseudonymizer_(pseudonymizer),
        max_bytes_(options.max_record_bytes) {}

  Status read_header() {
    std::size_t first_line = 0;
    bool too_long = false;
    if (!read_record(first_line, too_long)) {
      return make_error(ErrorCode::kInvalidInput, "empty CSV file: a header row is required",
                        name_ + ":1");
    }
    if (too_long || !utf8::is_valid(record_)) {
      return make_error(ErrorCode::kInvalidInput, "unreadable CSV header row", name_ + ":1");
    }
    split_csv_record(record_, fields_);
    for (const std::string& raw : fields_) {
      std::string column = lower_ascii(trim(raw));
      for (const std::string& seen : header_) {
        if (seen == column) {
          return make_error(ErrorCode::kInvalidInput, "duplicate CSV column \"" + column + "\"",
                            name_ + ":" + std::to_string(first_line));
        }
      }
      header_.push_back(std::move(column));
    }
    bool has_text = false;
    for (const std::string& column : header_) has_text = has_text || column == "text";
    if (!has_text) {
      return make_error(ErrorCode::kInvalidInput, "CSV header has no \"text\" column",
                        name_ + ":" + std::to_string(first_line));
    }
    return ok_status();
  }

  std::optional<IngestItem> next() override {
    std::size_t first_line = 0;
    bool too_long = false;
    while (read_record(first_line, too_long)) {
      if (too_long) {
        return Rejection{name_, first_line,
                         "record longer than " + std::to_string(max_bytes_) + " bytes", record_};
      }
      if (record_.find_first_not_of(" \t") == std::string::npos) continue;
      return parse_record(first_line);
    }
    if (lines_.failed() && !reported_error_) {
      reported_error_ = true;
      return Rejection{name_, lines_.line_number() + 1, "read error", {}};
    }
    return std::nullopt;
  }

  std::size_t bytes_read() const override { return lines_.bytes_read(); }

 private:
  // Reads one logical record, which spans several lines when a quoted field holds newlines.
  bool read_record(std::size_t& first_line, bool& too_long) {
    record_.clear();
    too_long = false;
    bool started = false;
    while (lines_.next(line_)) {
      if (!started) first_line = lines_.line_number();
      if (started) record_.push_back('\n');
      started = true;
      too_long = too_long || lines_.overlong() || record_.size() + line_.size() > max_bytes_;
      if (!too_long) record_ += line_;
      // A record cut for length ends at this line; the next line starts a fresh record.
      if (too_long || split_csv_record(record_, fields_)) return true;
    }
    if (started) unterminated_ = true;
    return started;
  }

  IngestItem parse_record(std::size_t line_no) {
    auto rejection = [&](std::string reason) {
      return Rejection{name_, line_no, std::move(reason), record_};
    };
    if (unterminated_) return rejection("quoted field not closed before the end of the file");
    if (const std::size_t bad = utf8::first_invalid(record_); bad != record_.size()) {
      return rejection("invalid UTF-8 at byte " + std::to_string(bad + 1) + " of the record");
    }
    split_csv_record(record_, fields_);
    if (fields_.size() != header_.size()) {
      return rejection("expected " + std::to_string(header_.size()) + " fields, found " +
                       std::to_string(fields_.size()));
    }
    PostFields known;
    std::string metadata;
    JsonWriter meta(metadata);
    meta.begin_object();
    for (std::size_t i = 0; i < header_.size(); ++i) {
      std::string_view* slot = known.slot(header_[i]);
      if (slot != nullptr) {
        *slot = fields_[i];
      } else if (!fields_[i].empty()) {
        meta.key(header_[i]).string(fields_[i]);
      }
    }
    meta.end_object();
    auto post = build_post(known, std::move(metadata), pseudonymizer_);
    if (!post) return rejection(post.error().message);
    post->source = name_;
    post->line = line_no;
    return std::move(post).value();
  }

  StreamHandle handle_;
  std::string name_;
  LineReader lines_;
  const Pseudonymizer& pseudonymizer_;
  std::size_t max_bytes_;
  std::vector<std::string> header_;
  std::vector<std::string> fields_;
  std::string line_;
  std::string record_;
  bool unterminated_ = false;
  bool reported_error_ = false;
};

Result<std::unique_ptr<RecordReader>> make_reader_impl(std::FILE* stream, bool owned,
                                                       std::string name, InputFormat format,
                                                       const IngestOptions& options,
                                                       const Pseudonymizer& pseudonymizer) {
  if (format == InputFormat::kCsv) {
    auto reader =
        std::make_unique<CsvReader>(stream, owned, std::move(name), options, pseudonymizer);
    TINCAY_TRY(reader->read_header());
    return std::unique_ptr<RecordReader>(std::move(reader));
  }
  return std::unique_ptr<RecordReader>(
      std::make_unique<JsonlReader>(stream, owned, std::move(name), options, pseudonymizer));
}

}  // namespace

InputFormat guess_format(std::string_view path) {
  const std::string lower = lower_ascii(path);
  return lower.size() >= 4 && lower.compare(lower.size() - 4, 4, ".csv") == 0 ? InputFormat::kCsv
                                                                              : InputFormat::kJsonl;
}

std::optional<InputFormat> parse_input_format(std::string_view name) {
  if (name == "jsonl" || name == "json") return InputFormat::kJsonl;
  if (name == "csv") return InputFormat::kCsv;
  return std::nullopt;
}

Result<std::unique_ptr<RecordReader>> open_reader(const std::string& path, InputFormat format,
                                                  const IngestOptions& options,
                                                  const Pseudonymizer& pseudonymizer) {
  if (path == "-") return make_reader_impl(stdin, false, "<stdin>", format, options, pseudonymizer);
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return make_error(ErrorCode::kInvalidArgument, "is a directory, not a file of posts", path);
  }
  std::FILE* stream = std::fopen(path.c_str(), "rb");
  if (stream == nullptr) {
    return make_error(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                      std::string("cannot open: ") + std::strerror(errno), path);
  }
  return make_reader_impl(stream, true, path, format, options, pseudonymizer);
}

Result<std::unique_ptr<RecordReader>> make_reader(std::FILE* stream, std::string name,
                                                  InputFormat format, const IngestOptions& options,
                                                  const Pseudonymizer& pseudonymizer) {
  return make_reader_impl(stream, false, std::move(name), format, options, pseudonymizer);
}

}  // namespace tincay
