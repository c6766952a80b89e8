// The subcommands of the tincay executable. Each takes its arguments (after the subcommand name)
// and returns the process exit status: 0 success, 1 fatal error, 2 usage error, 3 some input
// records were rejected.
#pragma once

#include <string>
#include <vector>

#include "tincay/pipeline.h"

#include "src/cli/args.h"

namespace tincay::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFatal = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRejected = 3;

int run_scan(const std::vector<std::string>& args);
int run_normalize(const std::vector<std::string>& args);
int run_lexnorm(const std::vector<std::string>& args);  // tincay lexnorm build|eval
int run_rules(const std::vector<std::string>& args);    // tincay rules test|explain
int run_train(const std::vector<std::string>& args);    // tincay train: labelled JSONL -> model
int run_eval(const std::vector<std::string>& args);     // tincay eval: a model on labelled JSONL
int run_claims(const std::vector<std::string>& args);   // tincay claims import|list|remove
int run_check(const std::vector<std::string>& args);    // exits 1 when the draft has a problem
int run_serve(const std::vector<std::string>& args);    // tincay serve: the HTTP API
int run_keys(const std::vector<std::string>& args);     // tincay keys create|list|revoke
int run_trends(const std::vector<std::string>& args);   // tincay trends: aggregate trends
// tincay trends rebuild: recompute the rollups from the stored posts (src/cli/trends_rebuild.cc)
int run_trends_rebuild(const std::vector<std::string>& args);
int run_audit(const std::vector<std::string>& args);    // tincay audit verify
int run_publish(const std::vector<std::string>& args);  // tincay publish: posts -> JetStream
int run_worker(const std::vector<std::string>& args);   // tincay worker: JetStream -> store

// Sets options.claims (from --claims FILE, else from the database at `db_path` unless it is
// empty) and the campaign options (--campaign-authors, --campaign-window, --no-campaigns) of a
// scan. Rejected claim records are reported on stderr as warnings. Defined in claims.cc.
Status configure_claims_and_campaigns(const Args& args, const std::string& db_path,
                                      PipelineOptions& options);

// The directory holding rules/ and other data: --data-dir, else $TINCAY_DATA_DIR, else
// <executable>/../share/tincay, else the source tree the binary was built from.
std::string resolve_data_dir(const std::string& flag_value);

}  // namespace tincay::cli
