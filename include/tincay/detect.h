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

// The rule packs: every rules/*.yaml in `dir` (see docs/rules.md), compiled into one matcher per
// text form (Hyperscan where available). Errors name the pack, line, rule and pattern at fault.
// tincay/detect/rules.h has the engine's inspection interface and options.
Result<std::unique_ptr<Detector>> load_rule_packs(const std::string& dir,
                                                  const Normalizer& normalizer);

// The personal-data detectors (category privacy): pii:phone, pii:national_id, pii:bank_account,
// pii:card_number, pii:tax_code, pii:email, pii:license_plate, each validated (carrier prefixes,
// CCCD province/century digits, Luhn, tax-code check digit, context words).
std::unique_ptr<Detector> make_pii_detector();

}  // namespace tincay
