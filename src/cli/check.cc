// tincay check: checks a draft before it is posted, against the problems the Code of Conduct on
// social networks (Decision 874/QĐ-BTTTT) asks people to avoid: others' personal data, insults
// and offensive words, hate, known false claims, scam patterns. Each problem is printed with its
// span on the draft and a concrete suggestion, in Vietnamese or English.
#include "tincay/check.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "tincay/claims.h"
#include "tincay/pipeline.h"
#include "tincay/store.h"

#include "src/cli/args.h"
#include "src/cli/commands.h"

namespace tincay::cli {
namespace {

constexpr int kExitProblem = 1;      // the draft has at least one problem
constexpr int kExitCannotCheck = 4;  // a file, the database or the data directory failed

constexpr const char* kCheckHelp = R"(usage: tincay check "TEXT" [options]
       tincay check --file FILE [options]

Checks a draft before posting against the Code of Conduct on social networks (Decision
874/QĐ-BTTTT): personal data of others, insults and offensive words, hate, known false claims
(the claim database), scam patterns. Prints each problem with its span (code points of the
draft) and a suggestion.

options:
  --file FILE      read the draft from FILE ('-' is stdin)
  --lang L         vi (default) or en: the language of the messages
  --db PATH        claim database (default: tincay.db when it exists)
  --no-db          do not read the database (no claim matching unless --claims)
  --claims FILE    match against the claims of FILE (JSONL or CSV) instead of the database
  --data-dir DIR   rules and data files (default: found next to the binary)
  --json           print the problems as JSON, exactly as POST /v1/check answers (docs/api.md)
  --quiet          print nothing, only set the exit status
exit status: 0 no problem found, 1 problems found, 2 usage error, 4 the check could not run
)";

Result<std::string> read_text(const std::string& path) {
  if (path == "-") {
    std::ostringstream buf;
    buf << std::cin.rdbuf();
    return buf.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, "cannot open", path);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return make_error(ErrorCode::kIo, "cannot read", path);
  return buf.str();
}

int cannot_check(const Error& e) {
  std::fprintf(stderr, "tincay check: %s\n", e.to_string().c_str());
  return e.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitCannotCheck;
}

int usage(const std::string& why) {
  std::fprintf(stderr, "tincay check: %s\n%s", why.c_str(), kCheckHelp);
  return kExitUsage;
}

}  // namespace

int run_check(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.flags = {"--no-db", "--quiet", "--json", "--help"};
  spec.with_value = {"--file", "--lang", "--db", "--claims", "--data-dir"};
  auto parsed = parse_args(argv, spec);
  if (!parsed) return usage(parsed.error().message);
  const Args& args = *parsed;
  if (args.has("--help")) {
    std::fputs(kCheckHelp, stdout);
    return kExitOk;
  }
  const std::string lang = args.get("--lang").value_or("vi");
  const auto message_lang = parse_message_lang(lang);
  if (!message_lang) return usage("--lang must be vi or en");
  const bool vi = *message_lang == MessageLang::kVi;
  auto pick = [vi](const char* vi_text, const char* en_text) { return vi ? vi_text : en_text; };
  const bool quiet = args.has("--quiet");
  if (args.has("--no-db") && args.get("--db"))
    return usage("--db and --no-db contradict each other");

  std::string text;
  if (auto file = args.get("--file")) {
    if (!args.positional.empty()) return usage("give the draft as TEXT or with --file, not both");
    auto read = read_text(*file);
    if (!read) return cannot_check(read.error());
    text = std::move(read).value();
  } else {
    if (args.positional.size() != 1) return usage("give the draft as one TEXT argument or --file");
    text = args.positional[0];
  }
  PipelineOptions options;
  options.data_dir = resolve_data_dir(args.get("--data-dir").value_or(""));
  options.campaigns = false;  // one draft is not a stream
  if (auto claims_file = args.get("--claims")) {
    auto loaded = load_claim_file(*claims_file, guess_claim_format(*claims_file));
    if (!loaded) return cannot_check(loaded.error());
    for (const Error& e : loaded->errors)
      std::fprintf(stderr, "warning: %s\n", e.to_string().c_str());
    options.claims = std::move(loaded->claims);
  } else if (!args.has("--no-db")) {
    const auto db = args.get("--db");
    std::error_code ec;
    if (db || std::filesystem::exists("tincay.db", ec)) {
      auto store = open_sqlite_store(db.value_or("tincay.db"));
      if (!store) return cannot_check(store.error());
      auto claims = (*store)->list_claims();
      if (!claims) return cannot_check(claims.error());
      options.claims = std::move(claims).value();
    }
  }
  auto pipeline = Pipeline::create(options);
  if (!pipeline) return cannot_check(pipeline.error());

  auto check = check_draft(**pipeline, text, *message_lang);
  if (!check) return cannot_check(check.error());
  const std::size_t problems = check->problems.size();
  if (args.has("--json")) {
    if (!quiet) std::printf("%s\n", draft_check_to_json(*check).c_str());
    return problems == 0 ? kExitOk : kExitProblem;
  }
  std::size_t n = 0;
  for (const DraftProblem& p : check->problems) {
    ++n;
    if (quiet) continue;
    std::printf("%zu. %s [%s] %s %zu-%zu: \"%.*s\"\n   %s\n", n,
                std::string(category_name(p.category)).c_str(), p.detector.c_str(),
                pick("ký tự", "characters"), p.begin, p.end, static_cast<int>(p.quote.size()),
                p.quote.data(), p.suggestion.c_str());
  }
  if (!quiet) {
    if (problems == 0) {
      std::printf(
          "%s\n",
          pick("Không phát hiện vấn đề theo Bộ Quy tắc ứng xử trên mạng xã hội (QĐ 874/QĐ-BTTTT).",
               "No problem found against the Code of Conduct on social networks (Decision "
               "874/QĐ-BTTTT)."));
    } else {
      std::printf("%s %zu\n",
                  pick("Số vấn đề cần sửa trước khi đăng:", "Problems to fix before posting:"),
                  problems);
    }
  }
  return problems == 0 ? kExitOk : kExitProblem;
}

}  // namespace tincay::cli
