// Prometheus counters of the API: requests and latency per endpoint, posts scanned, flags per
// category. Internally synchronized; render() writes the text exposition format.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "tincay/core/category.h"
#include "tincay/core/decision.h"

namespace tincay {

class Metrics {
 public:
  // Latency histogram bounds in seconds.
  static constexpr std::array<double, 10> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,    0.5,   2.5};

  void record(std::string_view endpoint, int status, double seconds);
  void scanned(const std::vector<Decision>& decisions);
  // `queue_depth` < 0 leaves the gauge out (the database could not be read).
  std::string render(std::int64_t queue_depth) const;

 private:
  struct Endpoint {
    std::map<int, std::uint64_t> by_status;
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, Endpoint, std::less<>> endpoints_;
  std::uint64_t posts_scanned_ = 0;
  std::array<std::uint64_t, kCategoryCount> flags_{};
};

}  // namespace tincay
