// Request bodies of the API: the strict JSON objects of reviews, appeals, claims, check and
// explain, and the posts of POST /v1/scan. Kept apart from the endpoints so that the fuzzer
// (fuzz/serve_body_fuzz.cc) drives exactly the parsers the server uses, without a database.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "tincay/core/post.h"
#include "tincay/ingest.h"
#include "tincay/serve.h"

namespace tincay {

// A request body field: its JSON type and whether it must be present.
enum class FieldType : std::uint8_t { kString, kInt };
struct FieldSpec {
  std::string_view name;
  FieldType type;
  bool required;
};

// The fields each strict body accepts (docs/api.md, api/openapi.json).
inline constexpr FieldSpec kReviewFields[] = {{"post_id", FieldType::kString, true},
                                              {"outcome", FieldType::kString, true},
                                              {"category", FieldType::kString, false},
                                              {"note", FieldType::kString, false}};
inline constexpr FieldSpec kAppealFields[] = {{"post_id", FieldType::kString, true},
                                              {"reason", FieldType::kString, false}};
inline constexpr FieldSpec kResolveFields[] = {{"outcome", FieldType::kString, true},
                                               {"note", FieldType::kString, false}};
inline constexpr FieldSpec kClaimFields[] = {
    {"id", FieldType::kString, true},         {"claim", FieldType::kString, true},
    {"verdict", FieldType::kString, true},    {"fact_checker", FieldType::kString, true},
    {"source_url", FieldType::kString, true}, {"published", FieldType::kString, false},
    {"lang", FieldType::kString, false}};
inline constexpr FieldSpec kCheckFields[] = {{"text", FieldType::kString, true},
                                             {"lang", FieldType::kString, false}};
inline constexpr FieldSpec kExplainFields[] = {{"text", FieldType::kString, true}};

// The fields of a strict body, by name.
struct Body {
  std::map<std::string, std::string, std::less<>> strings;
  std::map<std::string, std::int64_t, std::less<>> ints;
  bool has(std::string_view k) const { return strings.count(k) != 0 || ints.count(k) != 0; }
  // The string field `k`, "" when absent.
  std::string str(std::string_view k) const {
    auto it = strings.find(k);
    return it == strings.end() ? std::string() : it->second;
  }
};

// Parses a JSON object strictly into `out`: known fields only, each of its type, required ones
// present. Returns the 400 response naming the field at fault, or nullopt when the body is good.
std::optional<Response> parse_body(std::string_view text, std::span<const FieldSpec> spec,
                                   Body& out);

// The posts of a POST /v1/scan body: one post object, or {"posts": [post, ...]}.
struct ScanBody {
  std::vector<Post> posts;
  bool batch = false;
};

// Parses a scan body with `records` (the same validation and pseudonymization as tincay scan)
// and `dom` (reused between requests). Errors: 400 naming posts[i] for a bad record, 413 for a
// batch over `max_batch` posts. `out` is cleared first.
std::optional<Response> parse_scan_body(std::string_view text, std::size_t max_batch,
                                        JsonRecordParser& records, simdjson::dom::parser& dom,
                                        ScanBody& out);

}  // namespace tincay
