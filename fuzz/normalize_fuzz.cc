// libFuzzer target for the normalizer: any bytes (cut at the first invalid UTF-8 sequence, as
// ingest guarantees valid UTF-8) must normalize without a crash or sanitizer report, into valid
// UTF-8 whose every byte, token and alternative maps inside the original.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tincay/core/utf8.h"
#include "tincay/normalize.h"

namespace {

const tincay::Normalizer& normalizer() {
  static const tincay::Normalizer n = [] {
    tincay::NormalizeOptions options;
    options.data_dir = TINCAY_SOURCE_DIR;
    options.max_input_bytes = 4096;
    auto r = tincay::Normalizer::create(options);
    if (!r) {
      std::fprintf(stderr, "%s\n", r.error().to_string().c_str());
      std::abort();
    }
    return std::move(r).value();
  }();
  return n;
}

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "normalize_fuzz: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  input = input.substr(0, tincay::utf8::first_invalid(input));
  tincay::NormalizedText t;
  normalizer().normalize(input, t);
  const std::size_t used = t.original_bytes_used;
  check(used <= input.size(), "original_bytes_used past the input");
  check(tincay::utf8::is_valid(t.text), "text is not valid UTF-8");
  check(tincay::utf8::is_valid(t.shadow), "shadow is not valid UTF-8");
  check(t.text_map.size() == t.text.size(), "text_map size");
  check(t.shadow_map.size() == t.shadow.size(), "shadow_map size");
  for (const tincay::ByteSpan& s : t.text_map) check(s.begin <= s.end && s.end <= used, "map");
  for (const tincay::ByteSpan& s : t.shadow_map) check(s.begin <= s.end && s.end <= used, "map");
  for (const tincay::Token& tok : t.tokens) {
    check(tok.normalized.begin < tok.normalized.end && tok.normalized.end <= t.text.size(),
          "token outside text");
    check(tok.original.begin <= tok.original.end && tok.original.end <= used,
          "token outside original");
    check(tok.alternatives_begin + tok.alternatives_count <= t.alternatives.size(), "alternatives");
  }
  // Normalizing the output again must not crash either (and stays valid).
  tincay::NormalizedText again;
  normalizer().normalize(t.text, again);
  check(tincay::utf8::is_valid(again.text), "second pass");
  return 0;
}
