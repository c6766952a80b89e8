// tincay/ingest.h — stage 1: turns files and streams of records into validated Posts.
//
// Each record becomes either a Post (validated UTF-8, parsed created_at, author pseudonymized)
// or a Rejection naming the source, line and reason. A bad record never stops the stream: the
// caller reports it and asks for the next one.
//
// Thread safety: a RecordReader is used by one thread at a time. Pseudonymizer is immutable.
#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tincay/core/post.h"
#include "tincay/core/result.h"

namespace tincay {

// author_key = hex HMAC-SHA256(secret, platform ":" author). The raw author is dropped here.
class Pseudonymizer {
 public:
  explicit Pseudonymizer(std::string secret) : secret_(std::move(secret)) {}
  std::string author_key(std::string_view platform, std::string_view author) const;

 private:
  std::string secret_;
};

// The deployment secret: $TINCAY_SECRET when set (and non-empty); otherwise the file at `path`,
// created with 64 random hex characters and mode 0600 when it does not exist yet.
Result<std::string> load_or_create_secret(const std::string& path);

enum class InputFormat { kJsonl, kCsv };

// .csv (any case) is CSV; everything else, stdin included, is JSONL.
InputFormat guess_format(std::string_view path);
// The value of a --format option: "jsonl" (or "json") or "csv"; nullopt for anything else.
std::optional<InputFormat> parse_input_format(std::string_view name);

struct IngestOptions {
  // Records longer than this are rejected without being parsed (the reader skips to the next
  // line without holding the rest in memory).
  std::size_t max_record_bytes = 8u << 20;
};

struct Rejection {
  std::string source;  // file name, or "<stdin>"
  std::size_t line = 0;
  std::string reason;
  std::string raw;  // the record as read (for --rejects), possibly cut at max_record_bytes
};

using IngestItem = std::variant<Post, Rejection>;

// Parses JSONL lines into Posts. Holds a reusable parser, so keep one per thread.
// Never throws and never crashes on any input (fuzzed by fuzz/ingest_fuzz.cc).
class JsonRecordParser {
 public:
  explicit JsonRecordParser(const Pseudonymizer& pseudonymizer);
  ~JsonRecordParser();
  JsonRecordParser(const JsonRecordParser&) = delete;
  JsonRecordParser& operator=(const JsonRecordParser&) = delete;

  // `line` is one record without its line terminator; it need not be NUL-terminated.
  IngestItem parse(std::string_view line, std::string_view source, std::size_t line_no);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits one CSV record (RFC 4180; quoted fields may hold commas, quotes as "" and newlines) into
// fields. Returns false when a quoted field is still open at the end of `record`.
bool split_csv_record(std::string_view record, std::vector<std::string>& fields);

// Reads records from a file or stdin, one at a time.
class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // The next record, or nullopt at the end of input. Read errors are returned as a Rejection
  // whose reason starts with "read error".
  virtual std::optional<IngestItem> next() = 0;
  // Bytes consumed so far (for progress).
  virtual std::size_t bytes_read() const = 0;
};

// Opens `path` ("-" is stdin). Fails when the file cannot be opened, or, for CSV, when the
// header is missing or has no `text` column. `pseudonymizer` must outlive the reader.
Result<std::unique_ptr<RecordReader>> open_reader(const std::string& path, InputFormat format,
                                                  const IngestOptions& options,
                                                  const Pseudonymizer& pseudonymizer);

// Reads records from an already open stream (not closed by the reader). `name` is used in
// messages. Useful for tests and for in-memory sources.
Result<std::unique_ptr<RecordReader>> make_reader(std::FILE* stream, std::string name,
                                                  InputFormat format, const IngestOptions& options,
                                                  const Pseudonymizer& pseudonymizer);

}  // namespace tincay
