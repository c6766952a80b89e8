// libFuzzer target for the normalizer: any bytes (cut at the first invalid UTF-8 sequence, as
// ingest guarantees valid UTF-8) must normalize without a crash or sanitizer report, into valid
// UTF-8 whose every byte, token and alternative maps inside the original; and the one-pass path
// must give exactly what the reference two-pass path gives.
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

bool same_tokens(const tincay::NormalizedText& a, const tincay::NormalizedText& b) {
  if (a.tokens.size() != b.tokens.size()) return false;
  for (std::size_t i = 0; i < a.tokens.size(); ++i) {
    const tincay::Token& x = a.tokens[i];
    const tincay::Token& y = b.tokens[i];
    if (x.kind != y.kind || !(x.normalized == y.normalized) || !(x.original == y.original) ||
        x.flags != y.flags || x.alternatives_count != y.alternatives_count ||
        x.alternatives_begin != y.alternatives_begin) {
      return false;
    }
  }
  return true;
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
  tincay::NormalizedText reference;
  normalizer().normalize_reference(input, reference);
  check(t.text == reference.text && t.shadow == reference.shadow, "differs from reference: text");
  check(t.text_map == reference.text_map && t.shadow_map == reference.shadow_map,
        "differs from reference: maps");
  check(t.truncated == reference.truncated && used == reference.original_bytes_used,
        "differs from reference: truncation");
  check(same_tokens(t, reference), "differs from reference: tokens");
  check(
      t.alternatives == reference.alternatives && t.alternative_text == reference.alternative_text,
      "differs from reference: alternatives");
  // Normalizing the output again must not crash either (and stays valid).
  tincay::NormalizedText again;
  normalizer().normalize(t.text, again);
  check(tincay::utf8::is_valid(again.text), "second pass");
  return 0;
}
