// Fuzzes the author-sketch parser of the trend rollups (tincay/core/trends.h): any bytes must
// give a sketch or an error, never a crash; a parsed sketch must serialize back to bytes that
// parse to the same count, and merging it keeps the union at least as large as either side.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tincay/core/trends.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto sketch = tincay::AuthorSketch::parse(bytes);
  if (!sketch) return 0;
  auto again = tincay::AuthorSketch::parse(sketch->serialize());
  if (!again || again->estimate() != sketch->estimate()) std::abort();
  tincay::AuthorSketch other;
  for (std::uint32_t i = 0; i < 70; ++i) other.add(tincay::author_hash(bytes.substr(0, i % 8)));
  tincay::AuthorSketch merged = *sketch;
  merged.merge(other);
  if (merged.lower_bound() < sketch->lower_bound() || merged.lower_bound() < other.lower_bound()) {
    std::abort();
  }
  return 0;
}
