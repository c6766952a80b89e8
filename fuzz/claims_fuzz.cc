// Fuzzes the claim-file parser (JSONL and CSV): it must never crash, and every record it keeps
// must satisfy the importer's contract (id, claim, fact_checker and an http(s) source present).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tincay/claims.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto format = (data[0] & 1) != 0 ? tincay::ClaimFormat::kCsv : tincay::ClaimFormat::kJsonl;
  const tincay::ClaimFileResult r = tincay::parse_claims(input, "fuzz", format);
  for (const tincay::Claim& c : r.claims) {
    if (c.id.empty() || c.claim.empty() || c.fact_checker.empty() ||
        c.source_url.rfind("http", 0) != 0) {
      std::abort();
    }
  }
  return 0;
}
