#include "src/cli/labeled_data.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <simdjson.h>

#include "tincay/core/crypto.h"
#include "tincay/core/utf8.h"

namespace tincay::cli {
namespace {

// The label value as text: strings as they are, integers in decimal, booleans as true/false.
bool label_text(simdjson::dom::element v, std::string& out) {
  std::string_view s;
  if (!v.get_string().get(s)) {
    out.assign(s);
    return true;
  }
  std::int64_t i = 0;
  if (!v.get_int64().get(i)) {
    out = std::to_string(i);
    return true;
  }
  bool b = false;
  if (!v.get_bool().get(b)) {
    out = b ? "true" : "false";
    return true;
  }
  return false;
}

}  // namespace

Result<LabeledFile> read_labeled_file(const std::string& path, const std::string& text_field,
                                      const std::string& label_field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, "cannot open labelled data", path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string content = ss.str();
  LabeledFile file;
  file.sha256 = sha256_hex(content);
  simdjson::dom::parser parser;
  std::string padded;
  std::size_t line_no = 0;
  const auto skip = [&](const std::string& why) {
    std::fprintf(stderr, "%s:%zu: %s; skipped\n", path.c_str(), line_no, why.c_str());
    ++file.skipped;
  };
  for (std::size_t start = 0; start < content.size();) {
    std::size_t end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    std::string_view line(content.data() + start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (!utf8::is_valid(line)) {
      skip("invalid UTF-8");
      continue;
    }
    padded.reserve(line.size() + simdjson::SIMDJSON_PADDING);
    padded.assign(line);
    simdjson::dom::element doc;
    if (const auto err = parser.parse(padded.data(), padded.size(), false).get(doc); err) {
      skip(std::string("not valid JSON (") + simdjson::error_message(err) + ")");
      continue;
    }
    simdjson::dom::object object;
    if (doc.get_object().get(object)) {
      skip("not a JSON object");
      continue;
    }
    simdjson::dom::element text;
    std::string_view text_value;
    if (object.at_key(text_field).get(text) || text.get_string().get(text_value)) {
      skip("no string field \"" + text_field + "\"");
      continue;
    }
    simdjson::dom::element label;
    if (object.at_key(label_field).get(label)) {
      skip("no field \"" + label_field + "\"");
      continue;
    }
    LabeledRecord record;
    record.text.assign(text_value);
    record.line = line_no;
    simdjson::dom::array array;
    bool ok = true;
    if (!label.get_array().get(array)) {
      for (const auto item : array) {
        std::string l;
        ok = ok && label_text(item, l);
        record.labels.push_back(std::move(l));
      }
    } else {
      std::string l;
      ok = label_text(label, l);
      record.labels.push_back(std::move(l));
    }
    if (!ok) {
      skip("field \"" + label_field + "\" is not a string, number, boolean or array of them");
      continue;
    }
    file.records.push_back(std::move(record));
  }
  if (file.records.empty()) {
    return make_error(ErrorCode::kInvalidInput, "no usable labelled records", path);
  }
  return file;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Result<std::vector<LabeledText>> label_records(const std::vector<LabeledRecord>& records,
                                               const std::vector<std::string>& labels,
                                               const std::string& source,
                                               const std::string& labels_name) {
  std::vector<LabeledText> out(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    for (const std::string& l : records[i].labels) {
      const auto it = std::find(labels.begin(), labels.end(), l);
      if (it == labels.end()) {
        std::string message = "label \"" + l;
        message += "\" is not one of ";
        message += labels_name;
        message += " (";
        for (std::size_t k = 0; k < labels.size(); ++k) {
          if (k > 0) message += ", ";
          message += labels[k];
        }
        message += ")";
        return make_error(ErrorCode::kInvalidInput, message,
                          source + ":" + std::to_string(records[i].line));
      }
      const auto index = static_cast<std::uint16_t>(it - labels.begin());
      if (std::find(out[i].labels.begin(), out[i].labels.end(), index) == out[i].labels.end()) {
        out[i].labels.push_back(index);
      }
    }
  }
  return out;
}

Result<std::vector<LabeledText>> to_labeled_texts(const std::vector<LabeledRecord>& records,
                                                  const std::vector<std::string>& labels,
                                                  const Normalizer& normalizer, ThreadPool& pool,
                                                  const std::string& source) {
  auto labeled = label_records(records, labels, source, "the model's labels");
  if (!labeled) return labeled.error();
  std::vector<LabeledText>& out = *labeled;
  pool.parallel_for(records.size(), [&](std::size_t, std::size_t i) {
    out[i].text = normalizer.normalize(records[i].text);
    out[i].original = records[i].text;
  });
  return labeled;
}

}  // namespace tincay::cli
