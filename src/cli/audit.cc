// tincay audit verify: checks the hash chain of the audit log (docs/api.md#audit-log).
#include <cstdio>
#include <filesystem>
#include <string>

#include "tincay/service_store.h"
#include "tincay/store.h"

#include "src/cli/args.h"
#include "src/cli/commands.h"

namespace tincay::cli {

namespace {
constexpr const char* kAuditHelp = R"(usage: tincay audit verify [--db PATH | --db postgresql://...]

Recomputes the hash chain of the audit log. Exit status 0 when every entry is intact; 1 naming
the first entry that was edited, removed or reordered (or when the database cannot be read).
)";
}  // namespace

int run_audit(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.flags = {"--help"};
  spec.with_value = {"--db"};
  auto parsed = parse_args(argv, spec);
  if (!parsed || parsed->has("--help") || parsed->positional.size() != 1 ||
      parsed->positional[0] != "verify") {
    if (parsed && parsed->has("--help")) {
      std::fputs(kAuditHelp, stdout);
      return kExitOk;
    }
    std::fputs(kAuditHelp, stderr);
    return kExitUsage;
  }
  const std::string db = parsed->get("--db").value_or("tincay.db");
  std::error_code ec;
  if (!is_postgres_location(db) && !std::filesystem::exists(db, ec)) {
    std::fprintf(stderr, "tincay audit: %s: no such database\n", db.c_str());
    return kExitFatal;
  }
  auto store = open_service_store(db);
  if (!store) {
    std::fprintf(stderr, "tincay audit: %s\n", store.error().to_string().c_str());
    return kExitFatal;
  }
  auto entries = (*store)->read_audit();
  if (!entries) {
    std::fprintf(stderr, "tincay audit: %s\n", entries.error().to_string().c_str());
    return kExitFatal;
  }
  if (auto problem = verify_audit_chain(*entries)) {
    std::fprintf(stderr, "tincay audit: %s: %s\n", db.c_str(), problem->c_str());
    return kExitFatal;
  }
  std::printf("audit log intact: %zu entries\n", entries->size());
  return kExitOk;
}

}  // namespace tincay::cli
