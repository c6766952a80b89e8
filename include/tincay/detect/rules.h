// tincay/detect/rules.h — the rule engine: YAML rule packs (rules/*.yaml, docs/rules.md) compiled
// into one multi-pattern database per text form, scanned once per post, with the rule logic
// (any / all / none, near, unless contexts) run over the hits.
//
// detect.h has the one-line factory the pipeline uses; this header adds what `tincay rules test`
// and `tincay rules explain` need to look inside. Immutable after loading; thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tincay/core/category.h"
#include "tincay/core/normalized_text.h"
#include "tincay/core/result.h"
#include "tincay/detect.h"
#include "tincay/normalize.h"

namespace tincay {

enum class MatcherKind { kAuto, kHyperscan, kPortable };

struct RuleOptions {
  // kAuto: Hyperscan when this build and CPU have it, else the portable matcher.
  MatcherKind matcher = MatcherKind::kAuto;
  // Where compiled Hyperscan databases are cached, keyed by a hash of the compiled patterns.
  // Empty: $XDG_CACHE_HOME/tincay, else $HOME/.cache/tincay. A corrupt cache is ignored.
  std::string cache_dir;
  bool use_cache = true;
};

enum class Severity { kLow, kMedium, kHigh, kCritical };
std::string_view severity_name(Severity severity);

// What a rule is, as loaded (for listing and testing).
struct RuleInfo {
  std::string id;
  std::string pack;
  std::string where;  // "rules/scam.yaml:42"
  Category category = Category::kScam;
  Severity severity = Severity::kLow;
  std::string description;
  double weight = 0.0;
  std::vector<std::string> match_examples;
  std::vector<std::string> no_match_examples;
};

// Why a rule did or did not fire on one text (tincay rules explain).
struct RuleTrace {
  std::string rule_id;
  Category category = Category::kScam;
  bool fired = false;                // emitted a finding
  double score = 0.0;                // the finding's score (after weakening)
  std::vector<std::string> matched;  // terms/patterns that hit, as written in the pack
  std::vector<ByteSpan> evidence;    // on the original text
  std::string outcome;  // "fired", "suppressed by context warning", "missing all[1]"...
};

struct ExampleFailure {
  std::string rule_id;
  std::string where;    // the rule's file and line
  std::string example;  // the example text; empty for "no match example"
  std::string problem;  // "expected a match", "expected no match", "rule has no match example"
};

class RuleEngine : public Detector {
 public:
  const std::vector<RuleInfo>& rules() const { return infos_; }
  // Hex SHA-256 over the loaded packs' names and contents: the rules' version.
  const std::string& content_hash() const { return content_hash_; }
  // "hyperscan" or "portable".
  virtual std::string_view matcher_name() const = 0;
  // A trace for every rule that any pattern touched, fired or not. `text` is post.text normalized.
  virtual std::vector<RuleTrace> explain(const Post& post, const NormalizedText& text) const = 0;

 protected:
  std::vector<RuleInfo> infos_;
  std::string content_hash_;
};

// Loads the given pack files (YAML) into one engine. Load errors name the file, the line, the
// rule and the pattern: unknown category or severity, bad weight, unknown key, invalid regex,
// undefined list or context, duplicate rule id.
Result<std::unique_ptr<RuleEngine>> load_rule_engine(const std::vector<std::string>& files,
                                                     const Normalizer& normalizer,
                                                     const RuleOptions& options);
// As above from (name, content) pairs already in memory; `name` is used in messages.
Result<std::unique_ptr<RuleEngine>> parse_rule_engine(
    const std::vector<std::pair<std::string, std::string>>& packs, const Normalizer& normalizer,
    const RuleOptions& options);

// The *.yaml files in `dir`, sorted by name. Error when `dir` cannot be read.
Result<std::vector<std::string>> list_rule_pack_files(const std::string& dir);

// Runs the examples of every rule whose pack is in `packs` (all rules when `packs` is empty);
// a rule without a match example is a failure too.
std::vector<ExampleFailure> run_rule_examples(const RuleEngine& engine,
                                              const Normalizer& normalizer,
                                              const std::vector<std::string>& packs);

}  // namespace tincay
