// tincay/core/decision.h — findings from detectors and the decision made from them.
//
// A Finding is one detector's claim about one category, with its evidence on the original text.
// A Decision combines the findings into per-category scores, a recommended action and a statement
// of reasons (the EU DSA transparency-database fields). The JSON form is documented in
// docs/decision-format.md and written by decision_to_json().
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tincay/core/category.h"
#include "tincay/core/normalized_text.h"

namespace tincay {

struct Finding {
  Category category = Category::kSpam;
  std::string detector;              // "rule:<id>", "model:<name>@<version>", "pii:<type>", ...
  double score = 0.0;                // in [0, 1]
  std::vector<ByteSpan> evidence;    // byte spans of the original text
  std::string reason;                // one line a reviewer can read
  std::optional<std::string> value;  // detector-specific value (e.g. a masked phone number)
  bool truncated = false;            // the detector read only a prefix of the post
};

// Ordered from least to most severe; the decision takes the most severe one that applies.
enum class Action : std::uint8_t { kAllow, kLabel, kReview, kRemove, kEscalate };

std::string_view action_name(Action action);

// How much of the decision was taken by a machine (DSA "automated_decision").
enum class Automation : std::uint8_t { kFully, kPartially, kNot };

std::string_view automation_name(Automation automation);

struct StatementOfReasons {
  std::vector<Category> categories;  // flagged categories, most severe first
  std::vector<std::string> grounds;  // detectors that contributed to a flagged category
  std::string facts;                 // the facts and circumstances, in words
  bool automated_detection = true;
  Automation automated_decision = Automation::kFully;
  std::string redress;  // how to contest the decision
};

struct Decision {
  std::string post_id;
  Action action = Action::kAllow;
  std::array<double, kCategoryCount> scores{};  // combined score per category, 0 when none
  std::vector<Finding> findings;
  StatementOfReasons statement;
  std::string policy_version;
  std::map<std::string, std::string> model_versions;  // model name -> version

  double score(Category category) const { return scores[category_index(category)]; }
};

// The decision as one line of JSON (no trailing newline), evidence offsets in Unicode code points
// of `original_text`, evidence text copied from it.
std::string decision_to_json(const Decision& decision, std::string_view original_text);

}  // namespace tincay
