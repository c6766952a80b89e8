// A small command-line parser shared by the subcommands: --flag, --flag VALUE, --flag=VALUE and
// positional arguments; "-" is a positional (stdin). Unknown flags are usage errors.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tincay/core/result.h"

namespace tincay::cli {

struct ArgSpec {
  std::set<std::string> flags;       // take no value: "--quiet"
  std::set<std::string> with_value;  // take one value: "--db"
};

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;  // flags with values, last one wins
  std::set<std::string> flags;

  bool has(const std::string& flag) const { return flags.count(flag) != 0; }
  std::optional<std::string> get(const std::string& flag) const;
};

// argv excludes the program and subcommand names. Errors are usage errors (exit status 2).
Result<Args> parse_args(const std::vector<std::string>& argv, const ArgSpec& spec);

// Parses a non-negative integer flag value; the error names the flag.
Result<std::size_t> parse_count(const std::string& flag, const std::string& value);

}  // namespace tincay::cli
