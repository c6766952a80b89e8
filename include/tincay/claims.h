// tincay/claims.h — known false claims: the claim-file parser and the claim matcher (stage 3).
//
// A ClaimIndex retrieves candidate claims for a post by BM25 over syllable 1- and 2-grams of the
// normalized text and of its diacritics-free shadow, then re-ranks them by how much of the claim
// the post covers (idf-weighted terms) and by character 4-gram containment. A post that restates
// a false or misleading claim gets a `misinformation` finding "claim:<id>" that carries the
// verdict, the fact-checker and the source URL. Nothing else ever yields misinformation.
//
// Thread safety: a ClaimIndex is immutable after build(); match() may run on many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tincay/core/claim.h"
#include "tincay/core/normalized_text.h"
#include "tincay/core/result.h"
#include "tincay/detect.h"
#include "tincay/normalize.h"

namespace tincay {

enum class ClaimFormat { kJsonl, kCsv };

// .csv (any case) is CSV; everything else is JSONL.
ClaimFormat guess_claim_format(std::string_view path);

struct ClaimFileResult {
  std::vector<Claim> claims;  // the valid records, in file order
  std::vector<Error> errors;  // one per rejected record, `where` = "file:line"
};

// Parses a claim file. JSONL: one object per line with string fields id, claim, verdict,
// fact_checker, source_url (required) and published, lang (optional). CSV: a header row naming
// those columns, then one record per row (RFC 4180 quoting). A record missing a required field,
// with an unknown verdict, a non-http(s) source_url or a duplicate id is rejected with a reason;
// the others are kept. Never throws and never crashes (fuzzed by fuzz/claims_fuzz.cc).
ClaimFileResult parse_claims(std::string_view content, std::string_view source, ClaimFormat format);

// Reads and parses the file at `path`; fails only when it cannot be read.
Result<ClaimFileResult> load_claim_file(const std::string& path, ClaimFormat format);

struct ClaimMatchOptions {
  // A candidate matches when its combined score (0.5 coverage + 0.5 char containment) reaches
  // this; calibrated on the dev half of tests/data/claims/eval.jsonl (docs/claims.md).
  double threshold = 0.55;
  std::size_t candidates = 8;          // BM25 candidates re-ranked per post
  std::size_t max_query_bytes = 4096;  // only this much of a long post is compared
  // Words whose presence marks a correction ("tin giả", "bác bỏ"): a post carrying one that its
  // claim does not is not a restatement. Normalized by build().
  std::vector<std::string> debunk_markers;
  // Frequent function words: weighted down (x0.1) in coverage. Normalized by build().
  std::vector<std::string> stopwords;
};

struct ClaimMatch {
  std::size_t claim = 0;  // index into ClaimIndex::claims()
  double score = 0.0;     // combined, in [0, 1]
  double bm25 = 0.0;
  double coverage = 0.0;  // idf-weighted share of the claim's terms found in the post
  double chars = 0.0;     // share of the claim's character 4-grams found in the post
  bool debunked = false;  // the post carries a debunk marker the claim lacks
  ByteSpan evidence;      // original bytes from the first to the last shared word
};

class ClaimIndex {
 public:
  // Indexes `claims` (all verdicts; only false/misleading ones produce findings).
  static std::unique_ptr<ClaimIndex> build(std::vector<Claim> claims, const Normalizer& normalizer,
                                           ClaimMatchOptions options = {});
  ~ClaimIndex();

  // The best candidates for `text`, best first, at most options().candidates, each scored
  // (matches or not: compare score with options().threshold).
  std::vector<ClaimMatch> candidates(const NormalizedText& text) const;

  // The candidates that reach the threshold and carry no debunk marker, best first.
  std::vector<ClaimMatch> match(const NormalizedText& text) const;

  const std::vector<Claim>& claims() const;
  const ClaimMatchOptions& options() const;

 private:
  struct Token {};  // only build() constructs an index

 public:
  explicit ClaimIndex(Token);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads the optional word lists <data_dir>/claims/debunk_markers.txt and stopwords.txt (one
// phrase a line, '#' comments) into `options`; a missing file leaves its list empty.
Status load_claim_word_lists(const std::string& data_dir, ClaimMatchOptions& options);

// The detector over an index: a match of a false or misleading claim becomes a misinformation
// finding "claim:<id>" whose value is "verdict=..;fact_checker=..;source_url=..".
std::unique_ptr<Detector> make_claim_detector(std::unique_ptr<ClaimIndex> index);

}  // namespace tincay
