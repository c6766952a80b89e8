// tincay/normalize.h — stage 2: turns a post's original text into NormalizedText.
//
// NFC, stylized-letter folding, Vietnamese-aware lower case, canonical tone placement,
// de-obfuscation, teencode expansion and tokens, plus a diacritics-free shadow; every normalized
// byte maps back to the bytes of the original it came from, so evidence is always shown on what
// the author wrote. docs/normalization.md describes each rule.
//
// Thread safety: a Normalizer is immutable after create(); normalize() may be called from any
// number of threads at once (each with its own output object).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "tincay/core/normalized_text.h"
#include "tincay/core/result.h"

namespace tincay {

struct NormalizeOptions {
  // Longer inputs are cut at a code-point boundary and NormalizedText::truncated is set, which
  // bounds the work any detector does on a huge post.
  std::size_t max_input_bytes = 64u << 10;
  // Directory holding the normalizer's data files (data/normalize/teencode.tsv, required;
  // data/normalize/teencode-extra.tsv and unmarked-words.tsv, optional); empty uses built-in
  // behaviour only (no teencode lexicon).
  std::string data_dir;
  // Expand teencode and abbreviations from the lexicon ("ko" → "không").
  bool expand_teencode = true;
  // Undo obfuscation: "l.ừ.a", "v i ệ c", "lừaaaa", "l0n", "0.9.7.8...".
  bool deobfuscate = true;
};

class Normalizer {
 public:
  // Loads the data files under options.data_dir. Fails naming the file and line when a lexicon
  // is missing or malformed.
  static Result<Normalizer> create(const NormalizeOptions& options);

  // REQUIRES: `original` is valid UTF-8 (ingest guarantees it). The result owns its strings.
  NormalizedText normalize(std::string_view original) const;

  // The same, writing into `out` and reusing its buffers: once they have grown to the size of
  // the largest post seen, normalizing allocates nothing. Every field of `out` is overwritten.
  void normalize(std::string_view original, NormalizedText& out) const;

  // The same result by the reference path alone (a clean-up pass, then a tokenizer pass over the
  // whole text) instead of the one-pass path that normalize() takes for plain text: slower; tests
  // and fuzzing check that the two agree byte for byte.
  void normalize_reference(std::string_view original, NormalizedText& out) const;

  // Normalizes a short phrase (a rule term, a lexicon entry) exactly as post text is normalized,
  // returning only the text. Detectors use it so their terms match normalized posts.
  std::string normalize_phrase(std::string_view phrase) const;

  // Number of forms in the loaded teencode lexicon (0 without data_dir).
  std::size_t lexicon_size() const;

  const NormalizeOptions& options() const { return options_; }

  struct Data;  // tables and lexicon, shared read-only between copies

 private:
  Normalizer(NormalizeOptions options, std::shared_ptr<const Data> data)
      : options_(std::move(options)), data_(std::move(data)) {}
  NormalizeOptions options_;
  std::shared_ptr<const Data> data_;
};

}  // namespace tincay
