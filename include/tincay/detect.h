// tincay/detect.h — stage 3: detectors read a Post and its NormalizedText and emit Findings.
//
// Every detector explains itself: each Finding names the detector ("rule:<id>", "pii:<type>",
// "model:<name>@<version>", ...), a score and evidence spans on the original text.
//
// Thread safety: detectors are immutable after loading; detect() may run on many threads at once.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tincay/core/decision.h"
#include "tincay/core/normalized_text.h"
#include "tincay/core/post.h"
#include "tincay/core/result.h"
#include "tincay/normalize.h"

namespace tincay {

class Detector {
 public:
  virtual ~Detector() = default;
  // Appends this detector's findings for one post to `out`.
  virtual void detect(const Post& post, const NormalizedText& text,
                      std::vector<Finding>& out) const = 0;
  // Versions of the models this detector uses (name -> version); empty for rule-only detectors.
  virtual std::map<std::string, std::string> model_versions() const { return {}; }
};

// The first, minimal rule detector: named term lists from a TSV file, matched on word boundaries
// in the normalized text. Each line is
//   id <TAB> category <TAB> weight <TAB> term | term | ...
// with '#' comments. Terms are normalized with `normalizer`, so "Lừa Đảo" matches "lừa đảo".
// Load errors name the file, the line and the reason (unknown category, bad weight, ...).
Result<std::unique_ptr<Detector>> load_keyword_detector(const std::string& path,
                                                        const Normalizer& normalizer);
// As above, from text already in memory; `source` names it in error messages.
Result<std::unique_ptr<Detector>> parse_keyword_detector(std::string_view content,
                                                         std::string_view source,
                                                         const Normalizer& normalizer);

}  // namespace tincay
