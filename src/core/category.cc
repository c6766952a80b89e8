#include "tincay/core/category.h"

namespace tincay {
namespace {

constexpr std::array<std::string_view, kCategoryCount> kNames = {
    "scam",      "false_advertising", "harassment", "hate",           "sexual",    "violence",
    "self_harm", "privacy",           "spam",       "misinformation", "profanity",
};

}  // namespace

std::string_view category_name(Category category) { return kNames[category_index(category)]; }

std::optional<Category> parse_category(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return kAllCategories[i];
  }
  return std::nullopt;
}

}  // namespace tincay
