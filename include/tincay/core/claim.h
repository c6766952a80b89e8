// tincay/core/claim.h — a fact-check record: a claim, its verdict and who rated it, with a source.
//
// Claims are imported by `tincay claims import`, kept by the Store and matched against posts by
// the claim detector (include/tincay/claims.h). A Claim without a source URL never exists: the
// importer rejects it, because a misinformation label must always link to a named fact-check.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tincay {

enum class ClaimVerdict : unsigned char { kFalse, kMisleading, kUnproven, kTrue };

// The wire name: "false", "misleading", "unproven", "true".
inline std::string_view verdict_name(ClaimVerdict v) {
  switch (v) {
    case ClaimVerdict::kFalse:
      return "false";
    case ClaimVerdict::kMisleading:
      return "misleading";
    case ClaimVerdict::kUnproven:
      return "unproven";
    case ClaimVerdict::kTrue:
      return "true";
  }
  return "unproven";
}

// The inverse of verdict_name (exact, lower case); nullopt for anything else.
inline std::optional<ClaimVerdict> parse_verdict(std::string_view name) {
  if (name == "false") return ClaimVerdict::kFalse;
  if (name == "misleading") return ClaimVerdict::kMisleading;
  if (name == "unproven") return ClaimVerdict::kUnproven;
  if (name == "true") return ClaimVerdict::kTrue;
  return std::nullopt;
}

// Only these verdicts make a matching post misinformation.
inline bool verdict_flags(ClaimVerdict v) {
  return v == ClaimVerdict::kFalse || v == ClaimVerdict::kMisleading;
}

struct Claim {
  std::string id;     // unique in a database; used in the detector name "claim:<id>"
  std::string claim;  // the claim as the fact-checker stated it
  ClaimVerdict verdict = ClaimVerdict::kUnproven;
  std::string fact_checker;  // who rated it (required)
  std::string source_url;    // the published fact-check (required, http or https)
  std::string published;     // date of the fact-check as given ("" when absent)
  std::string lang;          // "vi", "en", ... ("" when absent)
};

}  // namespace tincay
