// Fuzzes the request-body parsers of tincay serve (src/serve/request_body.h): the strict bodies
// of reviews, appeals, appeal resolutions, claims, check and explain, and the posts of
// POST /v1/scan. They must never crash; a body they accept must satisfy its spec, and a body
// they refuse must get a 400/413 with a JSON error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "src/serve/request_body.h"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

void check_error(const tincay::Response& r) {
  require(r.status == 400 || r.status == 413);
  require(r.body.rfind("{\"error\":", 0) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const std::span<const tincay::FieldSpec> kSpecs[] = {
      tincay::kReviewFields, tincay::kAppealFields, tincay::kResolveFields,
      tincay::kClaimFields,  tincay::kCheckFields,  tincay::kExplainFields};
  constexpr std::size_t kSpecCount = sizeof kSpecs / sizeof kSpecs[0];
  const std::size_t which = data[0] % (kSpecCount + 1);
  if (which == kSpecCount) {
    static const tincay::Pseudonymizer pseudonymizer("fuzz-secret");
    static tincay::JsonRecordParser records(pseudonymizer);
    static simdjson::dom::parser dom;
    constexpr std::size_t kMaxBatch = 8;
    tincay::ScanBody body;
    if (auto err = tincay::parse_scan_body(text, kMaxBatch, records, dom, body)) {
      check_error(*err);
    } else {
      require(!body.posts.empty() && body.posts.size() <= kMaxBatch);
      require(body.batch || body.posts.size() == 1);
    }
    return 0;
  }
  tincay::Body body;
  if (auto err = tincay::parse_body(text, kSpecs[which], body)) {
    require(err->status == 400);
    require(err->body.rfind("{\"error\":", 0) == 0);
  } else {
    for (const tincay::FieldSpec& f : kSpecs[which]) require(!f.required || body.has(f.name));
    require(body.strings.size() + body.ints.size() <= kSpecs[which].size());
  }
  return 0;
}
