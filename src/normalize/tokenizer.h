// Pass 2 of the normalizer: splits the cleaned characters into tokens (syllables, punctuation,
// URLs, e-mail addresses, phone numbers, numbers, emoji, hashtags, mentions), applies the
// de-obfuscation rules and the teencode lexicon, and writes text, shadow, maps and tokens.
#pragma once

#include <string_view>
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

// The one-pass fast path: both passes at once, straight from the bytes of `input` (valid UTF-8)
// to `out` (whose tokens and alternatives the caller has cleared). Space-separated chunks of
// plain letters and punctuation ("người", "đẹp,", "(ok)", "...") and plain numbers ("10,",
// "0978123456") are written in one step; runs of other chunks (digits within words, URLs, NFD,
// stylized or obfuscated text, odd white space) go through clean_text and tokenize as before,
// cut only where that cannot change the result, so the output equals clean_text + tokenize on
// the whole input byte for byte. Returns false, leaving
// `out` unspecified, for the rare post that needs the two-pass path from the start.
bool normalize_fast(const CharTable& table, const TeencodeLexicon& lexicon,
                    const TokenizeOptions& options, std::string_view input, NormalizedText& out);

}  // namespace tincay::normalize_internal
