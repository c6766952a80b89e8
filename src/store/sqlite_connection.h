// One SQLite connection that several store objects may share (internal to src/store/). The last
// owner closes it, after every prepared statement of every owner has been finalized.
#pragma once
#include <memory>
#include <string>

#include <sqlite3.h>

#include "tincay/core/result.h"
#include "tincay/store.h"

namespace tincay::sqlite_internal {

using Connection = std::shared_ptr<sqlite3>;

// Opens (creating it when `create`) the database file at `path` for use by one thread at a time.
Result<Connection> open_connection(const std::string& path, bool create);

// A Store on an open connection: applies the pragmas and migrations like open_sqlite_store.
Result<std::unique_ptr<Store>> open_store_on(Connection db, const std::string& path);

}  // namespace tincay::sqlite_internal
