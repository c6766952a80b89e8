// The one place tincay touches yaml-cpp: a YAML document becomes a plain tree of YamlNode values
// with line numbers, and every exception yaml-cpp throws becomes a Result error naming the file,
// line and reason. The rule-pack loader works on this tree only.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tincay/core/result.h"

namespace tincay::rules {

struct YamlEntry;

struct YamlNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };
  Kind kind = Kind::kNull;
  std::string scalar;           // kScalar: the text
  std::vector<YamlNode> items;  // kSequence: the elements
  std::vector<YamlEntry> map;   // kMap: entries in file order
  int line = 0;                 // 1-based line in the source

  // The value of `key` in a map, or nullptr when absent (or when this is not a map).
  const YamlNode* find(std::string_view key) const;
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_map() const { return kind == Kind::kMap; }
};

struct YamlEntry {
  std::string key;
  YamlNode value;
};

// Parses one YAML document. Errors name `source` and the line: syntax errors, duplicate keys,
// non-scalar keys, aliases/anchors nesting deeper than 64 levels. Never throws.
Result<YamlNode> parse_yaml(std::string_view content, std::string_view source);

}  // namespace tincay::rules
