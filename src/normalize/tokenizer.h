// Pass 2 of the normalizer: splits the cleaned characters into tokens (syllables, punctuation,
// URLs, e-mail addresses, phone numbers, numbers, emoji, hashtags, mentions), applies the
// de-obfuscation rules and the teencode lexicon, and writes text, shadow, maps and tokens.
#pragma once

#include <vector>

#include "tincay/core/normalized_text.h"

#include "src/normalize/chars.h"
#include "src/normalize/teencode.h"

namespace tincay::normalize_internal {

struct TokenizeOptions {
  bool expand_teencode = true;
  bool deobfuscate = true;
};

// Tokenizes chars/spans (the output of clean_text) and appends the result to `out`'s text,
// shadow, maps, tokens and alternatives (which the caller has cleared).
void tokenize(const CharTable& table, const TeencodeLexicon& lexicon,
              const TokenizeOptions& options, const std::vector<char32_t>& chars,
              const std::vector<ByteSpan>& spans, NormalizedText& out);

}  // namespace tincay::normalize_internal
