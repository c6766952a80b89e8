// The subcommands of the tincay executable. Each takes its arguments (after the subcommand name)
// and returns the process exit status: 0 success, 1 fatal error, 2 usage error, 3 some input
// records were rejected.
#pragma once

#include <string>
#include <vector>

namespace tincay::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFatal = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRejected = 3;

int run_scan(const std::vector<std::string>& args);
int run_normalize(const std::vector<std::string>& args);

// The directory holding rules/ and other data: --data-dir, else $TINCAY_DATA_DIR, else
// <executable>/../share/tincay, else the source tree the binary was built from.
std::string resolve_data_dir(const std::string& flag_value);

}  // namespace tincay::cli
