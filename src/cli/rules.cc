// tincay rules test [PACK ...] / tincay rules explain "TEXT": run the packs' own examples, and show
// which rules (and personal-data detectors) fire on a text and why.
#include "tincay/detect/rules.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "tincay/core/utf8.h"
#include "tincay/detect.h"
#include "tincay/normalize.h"

#include "src/cli/args.h"
#include "src/cli/commands.h"

namespace tincay::cli {
namespace {

constexpr const char* kRulesHelp = R"(usage: tincay rules test [PACK ...] [options]
       tincay rules explain "TEXT" [options]

test      runs the match / no_match examples of every rule (of the named packs only, when
          PACK names are given; a PACK is a pack name such as 'scam' or a path to a .yaml file,
          which is loaded together with the bundled packs). Exit status 1 when any fails.
explain   shows, for TEXT ('-' reads stdin), every rule a pattern touched: whether it fired, its
          score and evidence, or why not; then the personal-data findings.

options:
  --data-dir DIR     where rules/ is (default: found next to the binary)
  --matcher M        auto, hyperscan or portable (default auto)
  --no-cache         do not read or write the compiled-database cache
  --quiet            test: print failures and the summary only
docs: docs/rules.md
)";

struct Loaded {
  Normalizer normalizer;
  std::unique_ptr<RuleEngine> engine;
};

Result<Loaded> load(const Args& args, const std::vector<std::string>& extra_files) {
  const std::string data_dir = resolve_data_dir(args.get("--data-dir").value_or(""));
  NormalizeOptions nopts;
  nopts.data_dir = data_dir;
  auto normalizer = Normalizer::create(nopts);
  if (!normalizer) return normalizer.error();
  auto files = list_rule_pack_files(data_dir + "/rules");
  if (!files) return files.error();
  for (const std::string& f : extra_files) {
    bool already = false;
    for (const std::string& have : *files) {
      std::error_code ec;
      already = already || std::filesystem::equivalent(have, f, ec);
    }
    if (!already) files->push_back(f);
  }
  RuleOptions options;
  const std::string matcher = args.get("--matcher").value_or("auto");
  if (matcher == "hyperscan") {
    options.matcher = MatcherKind::kHyperscan;
  } else if (matcher == "portable") {
    options.matcher = MatcherKind::kPortable;
  } else if (matcher != "auto") {
    return make_error(ErrorCode::kInvalidArgument,
                      "--matcher must be auto, hyperscan or portable, not '" + matcher + "'");
  }
  options.use_cache = !args.has("--no-cache");
  auto engine = load_rule_engine(*files, *normalizer, options);
  if (!engine) return engine.error();
  return Loaded{std::move(normalizer).value(), std::move(engine).value()};
}

std::string quote_original(const std::string& text, ByteSpan e) {
  std::string out = "\"";
  out.append(text, e.begin, e.end - e.begin);
  out += '"';
  return out;
}

int run_test(const Args& args) {
  std::vector<std::string> extra;
  std::vector<std::string> packs;
  for (std::size_t i = 1; i < args.positional.size(); ++i) {
    const std::string& p = args.positional[i];
    if (p.size() > 5 && p.compare(p.size() - 5, 5, ".yaml") == 0) {
      extra.push_back(p);
      packs.push_back(std::filesystem::path(p).stem().string());
    } else {
      packs.push_back(p);
    }
  }
  auto loaded = load(args, extra);
  if (!loaded) {
    std::cerr << "tincay rules: " << loaded.error().to_string() << "\n";
    return loaded.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFatal;
  }
  const RuleEngine& engine = *loaded->engine;
  std::set<std::string> known;
  for (const RuleInfo& r : engine.rules()) known.insert(r.pack);
  for (const std::string& p : packs) {
    if (known.count(p) == 0) {
      std::cerr << "tincay rules: no pack named '" << p << "'\n";
      return kExitUsage;
    }
  }
  const auto failures = run_rule_examples(engine, loaded->normalizer, packs);
  std::size_t rules = 0;
  std::size_t examples = 0;
  const std::set<std::string> wanted(packs.begin(), packs.end());
  for (const RuleInfo& r : engine.rules()) {
    if (!wanted.empty() && wanted.count(r.pack) == 0) continue;
    ++rules;
    examples += r.match_examples.size() + r.no_match_examples.size();
  }
  for (const ExampleFailure& f : failures) {
    std::cout << f.where << ": rule " << f.rule_id << ": " << f.problem;
    if (!f.example.empty()) std::cout << ": \"" << f.example << "\"";
    std::cout << "\n";
  }
  std::cout << "rules test: " << rules << " rules, " << examples << " examples, " << failures.size()
            << " failures (matcher " << engine.matcher_name() << ")\n";
  return failures.empty() ? kExitOk : kExitFatal;
}

int run_explain(const Args& args) {
  if (args.positional.size() != 2) {
    std::cerr << "tincay rules explain: give exactly one TEXT (or '-' for stdin)\n";
    return kExitUsage;
  }
  std::string text = args.positional[1];
  if (text == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  if (!utf8::is_valid(text)) {
    std::cerr << "tincay rules explain: TEXT is not valid UTF-8\n";
    return kExitUsage;
  }
  auto loaded = load(args, {});
  if (!loaded) {
    std::cerr << "tincay rules: " << loaded.error().to_string() << "\n";
    return loaded.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFatal;
  }
  Post post;
  post.text = text;
  const NormalizedText normalized = loaded->normalizer.normalize(text);
  std::cout << "normalized: " << normalized.text << "\nshadow:     " << normalized.shadow << "\n";
  const auto traces = loaded->engine->explain(post, normalized);
  std::array<double, kCategoryCount> keep{};
  keep.fill(1.0);
  if (traces.empty()) std::cout << "no rule pattern matched\n";
  for (const RuleTrace& t : traces) {
    std::cout << (t.fired ? "FIRED " : "no    ") << t.rule_id << " (" << category_name(t.category)
              << ")";
    if (t.fired) {
      char buf[32];
      std::snprintf(buf, sizeof buf, " score %.2f", t.score);
      std::cout << buf;
      keep[category_index(t.category)] *= 1.0 - t.score;
    }
    std::cout << ": " << t.outcome << "\n  matched:";
    for (const std::string& m : t.matched) std::cout << " \"" << m << "\"";
    std::cout << "\n  evidence:";
    for (const ByteSpan& e : t.evidence) std::cout << " " << quote_original(text, e);
    std::cout << "\n";
  }
  std::vector<Finding> pii;
  make_pii_detector()->detect(post, normalized, pii);
  for (const Finding& f : pii) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " score %.2f", f.score);
    std::cout << "FIRED " << f.detector << " (privacy)" << buf << ": " << f.reason
              << "\n  value: " << f.value.value_or("")
              << "\n  evidence: " << quote_original(text, f.evidence[0]) << "\n";
    keep[category_index(Category::kPrivacy)] *= 1.0 - f.score;
  }
  std::cout << "category scores (noisy-OR of the findings above):";
  bool any = false;
  for (const Category c : kAllCategories) {
    const double score = 1.0 - keep[category_index(c)];
    if (score <= 0.0) continue;
    char buf[64];
    std::snprintf(buf, sizeof buf, " %s %.2f", std::string(category_name(c)).c_str(), score);
    std::cout << buf;
    any = true;
  }
  std::cout << (any ? "\n" : " none\n");
  return kExitOk;
}

}  // namespace

int run_rules(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.flags = {"--help", "--no-cache", "--quiet"};
  spec.with_value = {"--data-dir", "--matcher"};
  auto args = parse_args(argv, spec);
  if (!args) {
    std::cerr << "tincay rules: " << args.error().message << "\n";
    return kExitUsage;
  }
  if (args->has("--help")) {
    std::cout << kRulesHelp;
    return kExitOk;
  }
  const std::string sub = args->positional.empty() ? "" : args->positional[0];
  if (sub == "test") return run_test(*args);
  if (sub == "explain") return run_explain(*args);
  std::cerr << "tincay rules: expected 'test' or 'explain'\n" << kRulesHelp;
  return kExitUsage;
}

}  // namespace tincay::cli
