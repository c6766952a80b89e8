// tincay/normalize.h — stage 2: turns a post's original text into NormalizedText.
//
// NFC, Vietnamese-aware lower case and a diacritics-free shadow, with every normalized byte mapped
// back to the bytes of the original it came from, so evidence is always shown on what the author
// wrote.
//
// Thread safety: a Normalizer is immutable after create(); normalize() may be called from any
// number of threads at once.
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
  // Directory holding the normalizer's data files; empty uses built-in behaviour only.
  std::string data_dir;
};

class Normalizer {
 public:
  static Result<Normalizer> create(const NormalizeOptions& options);

  // REQUIRES: `original` is valid UTF-8 (ingest guarantees it). The result owns its strings.
  NormalizedText normalize(std::string_view original) const;

  // Normalizes a short phrase (a rule term, a lexicon entry) exactly as post text is normalized,
  // returning only the text. Detectors use it so their terms match normalized posts.
  std::string normalize_phrase(std::string_view phrase) const;

  const NormalizeOptions& options() const { return options_; }

 private:
  explicit Normalizer(NormalizeOptions options) : options_(std::move(options)) {}
  NormalizeOptions options_;
};

}  // namespace tincay
