// A thin, private wrapper over one libpq connection for the PostgreSQL store: parameterized
// statements, results as owned values, and reconnection after the server went away (a restart),
// so a caller that retries a failed transaction later finds a working connection.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tincay/core/result.h"

struct pg_conn;
struct pg_result;

namespace tincay::pg {

// One statement parameter in text format; nullopt is SQL NULL.
using Param = std::optional<std::string>;

// The rows of a query, owned.
class Rows {
 public:
  Rows() = default;
  explicit Rows(pg_result* result);
  int size() const { return rows_; }
  // Column `col` of row `row` as text ("" for NULL).
  std::string text(int row, int col) const;
  // Column `col` of row `row` as an integer (0 for NULL or non-numeric text).
  std::int64_t integer(int row, int col) const;
  bool is_null(int row, int col) const;
  // Rows changed by an INSERT/UPDATE/DELETE.
  std::int64_t affected() const { return affected_; }

 private:
  std::shared_ptr<pg_result> result_;
  int rows_ = 0;
  std::int64_t affected_ = 0;
};

class Connection {
 public:
  // Connects to `url` (a postgresql:// URI or a libpq conninfo string). Fails with kUnavailable
  // when the server cannot be reached, naming the URL without its password.
  static Result<std::unique_ptr<Connection>> open(const std::string& url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement with $1.. parameters. Reconnects first when the connection was lost.
  // Errors: kUnavailable when the server is unreachable or the connection broke (retrying later
  // may succeed; an open transaction is lost), kDatabase for everything else, with the server's
  // message and SQLSTATE.
  Result<Rows> exec(const char* sql, const std::vector<Param>& params = {});
  // Runs a script of statements without parameters (migrations).
  Status exec_script(const std::string& sql);
  // Ends a failed transaction; never fails (a broken connection has no transaction left).
  void rollback();

  // The URL with any password replaced by "***", for messages.
  const std::string& where() const { return where_; }

 private:
  Connection(pg_conn* conn, std::string where) : conn_(conn), where_(std::move(where)) {}
  Status ensure_connected();
  Error error_from(pg_result* result, std::string_view what) const;

  pg_conn* conn_;
  std::string where_;
};

// Whether `location` names a PostgreSQL server: postgresql:// or postgres://.
bool is_url(std::string_view location);

// `url` with its password (if any) replaced by "***".
std::string redact(std::string_view url);

}  // namespace tincay::pg
