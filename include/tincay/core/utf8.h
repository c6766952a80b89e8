// tincay/core/utf8.h — UTF-8 validation, decoding and offset conversion.
//
// Ingest validates every text once; later stages may then assume valid UTF-8. Offsets inside the
// library are bytes; the user-facing output counts Unicode code points, converted here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tincay::utf8 {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
bool is_valid(std::string_view s);

// Byte offset of the first invalid sequence, or s.size() when `s` is valid.
std::size_t first_invalid(std::string_view s);

// Decodes the code point starting at byte `i` and advances `i` past it.
// REQUIRES: `s` is valid UTF-8 and i < s.size().
char32_t decode(std::string_view s, std::size_t& i);

// Appends the UTF-8 encoding of `cp` to `out`.
void append(std::string& out, char32_t cp);

// Number of code points in `s`. REQUIRES: valid UTF-8.
std::size_t length(std::string_view s);

// The largest prefix length <= max_bytes that ends on a code-point boundary.
std::size_t prefix_at_boundary(std::string_view s, std::size_t max_bytes);

// True when `s` holds an ASCII digit (any bytes; eight at a time, as most posts hold none).
bool has_ascii_digit(std::string_view s);

// Converts byte offsets into code-point offsets in increasing order, without rescanning from the
// start each time: construct once per text, then call to_code_points() with non-decreasing offsets
// or any offsets (it restarts when asked to go backwards).
class CodePointCounter {
 public:
  explicit CodePointCounter(std::string_view s) : s_(s) {}
  std::size_t to_code_points(std::size_t byte_offset);

 private:
  std::string_view s_;
  std::size_t byte_ = 0;
  std::size_t cps_ = 0;
};

}  // namespace tincay::utf8
