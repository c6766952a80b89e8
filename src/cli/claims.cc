// tincay claims: import, list and remove fact-checked claims in the SQLite database.
#include "tincay/claims.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "tincay/core/json_writer.h"
#include "tincay/store.h"

#include "src/cli/args.h"
#include "src/cli/commands.h"

namespace tincay::cli {
namespace {

constexpr const char* kClaimsHelp =
    R"(usage: tincay claims <import FILE | list | remove ID> [options]

Keeps the fact-checked claims that `tincay scan` and `tincay check` match posts against
(docs/claims.md).

  import FILE   add or update the claims of FILE (JSONL, or CSV with a header row). Fields: id,
                claim, verdict (false|misleading|unproven|true), fact_checker, source_url
                (required), published, lang. Bad records are reported as FILE:LINE: reason and
                skipped; the others are imported.
  list          print the stored claims (--json: one JSON object a line)
  remove ID     delete one claim

options:
  --db PATH      SQLite database (default: tincay.db)
  --format F     jsonl or csv for import (default: by extension)
  --json         list as JSON lines
  --quiet        no summary
exit status: 0 done, 3 some records rejected, 2 usage error, 1 fatal error (or no such claim)
)";

int fail(const Error& e) {
  std::fprintf(stderr, "tincay claims: %s\n", e.to_string().c_str());
  return e.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFatal;
}

int usage(const std::string& why) {
  std::fprintf(stderr, "tincay claims: %s\n%s", why.c_str(), kClaimsHelp);
  return kExitUsage;
}

int run_import(const Args& args, Store& store, bool quiet) {
  if (args.positional.size() != 2) return usage("import takes one FILE");
  const std::string& path = args.positional[1];
  ClaimFormat format = guess_claim_format(path);
  if (auto f = args.get("--format")) {
    if (*f == "jsonl" || *f == "json") {
      format = ClaimFormat::kJsonl;
    } else if (*f == "csv") {
      format = ClaimFormat::kCsv;
    } else {
      return usage("--format must be jsonl or csv");
    }
  }
  auto loaded = load_claim_file(path, format);
  if (!loaded) return fail(loaded.error());
  const ClaimFileResult& result = *loaded;
  for (const Error& e : result.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
  if (Status s = store.put_claims(result.claims); !s) return fail(s.error());
  if (!quiet) {
    std::fprintf(stderr, "imported %zu claim%s, rejected %zu\n", result.claims.size(),
                 result.claims.size() == 1 ? "" : "s", result.errors.size());
  }
  return result.errors.empty() ? kExitOk : kExitRejected;
}

int run_list(const Args& args, Store& store) {
  if (args.positional.size() != 1) return usage("list takes no arguments");
  auto claims = store.list_claims();
  if (!claims) return fail(claims.error());
  const bool json = args.has("--json");
  for (const Claim& c : *claims) {
    if (json) {
      std::string line;
      JsonWriter w(line);
      w.begin_object();
      w.key("id").string(c.id);
      w.key("claim").string(c.claim);
      w.key("verdict").string(verdict_name(c.verdict));
      w.key("fact_checker").string(c.fact_checker);
      w.key("source_url").string(c.source_url);
      w.key("published").string(c.published);
      w.key("lang").string(c.lang);
      w.end_object();
      std::printf("%s\n", line.c_str());
    } else {
      std::printf("%s\t%s\t%s\t%s\t%s\n", c.id.c_str(),
                  std::string(verdict_name(c.verdict)).c_str(), c.fact_checker.c_str(),
                  c.source_url.c_str(), c.claim.c_str());
    }
  }
  return kExitOk;
}

int run_remove(const Args& args, Store& store, bool quiet) {
  if (args.positional.size() != 2) return usage("remove takes one ID");
  auto removed = store.remove_claim(args.positional[1]);
  if (!removed) return fail(removed.error());
  if (!*removed) {
    std::fprintf(stderr, "tincay claims: no claim with id '%s'\n", args.positional[1].c_str());
    return kExitFatal;
  }
  if (!quiet) std::fprintf(stderr, "removed claim %s\n", args.positional[1].c_str());
  return kExitOk;
}

}  // namespace

Status configure_claims_and_campaigns(const Args& args, const std::string& db_path,
                                      PipelineOptions& options) {
  if (auto file = args.get("--claims")) {
    auto loaded = load_claim_file(*file, guess_claim_format(*file));
    if (!loaded) return loaded.error();
    for (const Error& e : loaded->errors) {
      std::fprintf(stderr, "warning: claim skipped: %s\n", e.to_string().c_str());
    }
    options.claims = std::move(loaded->claims);
  } else if (!db_path.empty()) {
    auto store = open_store(db_path);
    if (!store) return store.error();
    auto claims = (*store)->list_claims();
    if (!claims) return claims.error();
    options.claims = std::move(claims).value();
  }
  options.campaigns = !args.has("--no-campaigns");
  if (auto n = args.get("--campaign-authors")) {
    auto count = parse_count("--campaign-authors", *n);
    if (!count) return count.error();
    if (*count < 2) {
      return make_error(ErrorCode::kInvalidArgument, "--campaign-authors must be at least 2");
    }
    options.campaign.min_authors = *count;
  }
  if (auto w = args.get("--campaign-window")) {
    auto seconds = parse_count("--campaign-window", *w);
    if (!seconds) return seconds.error();
    if (*seconds == 0)
      return make_error(ErrorCode::kInvalidArgument, "--campaign-window must be > 0");
    options.campaign.window_seconds = static_cast<std::int64_t>(*seconds);
  }
  return ok_status();
}

int run_claims(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.flags = {"--json", "--quiet", "--help"};
  spec.with_value = {"--db", "--format"};
  auto parsed = parse_args(argv, spec);
  if (!parsed) return usage(parsed.error().message);
  const Args& args = *parsed;
  if (args.has("--help")) {
    std::fputs(kClaimsHelp, stdout);
    return kExitOk;
  }
  if (args.positional.empty()) return usage("missing action (import, list or remove)");
  const std::string& action = args.positional[0];
  if (action != "import" && action != "list" && action != "remove") {
    return usage("unknown action '" + action + "'");
  }
  auto store = open_sqlite_store(args.get("--db").value_or("tincay.db"));
  if (!store) return fail(store.error());
  const bool quiet = args.has("--quiet");
  if (action == "import") return run_import(args, **store, quiet);
  if (action == "list") return run_list(args, **store);
  return run_remove(args, **store, quiet);
}

}  // namespace tincay::cli
