// tincay/core/result.h — how every stage reports failure.
//
// Error policy (one policy for the whole code base):
//  1. Expected failures (bad input, a malformed rule, an unreadable file, a database error) are
//     values: functions return Result<T>, or Status (= Result<void>). Both are [[nodiscard]].
//  2. No exception crosses a module boundary. Third-party code that throws is wrapped where it is
//     called and turned into a Result. Out of memory stays fatal.
//  3. Per-record errors never stop a batch: the caller reports them (file, line, reason) and goes
//  on.
//  4. Programmer errors are TINCAY_CHECK failures, never checks of user input.
//  5. Only the edges (cli/, serve/) turn an Error into an exit code, a message or an HTTP status.
//
// Result<T> uses std::expected's member names (has_value, value, error, value_or) so that moving to
// std::expected later is a rename; std::expected itself is unusable on Debian 12's toolchain.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace tincay {

enum class ErrorCode : int {
  kInvalidInput,     // a record, file or argument the user supplied is malformed
  kInvalidArgument,  // a caller passed a value outside the contract (usage error at the CLI)
  kNotFound,         // a named file, post or object does not exist
  kIo,               // reading or writing a file failed
  kDatabase,         // the store reported an error
  kInternal,         // a dependency failed in a way that is not the user's fault
  kUnavailable,      // a server (database, message stream) cannot be reached now; retry later
};

// What went wrong, where (e.g. "posts.jsonl:12" or "rules/scam.yaml:17"), and why, in words a
// user can act on.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string where;

  // "where: message", or just the message when `where` is empty.
  std::string to_string() const { return where.empty() ? message : where + ": " + message; }
};

inline Error make_error(ErrorCode code, std::string message, std::string where = {}) {
  return Error{code, std::move(message), std::move(where)};
}

// Wraps an Error so that `return unexpected(err);` reads like std::expected code.
struct Unexpected {
  Error error;
};
inline Unexpected unexpected(Error error) { return Unexpected{std::move(error)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Unexpected u) : data_(std::move(u.error)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : data_(std::move(error)) {}     // NOLINT(google-explicit-constructor)

  bool has_value() const { return data_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  // REQUIRES: has_value().
  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // REQUIRES: !has_value().
  const Error& error() const { return std::get<1>(data_); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> data_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  // NOLINTNEXTLINE(google-explicit-constructor): an Unexpected converts, as in std::expected
  Result(Unexpected u) : error_(std::move(u.error)), ok_(false) {}
  // NOLINTNEXTLINE(google-explicit-constructor): an Error converts to a failed Status
  Result(Error error) : error_(std::move(error)), ok_(false) {}

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status ok_status() { return {}; }

}  // namespace tincay

// Aborts with file, line and reason when a programmer's invariant does not hold. Never use it to
// check user input: that is what Result is for.
#define TINCAY_CHECK(cond, why)                                                               \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      std::fprintf(stderr, "%s:%d: check failed: %s (%s)\n", __FILE__, __LINE__, #cond, why); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (false)

// Propagates the error of a Status or Result expression to the caller.
#define TINCAY_TRY(expr)                                        \
  do {                                                          \
    auto tincay_try_result_ = (expr);                           \
    if (!tincay_try_result_) return tincay_try_result_.error(); \
  } while (false)
