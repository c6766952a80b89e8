// Pass 1 of the normalizer: Unicode clean-up. Turns original UTF-8 into a sequence of folded code
// points, each with the original bytes it came from: NFC composition (also of marks detached by a
// space, "thi ́ ch" → "thích"), stylized letters folded to plain ones, Vietnamese-aware lower
// case, zero-width and control characters dropped, white space folded to single spaces, and tone
// marks moved to their canonical vowel.
#pragma once

#include <string_view>
#include <vector>

#include "tincay/core/normalized_text.h"

#include "src/normalize/chars.h"

namespace tincay::normalize_internal {

// Replaces `chars`/`spans` with the cleaned form of `input` (valid UTF-8). No leading or trailing
// space, no two spaces in a row. Reuses the vectors' capacity.
void clean_text(const CharTable& table, std::string_view input, std::vector<char32_t>& chars,
                std::vector<ByteSpan>& spans);

}  // namespace tincay::normalize_internal
