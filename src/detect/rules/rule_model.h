// The compiled form of the rule packs, shared by the loader (rule_loader.cc) and the evaluator
// (rule_engine.cc). Terms and expressions are "atoms": one pattern in one text form.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tincay/detect/rules.h"

#include "src/detect/rules/matcher.h"

namespace tincay::rules {

// The text a pattern is matched on.
enum class Target : std::uint8_t { kText = 0, kShadow = 1, kOriginal = 2 };
inline constexpr std::size_t kTargetCount = 3;

struct Atom {
  Target target = Target::kText;
  std::uint32_t local = 0;  // index into the target's pattern vector
  std::string display;      // as written in the pack, for reasons and explain
};

using Group = std::vector<std::uint32_t>;  // atom ids; satisfied when any of them hits

struct Near {
  Group a;
  Group b;
  std::uint32_t within = 0;  // tokens
};

enum class Effect : std::uint8_t { kSuppress, kWeaken };

struct Context {
  std::string name;
  Group atoms;
  bool quotation = false;  // built-in: all evidence lies inside quotation marks
  Effect effect = Effect::kSuppress;
  double factor = 0.3;  // weaken: score multiplier
  int window = -1;      // tokens around (or before) the evidence; -1: anywhere in the post
  bool before_only = false;
};

struct Rule {
  RuleInfo info;
  Group any;
  std::vector<Group> all;
  Group none;
  std::vector<Near> near;
  std::vector<std::uint32_t> unless;  // context ids
  std::string note;                   // appended to the reason (e.g. support resources)
};

struct CompiledRules {
  std::vector<Atom> atoms;
  std::array<std::vector<Pattern>, kTargetCount> patterns;
  std::array<std::vector<std::uint32_t>, kTargetCount> atom_of;  // local pattern -> atom id
  std::vector<Rule> rules;
  std::vector<Context> contexts;
  std::vector<std::vector<std::uint32_t>> atom_rules;  // atom -> rules using it positively
  std::string content_hash;
};

// Parses and resolves the packs; does not compile matchers.
Result<CompiledRules> load_rules(const std::vector<std::pair<std::string, std::string>>& packs,
                                 const Normalizer& normalizer);

}  // namespace tincay::rules
