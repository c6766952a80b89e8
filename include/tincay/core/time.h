// tincay/core/time.h — RFC 3339 timestamps and the injected clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tincay {

// Parses an RFC 3339 date-time ("2026-10-14T08:31:00+07:00", "2026-10-14T01:31:00.5Z"; a space
// instead of "T" is accepted) into seconds since the Unix epoch. nullopt when malformed or out of
// range (month 13, February 30, hour 24, ...).
std::optional<std::int64_t> parse_rfc3339(std::string_view s);

// Formats seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ".
std::string format_rfc3339_utc(std::int64_t unix_seconds);

// Time is injected so windows, rates and timestamps are testable without sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now_unix() const = 0;     // wall clock, seconds
  virtual double monotonic_seconds() const = 0;  // for durations and rates
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_unix() const override;
  double monotonic_seconds() const override;
};

}  // namespace tincay
