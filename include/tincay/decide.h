// tincay/decide.h — stage 4: combines findings into a Decision.
//
// Per category, finding scores combine as a noisy-OR (1 - Π(1 - s)); a category is flagged when
// its combined score reaches the policy threshold (0.5). The recommended action is the most severe
// action any flagged category calls for, and the statement of reasons lists what fired and why.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "tincay/core/decision.h"
#include "tincay/core/post.h"

namespace tincay {

// What a flagged category leads to: `action` from the flag threshold, `strong_action` from
// `strong_at` upwards (e.g. scams go to review at 0.5 and are removed at 0.85).
struct CategoryPolicy {
  Action action = Action::kReview;
  double strong_at = 2.0;  // > 1 means never
  Action strong_action = Action::kReview;
};

class Policy {
 public:
  // The defaults documented in docs/decision-format.md.
  static Policy defaults();

  double flag_threshold() const { return flag_threshold_; }
  const std::string& version() const { return version_; }
  const CategoryPolicy& for_category(Category c) const { return table_[category_index(c)]; }

  // Builds the decision for `post` from its findings. `model_versions` is copied into the
  // decision for the record.
  Decision decide(const Post& post, std::vector<Finding> findings,
                  const std::map<std::string, std::string>& model_versions) const;

 private:
  std::string version_ = "tincay-policy-2026.11";
  double flag_threshold_ = 0.5;
  std::array<CategoryPolicy, kCategoryCount> table_{};
};

}  // namespace tincay
