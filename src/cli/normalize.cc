// tincay normalize: one normalized line out per line in.
#include <iostream>
#include <string>

#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "tincay/core/utf8.h"
#include "tincay/normalize.h"

namespace tincay::cli {

int run_normalize(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.flags = {"--help"};
  spec.with_value = {"--data-dir"};
  auto args = parse_args(argv, spec);
  if (!args) {
    std::cerr << "tincay normalize: " << args.error().message << "\n";
    return kExitUsage;
  }
  if (args->has("--help")) {
    std::cout << "usage: tincay normalize < lines\nPrints exactly one normalized line per input "
                 "line.\n";
    return kExitOk;
  }
  NormalizeOptions options;
  options.data_dir = resolve_data_dir(args->get("--data-dir").value_or(""));
  auto normalizer = Normalizer::create(options);
  if (!normalizer) {
    std::cerr << "tincay normalize: " << normalizer.error().to_string() << "\n";
    return kExitFatal;
  }
  std::ios::sync_with_stdio(false);
  std::string line;
  std::size_t line_no = 0;
  int status = kExitOk;
  while (std::getline(std::cin, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!utf8::is_valid(line)) {
      std::cerr << "<stdin>:" << line_no << ": invalid UTF-8\n";
      std::cout << "\n";  // keep one output line per input line
      status = kExitRejected;
      continue;
    }
    std::cout << normalizer->normalize(line).text << "\n";
  }
  return status;
}

}  // namespace tincay::cli
