// tincay/core/json_writer.h — a small append-only JSON writer for output records.
//
// Output is hot (one record per post), so this writes straight into a std::string with no DOM.
// The caller is responsible for well-formed nesting; keys and strings are escaped here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tincay {

// Appends `s` as a JSON string literal (quotes included). Control characters, including NUL, are
// escaped as \u00XX; `s` must be valid UTF-8.
void append_json_string(std::string& out, std::string_view s);

// Appends a finite double with up to 4 decimals and no trailing zeros ("0.9", "1", "0.0312").
void append_json_score(std::string& out, double value);

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& string(std::string_view v);
  JsonWriter& number(std::int64_t v);
  JsonWriter& score(double v);
  JsonWriter& boolean(bool v);
  JsonWriter& null();
  // Appends already-serialized JSON (e.g. stored metadata) as one value.
  JsonWriter& raw(std::string_view json);

 private:
  void separate();

  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace tincay
