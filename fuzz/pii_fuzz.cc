// Fuzzes the personal-data detectors with arbitrary (valid UTF-8) text: no crash, and every
// evidence span lies inside the original text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "tincay/core/utf8.h"
#include "tincay/detect.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tincay::Normalizer normalizer =
      tincay::Normalizer::create(tincay::NormalizeOptions{}).value();
  static const auto detector = tincay::make_pii_detector();
  tincay::Post post;
  post.text.assign(reinterpret_cast<const char*>(data), size);
  if (!tincay::utf8::is_valid(post.text)) return 0;
  std::vector<tincay::Finding> out;
  detector->detect(post, normalizer.normalize(post.text), out);
  for (const tincay::Finding& f : out) {
    for (const tincay::ByteSpan& e : f.evidence) {
      if (e.begin > e.end || e.end > post.text.size()) std::abort();
    }
  }
  return 0;
}
