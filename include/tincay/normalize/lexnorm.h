// tincay/normalize/lexnorm.h — lexical-normalization corpora (ViLexNorm): token alignment of an
// original comment with its normalized form, the teencode lexicon built from training counts, and
// the Error Reduction Rate (ERR, van der Goot 2019) the ViLexNorm paper reports.
//
// Used by `tincay lexnorm build` and `tincay lexnorm eval`; never on the per-post path.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tincay/core/normalized_text.h"
#include "tincay/normalize.h"

namespace tincay::lexnorm {

// One sentence pair of the corpus.
struct Pair {
  std::string original;
  std::string normalized;
};

// An original whitespace token and the gold words aligned to it (case-folded NFC, joined by one
// space; empty when the annotator deleted the token).
struct AlignedToken {
  ByteSpan original;
  std::string gold;
};

// Aligns the whitespace tokens of `original` to the words of `gold` by dynamic programming over
// 1:1, 1:n (abbreviations such as "dthoai" → "điện thoại"), 2:1, deletions and insertions, with
// costs from letter similarity. Inserted gold words join the previous token's gold.
std::vector<AlignedToken> align(std::string_view original, std::string_view gold);

// Token-level accuracy of leaving text as is (the LAI baseline) and of the normalizer.
struct Score {
  std::size_t sentences = 0;
  std::size_t tokens = 0;
  std::size_t baseline_correct = 0;  // original token == gold
  std::size_t system_correct = 0;    // normalizer output for the token == gold
  std::size_t needs_change = 0;      // gold differs from the original token
  std::size_t changed = 0;           // normalizer output differs from the original token

  double baseline_accuracy() const;
  double system_accuracy() const;
  // (system accuracy − baseline accuracy) / (1 − baseline accuracy).
  double err() const;
};

// How an ambiguous token (kept as written, with alternatives) is scored.
enum class AmbiguityPolicy {
  kAsWritten,         // the normalized text as detectors see it: the form stays
  kFirstAlternative,  // the lexicon's most frequent reading
};

// Scores `normalizer` on `pairs`: each original token's output is the normalized text whose
// bytes map into that token (so the offsets are exercised too). Comparison is case-insensitive
// and in NFC, as in MultiLexNorm; nothing else is folded.
Score evaluate(const Normalizer& normalizer, const std::vector<Pair>& pairs,
               AmbiguityPolicy policy);

struct LexiconBuildOptions {
  std::size_t min_count = 2;       // a form must be seen normalized this often
  double expand_share = 0.6;       // top reading's share of all occurrences to expand it
  double ambiguous_share = 0.5;    // share of non-identity readings to list a form as ambiguous
  double alternative_share = 0.1;  // a reading's share to be listed as an alternative
};

// Counts (form → gold reading) over aligned training pairs and writes the teencode lexicon TSV
// (see docs/normalization.md). `base` must not expand teencode (it gives forms their runtime
// spelling: NFC, lower case, canonical tones).
std::string build_lexicon(const Normalizer& base, const std::vector<Pair>& train,
                          const LexiconBuildOptions& options, std::string_view source_note);

}  // namespace tincay::lexnorm
