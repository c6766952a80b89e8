#include "src/serve/request_body.h"

#include "tincay/core/utf8.h"

namespace tincay {

std::optional<Response> parse_body(std::string_view text, std::span<const FieldSpec> spec,
                                   Body& out) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  // realloc_if_needed: simdjson reads past the end, so it copies the text into a padded buffer.
  if (auto err = parser.parse(text.data(), text.size(), true).get(doc); err) {
    return json_error(400, std::string("malformed JSON: ") + simdjson::error_message(err));
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object)) return json_error(400, "the body must be a JSON object");
  for (auto field : object) {
    const std::string_view key = field.key;
    const FieldSpec* s = nullptr;
    for (const FieldSpec& f : spec) {
      if (f.name == key) s = &f;
    }
    const std::string name = utf8::is_valid(key) ? std::string(key) : "?";
    if (s == nullptr) return json_error(400, "unknown field", name);
    if (s->type == FieldType::kString) {
      std::string_view v;
      if (field.value.get_string().get(v)) return json_error(400, "must be a string", name);
      out.strings[name] = std::string(v);
    } else {
      std::int64_t v = 0;
      if (field.value.get_int64().get(v)) return json_error(400, "must be an integer", name);
      out.ints[name] = v;
    }
  }
  for (const FieldSpec& f : spec) {
    if (f.required && !out.has(f.name)) return json_error(400, "missing required field", f.name);
  }
  return std::nullopt;
}

std::optional<Response> parse_scan_body(std::string_view text, std::size_t max_batch,
                                        JsonRecordParser& records, simdjson::dom::parser& dom,
                                        ScanBody& out) {
  out.posts.clear();
  out.batch = false;
  simdjson::dom::element doc;
  if (auto err = dom.parse(text.data(), text.size(), true).get(doc); err) {
    return json_error(400, std::string("malformed JSON: ") + simdjson::error_message(err));
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object)) {
    return json_error(400, "the body must be a post object or {\"posts\": [...]}");
  }
  simdjson::dom::array items;
  if (object.size() == 1 && !object["posts"].get_array().get(items)) {
    out.batch = true;
    if (items.size() == 0) return json_error(400, "empty batch", "posts");
    if (items.size() > max_batch) {
      return json_error(413,
                        "batch of " + std::to_string(items.size()) +
                            " posts exceeds the limit of " + std::to_string(max_batch),
                        "posts");
    }
    out.posts.reserve(items.size());
    std::size_t i = 0;
    std::string record;
    for (simdjson::dom::element item : items) {
      record = simdjson::minify(item);
      IngestItem parsed = records.parse(record, "request", i + 1);
      if (auto* rej = std::get_if<Rejection>(&parsed)) {
        return json_error(400, rej->reason, "posts[" + std::to_string(i) + "]");
      }
      out.posts.push_back(std::get<Post>(std::move(parsed)));
      ++i;
    }
    return std::nullopt;
  }
  IngestItem parsed = records.parse(text, "request", 1);
  if (auto* rej = std::get_if<Rejection>(&parsed)) return json_error(400, rej->reason);
  out.posts.push_back(std::get<Post>(std::move(parsed)));
  return std::nullopt;
}

}  // namespace tincay
