// Fuzzes the model file loader: any bytes must give a Model or an error, never a crash, and a
// loaded model must predict finite probabilities. The checksum is skipped so the fuzzer reaches
// the structural checks behind it.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "tincay/detect/model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto model = tincay::Model::from_bytes(std::move(bytes), "fuzz", /*verify_checksum=*/false);
  if (!model) return 0;
  tincay::NormalizedText text;
  text.text = "đồ ngu :)) spam";
  text.shadow = "do ngu :)) spam";
  float probs[tincay::kMaxModelLabels];
  // An original text with capitals, a line break and a stretched letter (kMetaText models).
  (*model)->predict(text, "ĐỒ NGU :))\nspammmm", {}, probs);
  for (std::size_t k = 0; k < (*model)->label_count(); ++k) {
    if (!std::isfinite(probs[k])) __builtin_trap();
  }
  return 0;
}
