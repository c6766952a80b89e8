// The claim-file parser: JSONL or CSV records → validated Claims, or one error per bad record.
#include <array>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include <simdjson.h>

#include "tincay/claims.h"
#include "tincay/core/time.h"
#include "tincay/core/utf8.h"

namespace tincay {
namespace {

constexpr std::array<std::string_view, 7> kFields = {
    "id", "claim", "verdict", "fact_checker", "source_url", "published", "lang"};
constexpr std::size_t kMaxClaimBytes = 8192;
constexpr std::size_t kMaxIdBytes = 128;

struct RawRecord {
  std::array<std::string, kFields.size()> values;
  std::array<bool, kFields.size()> present{};
};

std::string trim(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b])) != 0) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])) != 0) --e;
  return std::string(s.substr(b, e - b));
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdBytes) return false;
  for (const char c : id) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' ||
                    c == '-' || c == ':';
    if (!ok) return false;
  }
  return true;
}

bool valid_url(std::string_view url) {
  std::size_t host = 0;
  if (url.substr(0, 8) == "https://") {
    host = 8;
  } else if (url.substr(0, 7) == "http://") {
    host = 7;
  } else {
    return false;
  }
  if (url.size() <= host || url[host] == '/') return false;
  for (const char c : url) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0 || static_cast<unsigned char>(c) < 0x20) {
      return false;
    }
  }
  return true;
}

bool valid_date(std::string_view d) {
  if (parse_rfc3339(d)) return true;
  // A plain date: YYYY-MM-DD, checked by parsing it as midnight UTC.
  return d.size() == 10 && parse_rfc3339(std::string(d) + "T00:00:00Z").has_value();
}

// Validates one record; returns the reason it is rejected, or "" with `out` filled.
std::string validate(const RawRecord& r, std::set<std::string>& seen_ids, Claim& out) {
  for (std::size_t i = 0; i < kFields.size(); ++i) {
    if (!utf8::is_valid(r.values[i]))
      return "field '" + std::string(kFields[i]) + "' is not valid UTF-8";
  }
  out.id = trim(r.values[0]);
  out.claim = trim(r.values[1]);
  std::string verdict = trim(r.values[2]);
  for (char& c : verdict) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  out.fact_checker = trim(r.values[3]);
  out.source_url = trim(r.values[4]);
  out.published = trim(r.values[5]);
  out.lang = trim(r.values[6]);
  if (out.id.empty()) return "missing 'id'";
  if (!valid_id(out.id)) {
    return "'id' must be 1-128 letters, digits, '.', '_', '-' or ':'";
  }
  if (out.claim.empty()) return "missing 'claim' text";
  if (out.claim.size() > kMaxClaimBytes) return "'claim' is longer than 8192 bytes";
  if (verdict.empty()) return "missing 'verdict' (false, misleading, unproven or true)";
  const auto v = parse_verdict(verdict);
  if (!v) return "unknown verdict '" + verdict + "' (false, misleading, unproven or true)";
  out.verdict = *v;
  if (out.fact_checker.empty()) return "missing 'fact_checker': every claim needs a named rater";
  if (out.source_url.empty()) {
    return "missing 'source_url': a claim without its published fact-check cannot be used";
  }
  if (!valid_url(out.source_url)) return "'source_url' must be an http(s) URL with a host";
  if (!out.published.empty() && !valid_date(out.published)) {
    return "'published' must be a date (YYYY-MM-DD) or an RFC 3339 date-time";
  }
  if (out.lang.size() > 16) return "'lang' must be a short language tag (vi, en)";
  if (!seen_ids.insert(out.id).second) return "duplicate id '" + out.id + "'";
  return "";
}

std::size_t field_index(std::string_view name) {
  for (std::size_t i = 0; i < kFields.size(); ++i) {
    if (kFields[i] == name) return i;
  }
  return kFields.size();
}

void parse_jsonl(std::string_view content, std::string_view source, ClaimFileResult& result) {
  simdjson::dom::parser parser;
  std::string padded;
  std::set<std::string> seen;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < content.size()) {
    std::size_t end = content.find('\n', pos);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) continue;
    const std::string where = std::string(source) + ":" + std::to_string(line_no);
    auto reject = [&](std::string reason) {
      result.errors.push_back(make_error(ErrorCode::kInvalidInput, std::move(reason), where));
    };
    if (!utf8::is_valid(line)) {
      reject("not valid UTF-8");
      continue;
    }
    padded.assign(line);
    padded.reserve(line.size() + simdjson::SIMDJSON_PADDING);
    simdjson::dom::element doc;
    if (const auto err = parser.parse(padded.data(), padded.size(), false).get(doc); err) {
      reject(std::string("not valid JSON (") + simdjson::error_message(err) + ")");
      continue;
    }
    simdjson::dom::object object;
    if (doc.get_object().get(object)) {
      reject("not a JSON object");
      continue;
    }
    RawRecord raw;
    std::string bad;
    for (const auto field : object) {
      const std::size_t i = field_index(field.key);
      if (i == kFields.size()) continue;  // unknown fields are ignored
      if (field.value.is_null()) continue;
      std::string_view value;
      if (field.value.get_string().get(value)) {
        bad = "field '" + std::string(field.key) + "' must be a string";
        break;
      }
      raw.values[i] = std::string(value);
      raw.present[i] = true;
    }
    if (!bad.empty()) {
      reject(std::move(bad));
      continue;
    }
    Claim claim;
    std::string reason = validate(raw, seen, claim);
    if (!reason.empty()) {
      reject(std::move(reason));
      continue;
    }
    result.claims.push_back(std::move(claim));
  }
}

// Reads one RFC 4180 record starting at `pos`; advances `pos` and `line_no` past it. Returns false
// when a quoted field is still open at the end of the content.
bool next_csv_record(std::string_view content, std::size_t& pos, std::size_t& line_no,
                     std::vector<std::string>& fields) {
  fields.assign(1, std::string());
  bool quoted = false;
  bool was_quoted = false;
  while (pos < content.size()) {
    const char c = content[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < content.size() && content[pos] == '"') {
          fields.back().push_back('"');
          ++pos;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line_no;
        fields.back().push_back(c);
      }
      continue;
    }
    if (c == '"' && fields.back().empty() && !was_quoted) {
      quoted = true;
      was_quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
      was_quoted = false;
    } else if (c == '\n') {
      ++line_no;
      if (!fields.empty() && !fields.back().empty() && fields.back().back() == '\r' &&
          !was_quoted) {
        fields.back().pop_back();
      }
      return true;
    } else {
      fields.back().push_back(c);
    }
  }
  if (!fields.back().empty() && fields.back().back() == '\r' && !was_quoted)
    fields.back().pop_back();
  return !quoted;
}

void parse_csv(std::string_view content, std::string_view source, ClaimFileResult& result) {
  if (content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);  // byte-order mark
  std::size_t pos = 0;
  std::size_t line_no = 1;
  std::vector<std::string> fields;
  const std::string header_where = std::string(source) + ":1";
  if (!next_csv_record(content, pos, line_no, fields)) {
    result.errors.push_back(
        make_error(ErrorCode::kInvalidInput, "header has an unclosed quote", header_where));
    return;
  }
  std::array<std::size_t, kFields.size()> column{};
  column.fill(SIZE_MAX);
  for (std::size_t c = 0; c < fields.size(); ++c) {
    const std::size_t i = field_index(trim(fields[c]));
    if (i < kFields.size() && column[i] == SIZE_MAX) column[i] = c;
  }
  for (std::size_t i = 0; i < 5; ++i) {
    if (column[i] == SIZE_MAX) {
      result.errors.push_back(
          make_error(ErrorCode::kInvalidInput,
                     "header has no '" + std::string(kFields[i]) +
                         "' column (needs id, claim, verdict, fact_checker, source_url)",
                     header_where));
      return;
    }
  }
  std::set<std::string> seen;
  while (pos < content.size()) {
    const std::size_t start_line = line_no;
    const bool closed = next_csv_record(content, pos, line_no, fields);
    const std::string where = std::string(source) + ":" + std::to_string(start_line);
    if (!closed) {
      result.errors.push_back(
          make_error(ErrorCode::kInvalidInput, "a quoted field is never closed", where));
      return;
    }
    if (fields.size() == 1 && trim(fields[0]).empty()) continue;  // blank line
    RawRecord raw;
    for (std::size_t i = 0; i < kFields.size(); ++i) {
      if (column[i] < fields.size()) {
        raw.values[i] = fields[column[i]];
        raw.present[i] = true;
      }
    }
    Claim claim;
    std::string reason = validate(raw, seen, claim);
    if (!reason.empty()) {
      result.errors.push_back(make_error(ErrorCode::kInvalidInput, std::move(reason), where));
      continue;
    }
    result.claims.push_back(std::move(claim));
  }
}

}  // namespace

ClaimFormat guess_claim_format(std::string_view path) {
  if (path.size() >= 4) {
    std::string ext(path.substr(path.size() - 4));
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".csv") return ClaimFormat::kCsv;
  }
  return ClaimFormat::kJsonl;
}

ClaimFileResult parse_claims(std::string_view content, std::string_view source,
                             ClaimFormat format) {
  ClaimFileResult result;
  if (format == ClaimFormat::kCsv) {
    parse_csv(content, source, result);
  } else {
    parse_jsonl(content, source, result);
  }
  return result;
}

Result<ClaimFileResult> load_claim_file(const std::string& path, ClaimFormat format) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, "cannot open claim file", path);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return make_error(ErrorCode::kIo, "cannot read claim file", path);
  return parse_claims(buf.str(), path, format);
}

}  // namespace tincay
