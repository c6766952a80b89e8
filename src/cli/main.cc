// tincay: the command-line entry point. It only dispatches to a subcommand in src/cli/.
#include <cstdio>
#include <string>
#include <vector>

#include "src/cli/commands.h"

namespace {

constexpr const char* kUsage = R"(tincay — trust-and-safety engine for Vietnamese social media

usage: tincay <command> [options]

commands:
  scan [FILE ...]     scan posts (JSONL or CSV; '-' or nothing reads stdin) and write decisions
  normalize           normalize lines from stdin, one output line per input line
  lexnorm build|eval  teencode lexicon from ViLexNorm train; ERR on a split
  rules test|explain  run the rule packs' examples; show which rules fire on a text
  train               train a text classifier on labelled JSONL into a model file
  eval                score a model (bundled by name, or a file) on labelled JSONL
  claims import|list|remove   manage the fact-checked claims posts are matched against
  check "TEXT"        check a draft before posting; exits 1 when it has a problem
  serve               the HTTP API: scan, review queue, appeals, reports (docs/api.md)
  keys create|list|revoke   API keys of tincay serve
  audit verify        check the hash chain of the audit log
  trends              aggregate topics, emotions and emerging issues over stored posts
  publish [FILE ...]  put posts on a NATS JetStream stream for workers (docs/scaling.md)
  worker              scan posts from the stream into PostgreSQL (or SQLite), with other workers

Run 'tincay <command> --help' for a command's options.
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + (argc > 1 ? 2 : 1), argv + argc);
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "scan") return tincay::cli::run_scan(args);
  if (command == "normalize") return tincay::cli::run_normalize(args);
  if (command == "lexnorm") return tincay::cli::run_lexnorm(args);
  if (command == "rules") return tincay::cli::run_rules(args);
  if (command == "train") return tincay::cli::run_train(args);
  if (command == "eval") return tincay::cli::run_eval(args);
  if (command == "claims") return tincay::cli::run_claims(args);
  if (command == "check") return tincay::cli::run_check(args);
  if (command == "serve") return tincay::cli::run_serve(args);
  if (command == "keys") return tincay::cli::run_keys(args);
  if (command == "audit") return tincay::cli::run_audit(args);
  if (command == "trends") return tincay::cli::run_trends(args);
  if (command == "publish") return tincay::cli::run_publish(args);
  if (command == "worker") return tincay::cli::run_worker(args);
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return tincay::cli::kExitOk;
  }
  if (command == "--version") {
    std::puts("tincay " TINCAY_VERSION);
    return tincay::cli::kExitOk;
  }
  std::fprintf(stderr, "tincay: %s\n%s",
               command.empty() ? "missing command" : ("unknown command '" + command + "'").c_str(),
               kUsage);
  return tincay::cli::kExitUsage;
}
