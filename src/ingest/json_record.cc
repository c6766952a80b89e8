// One JSONL line → Post or Rejection.
#include <string>

#include <simdjson.h>

#include "tincay/core/json_writer.h"
#include "tincay/core/utf8.h"
#include "tincay/ingest.h"

#include "src/ingest/post_builder.h"

namespace tincay {

class JsonRecordParser::Impl {
 public:
  explicit Impl(const Pseudonymizer& p) : pseudonymizer(p) {}
  const Pseudonymizer& pseudonymizer;
  simdjson::dom::parser parser;
  std::string padded;  // the line copied with simdjson's required padding
};

JsonRecordParser::JsonRecordParser(const Pseudonymizer& pseudonymizer)
    : impl_(std::make_unique<Impl>(pseudonymizer)) {}
JsonRecordParser::~JsonRecordParser() = default;

namespace {

Rejection reject(std::string_view line, std::string_view source, std::size_t line_no,
                 std::string reason) {
  return Rejection{std::string(source), line_no, std::move(reason), std::string(line)};
}

}  // namespace

IngestItem JsonRecordParser::parse(std::string_view line, std::string_view source,
                                   std::size_t line_no) {
  // Report invalid UTF-8 with its position before simdjson does so without one.
  if (const std::size_t bad = utf8::first_invalid(line); bad != line.size()) {
    return reject(line, source, line_no,
                  "invalid UTF-8 at byte " + std::to_string(bad + 1) + " of the line");
  }
  std::string& padded = impl_->padded;
  padded.reserve(line.size() + simdjson::SIMDJSON_PADDING);
  padded.assign(line);
  simdjson::dom::element doc;
  if (const auto err = impl_->parser.parse(padded.data(), padded.size(), false).get(doc); err) {
    return reject(line, source, line_no,
                  std::string("not valid JSON (") + simdjson::error_message(err) + ")");
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object)) {
    return reject(line, source, line_no, "not a JSON object");
  }

  PostFields fields;
  std::string metadata;
  JsonWriter meta(metadata);
  meta.begin_object();
  for (const auto field : object) {
    const std::string_view key = field.key;
    const simdjson::dom::element value = field.value;
    std::string_view* slot = fields.slot(key);
    if (slot == nullptr) {
      meta.key(key).raw(simdjson::minify(value));
      continue;
    }
    if (value.is_null() && key != "text") continue;
    if (value.is_string()) {
      *slot = value.get_string().value_unsafe();
      continue;
    }
    // Numeric ids and authors are common in exports; keep their JSON spelling as the string.
    if ((key == "id" || key == "author" || key == "parent_id") &&
        (value.is_int64() || value.is_uint64())) {
      fields.owned.push_back(simdjson::minify(value));
      *slot = fields.owned.back();
      continue;
    }
    return reject(line, source, line_no, "field \"" + std::string(key) + "\" must be a string");
  }
  meta.end_object();
  if (!fields.has_text) {
    return reject(line, source, line_no, "missing required field \"text\"");
  }
  auto post = build_post(fields, std::move(metadata), impl_->pseudonymizer);
  if (!post) return reject(line, source, line_no, post.error().message);
  post->source = std::string(source);
  post->line = line_no;
  return std::move(post).value();
}

}  // namespace tincay
