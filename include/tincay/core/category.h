// tincay/core/category.h — the closed set of harm categories.
//
// This list is part of the code on purpose: rule packs and models may add rules and labels inside
// these categories, but configuration can never add a category. There is deliberately no category
// for political opinion or criticism of authorities (see DESIGN.md, "Categories").
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tincay {

enum class Category : std::uint8_t {
  kScam,
  kFalseAdvertising,
  kHarassment,
  kHate,
  kSexual,
  kViolence,
  kSelfHarm,
  kPrivacy,
  kSpam,
  kMisinformation,
  kProfanity,
};

inline constexpr std::size_t kCategoryCount = 11;

inline constexpr std::array<Category, kCategoryCount> kAllCategories = {
    Category::kScam,   Category::kFalseAdvertising, Category::kHarassment, Category::kHate,
    Category::kSexual, Category::kViolence,         Category::kSelfHarm,   Category::kPrivacy,
    Category::kSpam,   Category::kMisinformation,   Category::kProfanity,
};

// The wire name ("false_advertising"), used in JSON, the database and rule files.
std::string_view category_name(Category category);

// The inverse of category_name; nullopt for anything outside the closed set.
std::optional<Category> parse_category(std::string_view name);

inline constexpr std::size_t category_index(Category category) {
  return static_cast<std::size_t>(category);
}

}  // namespace tincay
