// yaml-cpp adapter (see yaml_doc.h): all yaml-cpp calls live in this file, inside try blocks.
#include "src/detect/rules/yaml_doc.h"

#include <exception>
#include <string>

#include <yaml-cpp/yaml.h>

namespace tincay::rules {
namespace {

constexpr int kMaxDepth = 64;

std::string where_at(std::string_view source, int line) {
  return std::string(source) + ":" + std::to_string(line);
}

// Converts a yaml-cpp node; may throw YAML::Exception, which parse_yaml() catches.
Result<YamlNode> convert(const YAML::Node& node, std::string_view source, int depth) {
  YamlNode out;
  out.line = node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
  if (depth > kMaxDepth) {
    return make_error(ErrorCode::kInvalidInput, "nesting deeper than 64 levels",
                      where_at(source, out.line));
  }
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out.kind = YamlNode::Kind::kNull;
      return out;
    case YAML::NodeType::Scalar:
      out.kind = YamlNode::Kind::kScalar;
      out.scalar = node.Scalar();
      return out;
    case YAML::NodeType::Sequence:
      out.kind = YamlNode::Kind::kSequence;
      for (const YAML::Node& item : node) {
        auto child = convert(item, source, depth + 1);
        if (!child) return child.error();
        out.items.push_back(std::move(child).value());
      }
      return out;
    case YAML::NodeType::Map:
      out.kind = YamlNode::Kind::kMap;
      for (const auto& entry : node) {
        const int key_line = entry.first.Mark().line + 1;
        if (!entry.first.IsScalar()) {
          return make_error(ErrorCode::kInvalidInput, "map keys must be plain words",
                            where_at(source, key_line));
        }
        std::string key = entry.first.Scalar();
        if (out.find(key) != nullptr) {
          return make_error(ErrorCode::kInvalidInput, "duplicate key \"" + key + "\"",
                            where_at(source, key_line));
        }
        auto child = convert(entry.second, source, depth + 1);
        if (!child) return child.error();
        if (child->line == 0) child->line = key_line;
        out.map.push_back(YamlEntry{std::move(key), std::move(child).value()});
      }
      return out;
  }
  return out;
}

}  // namespace

const YamlNode* YamlNode::find(std::string_view key) const {
  for (const auto& [k, v] : map) {
    if (k == key) return &v;
  }
  return nullptr;
}

Result<YamlNode> parse_yaml(std::string_view content, std::string_view source) {
  try {
    const YAML::Node root = YAML::Load(std::string(content));
    return convert(root, source, 0);
  } catch (const YAML::Exception& e) {
    const int line = e.mark.line >= 0 ? e.mark.line + 1 : 0;
    return make_error(ErrorCode::kInvalidInput, "YAML syntax error: " + e.msg,
                      where_at(source, line));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInvalidInput, std::string("YAML error: ") + e.what(),
                      std::string(source));
  }
}

}  // namespace tincay::rules
