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

Run 'tincay <command> --help' for a command's options.
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + (argc > 1 ? 2 : 1), argv + argc);
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "scan") return tincay::cli::run_scan(args);
  if (command == "normalize") return tincay::cli::run_normalize(args);
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
