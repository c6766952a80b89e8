// tincay keys create|list|revoke: API keys of tincay serve. Only a hash of each key is stored.
#include <cstdio>
#include <string>

#include "tincay/core/time.h"
#include "tincay/serve.h"
#include "tincay/service_store.h"

#include "src/cli/args.h"
#include "src/cli/commands.h"

namespace tincay::cli {
namespace {

constexpr const char* kKeysHelp =
    R"(usage: tincay keys create --role ROLE [--label TEXT] [--db PATH]
       tincay keys list [--db PATH]
       tincay keys revoke ID [--db PATH]

create   makes a new API key for ROLE (admin, reviewer, analyst or ingest) and prints it alone on
         the last line of stdout. Only its SHA-256 is stored: keep the key, it cannot be shown again.
list     shows every key's id, role, label, creation time and whether it is revoked.
revoke   revokes the key with id ID; requests with it get 401 from then on.
--db PATH  the database tincay serve uses: a SQLite file or postgresql://... (default: tincay.db)
)";

int fail(const Error& e) {
  std::fprintf(stderr, "tincay keys: %s\n", e.to_string().c_str());
  return e.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFatal;
}

int usage(const std::string& message) {
  std::fprintf(stderr, "tincay keys: %s\n%s", message.c_str(), kKeysHelp);
  return kExitUsage;
}

}  // namespace

int run_keys(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.flags = {"--help"};
  spec.with_value = {"--db", "--role", "--label"};
  auto parsed = parse_args(argv, spec);
  if (!parsed) return usage(parsed.error().message);
  const Args& args = *parsed;
  if (args.has("--help")) {
    std::fputs(kKeysHelp, stdout);
    return kExitOk;
  }
  if (args.positional.empty()) return usage("missing subcommand: create, list or revoke");
  const std::string& sub = args.positional[0];
  auto store = open_service_store(args.get("--db").value_or("tincay.db"));
  if (!store) return fail(store.error());
  SystemClock clock;
  AuditEntry audit;
  audit.at_unix = clock.now_unix();
  audit.kind = "key";
  audit.actor = "cli";

  if (sub == "create") {
    const std::string role = args.get("--role").value_or("");
    if (!parse_role(role)) return usage("--role must be admin, reviewer, analyst or ingest");
    auto key = new_api_key();
    if (!key) return fail(key.error());
    const std::string label = args.get("--label").value_or("");
    auto id = (*store)->create_key(hash_api_key(*key), role, label, audit.at_unix);
    if (!id) return fail(id.error());
    audit.subject = std::to_string(*id);
    audit.payload = "{\"event\":\"create\",\"role\":\"" + role + "\"}";
    if (Status s = (*store)->append_audit(audit); !s) return fail(s.error());
    std::fprintf(stderr, "created key %lld with role %s; it is shown once:\n",
                 static_cast<long long>(*id), role.c_str());
    std::printf("%s\n", key->c_str());
    return kExitOk;
  }
  if (sub == "list") {
    auto keys = (*store)->list_keys();
    if (!keys) return fail(keys.error());
    std::printf("id\trole\tcreated\tstatus\tlabel\n");
    for (const ApiKeyRecord& k : *keys) {
      std::printf("%lld\t%s\t%s\t%s\t%s\n", static_cast<long long>(k.id), k.role.c_str(),
                  format_rfc3339_utc(k.created_unix).c_str(), k.revoked ? "revoked" : "active",
                  k.label.c_str());
    }
    return kExitOk;
  }
  if (sub == "revoke") {
    if (args.positional.size() != 2) return usage("revoke takes one key id");
    auto id = parse_count("revoke", args.positional[1]);
    if (!id) return usage(id.error().message);
    auto done = (*store)->revoke_key(static_cast<std::int64_t>(*id));
    if (!done) return fail(done.error());
    if (!*done) {
      std::fprintf(stderr, "tincay keys: no active key with id %zu\n", *id);
      return kExitFatal;
    }
    audit.subject = std::to_string(*id);
    audit.payload = "{\"event\":\"revoke\"}";
    if (Status s = (*store)->append_audit(audit); !s) return fail(s.error());
    std::fprintf(stderr, "revoked key %zu\n", *id);
    return kExitOk;
  }
  return usage("unknown subcommand '" + sub + "'");
}

}  // namespace tincay::cli
