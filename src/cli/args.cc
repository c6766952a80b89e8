#include "src/cli/args.h"

namespace tincay::cli {

std::optional<std::string> Args::get(const std::string& flag) const {
  const auto it = values.find(flag);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

Result<Args> parse_args(const std::vector<std::string>& argv, const ArgSpec& spec) {
  Args args;
  bool only_positional = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (only_positional || a == "-" || a.rfind("--", 0) != 0) {
      if (!only_positional && a.size() > 1 && a[0] == '-' && a != "-") {
        return make_error(ErrorCode::kInvalidArgument, "unknown option " + a);
      }
      args.positional.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    std::string name = a;
    std::optional<std::string> inline_value;
    if (const auto eq = a.find('='); eq != std::string::npos) {
      name = a.substr(0, eq);
      inline_value = a.substr(eq + 1);
    }
    if (spec.flags.count(name) != 0) {
      if (inline_value) return make_error(ErrorCode::kInvalidArgument, name + " takes no value");
      args.flags.insert(name);
    } else if (spec.with_value.count(name) != 0) {
      if (inline_value) {
        args.values[name] = *inline_value;
      } else if (i + 1 < argv.size()) {
        args.values[name] = argv[++i];
      } else {
        return make_error(ErrorCode::kInvalidArgument, name + " needs a value");
      }
    } else {
      return make_error(ErrorCode::kInvalidArgument, "unknown option " + name);
    }
  }
  return args;
}

Result<std::size_t> parse_count(const std::string& flag, const std::string& value) {
  if (value.empty() || value.size() > 9 ||
      value.find_first_not_of("0123456789") != std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument,
                      flag + " needs a whole number, got \"" + value + "\"");
  }
  return static_cast<std::size_t>(std::stoul(value));
}

}  // namespace tincay::cli
