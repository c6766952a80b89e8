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

// The same for bytes [begin, end) of `input` (both at code-point boundaries): spans stay offsets
// into the whole `input`. Cleaning a range equals cleaning the whole text only where the range is
// cut at white space between two characters that are neither white space, invisible nor a
// combining mark, and only when no range reattaches a detached mark: that one returns true (it
// then re-places the tones of every letter run of its range, which cleaning the whole text would
// do for the whole text; see normalize_fast in tokenizer.h).
bool clean_text(const CharTable& table, std::string_view input, std::size_t begin, std::size_t end,
                std::vector<char32_t>& chars, std::vector<ByteSpan>& spans);

}  // namespace tincay::normalize_internal
