// Fuzzes the rule-pack loader (YAML adapter, validation, matcher compilation) with arbitrary pack
// text, and runs any pack that loads over a fixed text. Nothing may crash; bad packs are errors.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tincay/detect/rules.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 16384) return 0;
  static const tincay::Normalizer normalizer =
      tincay::Normalizer::create(tincay::NormalizeOptions{}).value();
  const std::string pack(reinterpret_cast<const char*>(data), size);
  tincay::RuleOptions options;
  options.matcher = tincay::MatcherKind::kPortable;  // no cache files, no Hyperscan compile cost
  options.use_cache = false;
  auto engine = tincay::parse_rule_engine({{"fuzz.yaml", pack}}, normalizer, options);
  if (!engine) return 0;
  tincay::Post post;
  post.text = "Tuyển CTV việc nhẹ lương cao, cho xin mã OTP nhé 0912345678";
  std::vector<tincay::Finding> out;
  (*engine)->detect(post, normalizer.normalize(post.text), out);
  (void)tincay::run_rule_examples(**engine, normalizer, {});
  return 0;
}
