// A post as a stream message body and back: one JSON object with the Post's fields.
#include <string>

#include <simdjson.h>

#include "tincay/core/json_writer.h"
#include "tincay/core/utf8.h"
#include "tincay/stream.h"

namespace tincay {

std::string platform_subject(std::string_view prefix, std::string_view platform) {
  std::string out(prefix);
  out += '.';
  if (platform.empty()) return out + "unknown";
  for (const char c : platform) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                       u == '-' || u == '_';
    out += plain ? c : '_';
  }
  return out;
}

std::string post_to_message(const Post& p) {
  std::string out;
  out.reserve(p.text.size() + p.metadata_json.size() + 256);
  JsonWriter w(out);
  w.begin_object();
  w.key("id").string(p.id);
  w.key("id_derived").boolean(p.id_derived);
  w.key("platform").string(p.platform);
  w.key("author_key").string(p.author_key);
  w.key("created_at").string(p.created_at);
  w.key("created_unix");
  if (p.created_unix) {
    w.number(*p.created_unix);
  } else {
    w.null();
  }
  w.key("parent_id").string(p.parent_id);
  w.key("url").string(p.url);
  w.key("lang").string(p.lang);
  w.key("text").string(p.text);
  w.key("metadata").raw(p.metadata_json.empty() ? "{}" : p.metadata_json);
  w.key("source").string(p.source);
  w.key("line").number(static_cast<std::int64_t>(p.line));
  w.end_object();
  return out;
}

struct PostMessageParser::Impl {
  simdjson::dom::parser parser;
  std::string padded;  // the body copied with simdjson's required padding
};

PostMessageParser::PostMessageParser() : impl_(std::make_unique<Impl>()) {}
PostMessageParser::~PostMessageParser() = default;

Result<Post> post_from_message(std::string_view body) { return PostMessageParser().parse(body); }

Result<Post> PostMessageParser::parse(std::string_view body) {
  auto bad = [](const std::string& why) {
    return make_error(ErrorCode::kInvalidInput, "stream message: " + why);
  };
  if (const std::size_t at = utf8::first_invalid(body); at != body.size()) {
    return bad("invalid UTF-8 at byte " + std::to_string(at + 1));
  }
  std::string& padded = impl_->padded;
  padded.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  padded.assign(body);
  simdjson::dom::element doc;
  if (const auto err = impl_->parser.parse(padded.data(), padded.size(), false).get(doc); err) {
    return bad(std::string("not valid JSON (") + simdjson::error_message(err) + ")");
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object)) return bad("not a JSON object");
  Post p;
  p.metadata_json = "{}";
  bool has_text = false;
  for (const auto field : object) {
    const std::string_view key = field.key;
    const simdjson::dom::element value = field.value;
    auto text_field = [&](std::string& slot) -> Status {
      std::string_view s;
      if (value.get_string().get(s))
        return bad("field \"" + std::string(key) + "\" must be a string");
      slot.assign(s);
      return ok_status();
    };
    if (key == "id") {
      TINCAY_TRY(text_field(p.id));
    } else if (key == "id_derived") {
      if (value.get_bool().get(p.id_derived)) return bad("field \"id_derived\" must be a boolean");
    } else if (key == "platform") {
      TINCAY_TRY(text_field(p.platform));
    } else if (key == "author_key") {
      TINCAY_TRY(text_field(p.author_key));
    } else if (key == "created_at") {
      TINCAY_TRY(text_field(p.created_at));
    } else if (key == "created_unix") {
      if (!value.is_null()) {
        std::int64_t v = 0;
        if (value.get_int64().get(v)) return bad("field \"created_unix\" must be an integer");
        p.created_unix = v;
      }
    } else if (key == "parent_id") {
      TINCAY_TRY(text_field(p.parent_id));
    } else if (key == "url") {
      TINCAY_TRY(text_field(p.url));
    } else if (key == "lang") {
      TINCAY_TRY(text_field(p.lang));
    } else if (key == "text") {
      TINCAY_TRY(text_field(p.text));
      has_text = true;
    } else if (key == "metadata") {
      if (!value.is_object()) return bad("field \"metadata\" must be an object");
      p.metadata_json = simdjson::minify(value);
    } else if (key == "source") {
      TINCAY_TRY(text_field(p.source));
    } else if (key == "line") {
      std::uint64_t v = 0;
      if (value.get_uint64().get(v)) return bad("field \"line\" must be a non-negative integer");
      p.line = static_cast<std::size_t>(v);
    } else {
      return bad("unknown field \"" + std::string(key) + "\"");
    }
  }
  if (p.id.empty()) return bad("missing field \"id\"");
  if (!has_text) return bad("missing field \"text\"");
  return p;
}

}  // namespace tincay
