#include <cstdlib>
#include <filesystem>

#include <unistd.h>

#include "src/cli/commands.h"

namespace tincay::cli {

std::string resolve_data_dir(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (const char* env = std::getenv("TINCAY_DATA_DIR"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share" / "tincay";
    if (std::filesystem::exists(installed / "rules", ec)) return installed.string();
  }
  return TINCAY_SOURCE_DIR;
}

}  // namespace tincay::cli
