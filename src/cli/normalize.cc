// tincay normalize: one normalized line out per line in; --json adds the shadow, the tokens with
// their offsets on the original line, and the readings of ambiguous forms.
#include "tincay/normalize.h"

#include <iostream>
#include <string>

#include "tincay/core/json_writer.h"
#include "tincay/core/utf8.h"

#include "src/cli/args.h"
#include "src/cli/commands.h"

namespace tincay::cli {
namespace {

constexpr const char* kHelp = R"(usage: tincay normalize [--json] [--data-dir DIR] < lines
Prints exactly one normalized line per input line (invalid UTF-8 gives an empty line and a
message on stderr). With --json each line is an object:
  {"text", "shadow", "truncated", "tokens": [{"kind", "text", "start", "end", "original",
   "expanded"?, "deobfuscated"?, "alternatives"?}]}
where start/end are code-point offsets of the token's original span in the input line.
)";

void write_json(const std::string& line, const NormalizedText& t, std::string& out) {
  JsonWriter w(out);
  w.begin_object();
  w.key("text").string(t.text);
  w.key("shadow").string(t.shadow);
  w.key("truncated").boolean(t.truncated);
  w.key("tokens").begin_array();
  utf8::CodePointCounter counter(line);
  for (const Token& tok : t.tokens) {
    w.begin_object();
    w.key("kind").string(token_kind_name(tok.kind));
    w.key("text").string(std::string_view(t.text).substr(
        tok.normalized.begin, tok.normalized.end - tok.normalized.begin));
    w.key("start").number(static_cast<std::int64_t>(counter.to_code_points(tok.original.begin)));
    w.key("end").number(static_cast<std::int64_t>(counter.to_code_points(tok.original.end)));
    w.key("original")
        .string(std::string_view(line).substr(tok.original.begin,
                                              tok.original.end - tok.original.begin));
    if ((tok.flags & token_flags::kExpanded) != 0) w.key("expanded").boolean(true);
    if ((tok.flags & token_flags::kDeobfuscated) != 0) w.key("deobfuscated").boolean(true);
    if ((tok.flags & token_flags::kAmbiguous) != 0) {
      w.key("alternatives").begin_array();
      for (std::size_t k = 0; k < tok.alternatives_count; ++k) w.string(t.alternative(tok, k));
      w.end_array();
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace

int run_normalize(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.flags = {"--help", "--json"};
  spec.with_value = {"--data-dir"};
  auto args = parse_args(argv, spec);
  if (!args) {
    std::cerr << "tincay normalize: " << args.error().message << "\n" << kHelp;
    return kExitUsage;
  }
  if (args->has("--help")) {
    std::cout << kHelp;
    return kExitOk;
  }
  const bool json = args->has("--json");
  NormalizeOptions options;
  options.data_dir = resolve_data_dir(args->get("--data-dir").value_or(""));
  auto normalizer = Normalizer::create(options);
  if (!normalizer) {
    std::cerr << "tincay normalize: " << normalizer.error().to_string() << "\n";
    return kExitFatal;
  }
  std::ios::sync_with_stdio(false);
  std::string line;
  std::string out;
  NormalizedText t;
  std::size_t line_no = 0;
  int status = kExitOk;
  while (std::getline(std::cin, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!utf8::is_valid(line)) {
      std::cerr << "<stdin>:" << line_no << ": invalid UTF-8\n";
      std::cout << (json ? "{\"error\":\"invalid UTF-8\"}" : "") << "\n";  // one line per line
      status = kExitRejected;
      continue;
    }
    normalizer->normalize(line, t);
    out.clear();
    if (json) {
      write_json(line, t, out);
    } else {
      out = t.text;
    }
    out += '\n';
    std::cout << out;
  }
  return status;
}

}  // namespace tincay::cli
