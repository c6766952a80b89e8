#include "src/store/pg_connection.h"

#include <cstdlib>
#include <cstring>

#include <libpq-fe.h>

namespace tincay::pg {
namespace {

void quiet_notices(void* /*arg*/, const char* /*message*/) {}

// SQLSTATE classes after which the statement may succeed on a later try: connection exceptions
// (08), operator intervention such as a server shutting down (57P), insufficient resources (53),
// serialization failures and deadlocks (40).
bool transient_sqlstate(std::string_view state) {
  return state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0 || state.rfind("53", 0) == 0 ||
         state.rfind("40", 0) == 0;
}

}  // namespace

bool is_url(std::string_view location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::string redact(std::string_view url) {
  // scheme://user:password@host... -> scheme://user:***@host...
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const std::size_t at = url.find('@', scheme + 3);
  if (at == std::string_view::npos) return std::string(url);
  const std::size_t colon = url.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

Rows::Rows(pg_result* result)
    : result_(result, &PQclear),
      rows_(PQntuples(result)),
      affected_(std::atoll(PQcmdTuples(result))) {}

std::string Rows::text(int row, int col) const {
  const char* v = PQgetvalue(result_.get(), row, col);
  return std::string(v, static_cast<std::size_t>(PQgetlength(result_.get(), row, col)));
}

std::int64_t Rows::integer(int row, int col) const {
  return std::atoll(PQgetvalue(result_.get(), row, col));
}

bool Rows::is_null(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }

Result<std::unique_ptr<Connection>> Connection::open(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  const std::string where = redact(url);
  if (conn == nullptr) return make_error(ErrorCode::kInternal, "out of memory", where);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    PQfinish(conn);
    return make_error(ErrorCode::kUnavailable, "cannot connect to PostgreSQL: " + message, where);
  }
  PQsetNoticeProcessor(conn, &quiet_notices, nullptr);
  return std::unique_ptr<Connection>(new Connection(conn, where));
}

Connection::~Connection() { PQfinish(conn_); }

Status Connection::ensure_connected() {
  if (PQstatus(conn_) == CONNECTION_OK) return ok_status();
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn_);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return make_error(ErrorCode::kUnavailable, "PostgreSQL unreachable: " + message, where_);
  }
  PQsetNoticeProcessor(conn_, &quiet_notices, nullptr);
  return ok_status();
}

Error Connection::error_from(pg_result* result, std::string_view what) const {
  const char* state_field =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string state = state_field != nullptr ? state_field : "";
  std::string message = result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
  if (message.empty()) message = PQerrorMessage(conn_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  const bool transient = PQstatus(conn_) != CONNECTION_OK || transient_sqlstate(state);
  std::string text = std::string(what) + ": " + message;
  if (!state.empty()) text += " (SQLSTATE " + state + ")";
  return make_error(transient ? ErrorCode::kUnavailable : ErrorCode::kDatabase, std::move(text),
                    where_);
}

Result<Rows> Connection::exec(const char* sql, const std::vector<Param>& params) {
  TINCAY_TRY(ensure_connected());
  std::vector<const char*> values(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    values[i] = params[i] ? params[i]->c_str() : nullptr;
  }
  PGresult* result = PQexecParams(conn_, sql, static_cast<int>(params.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0);
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Error e = error_from(result, "statement failed");
    PQclear(result);
    return e;
  }
  return Rows(result);
}

Status Connection::exec_script(const std::string& sql) {
  TINCAY_TRY(ensure_connected());
  PGresult* result = PQexec(conn_, sql.c_str());
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Error e = error_from(result, "script failed");
    PQclear(result);
    return e;
  }
  PQclear(result);
  return ok_status();
}

void Connection::rollback() {
  if (PQstatus(conn_) != CONNECTION_OK) return;
  PQclear(PQexec(conn_, "ROLLBACK"));
}

}  // namespace tincay::pg
