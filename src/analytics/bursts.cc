// Burst detection: z-scores against each series' own recent baseline (tincay/analytics.h).
#include <algorithm>
#include <cmath>

#include "tincay/analytics.h"

namespace tincay {

std::vector<Burst> detect_bursts(const std::vector<std::int64_t>& counts,
                                 const BurstOptions& options,
                                 const std::vector<std::int64_t>* totals) {
  if (counts.empty()) return {};
  const std::size_t window = options.baseline == 0 ? 48 : options.baseline;
  // A baseline needs some history; before that nothing can be called unusual.
  const std::size_t min_history = std::max<std::size_t>(3, window / 4);
  // With totals, the baseline is the phrase's share of all posts, scaled by each bucket's total:
  // the daily cycle of the whole stream then raises no alarm.
  const bool by_share = totals != nullptr && totals->size() == counts.size();
  auto volume = [&](std::size_t t) {
    return by_share ? std::max(1.0, static_cast<double>((*totals)[t])) : 1.0;
  };
  std::vector<Burst> bursts;
  // The last `window` rates (counts / volume) outside bursts, a ring: oldest at `head`. Summed
  // oldest first, as the order of floating-point additions decides the last bits of z.
  std::vector<double> history(window, 0.0);
  std::size_t head = 0;
  std::size_t filled = 0;
  auto for_each_rate = [&](auto&& f) {
    const std::size_t first_part = std::min(filled, window - head);
    for (std::size_t i = head; i < head + first_part; ++i) f(history[i]);
    for (std::size_t i = 0; i < filled - first_part; ++i) f(history[i]);
  };
  // A cheap upper bound on z decides most buckets without the O(window) mean and variance.
  // With expected = mean * volume >= 0, z <= (x - expected) / sqrt(expected + 1) whenever
  // x >= expected, and that bound falls as expected grows; so a lower bound on the mean (from a
  // running sum of the window, less a margin far above its rounding error) bounds z from above.
  // When that bound is clearly below z_start, z < z_start: no alarm (z_start <= z_alarm), and
  // z_of only matters through z_of >= z_start, so the bound can stand in for z. Every other
  // bucket gets the exact z, computed as it always was.
  const bool use_bound = options.z_start > 0 && options.z_start <= options.z_alarm &&
                         window <= 4096;  // 3 * window^2 * 2^-53 stays far below the margin
  double running_sum = 0.0;               // the window's rates, kept by adding and subtracting
  double largest_rate = 0.0;
  bool negative = false;  // counts are never negative; if one is, the bound is not used
  std::size_t since_resum = 0;
  std::vector<double> z_of(counts.size(), 0.0);
  bool in_burst = false;
  Burst current;
  double frozen_mean = 0.0;  // baseline rate at the alarm
  double frozen_var = 0.0;
  std::size_t last_end = 0;  // a burst never starts before the previous one ended

  auto push_rate = [&](double rate) {
    negative = negative || rate < 0;
    largest_rate = std::max(largest_rate, rate);
    if (filled < window) {
      history[(head + filled) % window] = rate;
      ++filled;
      running_sum += rate;
    } else {
      running_sum += rate - history[head];
      history[head] = rate;  // the oldest rate leaves
      head = (head + 1) % window;
    }
    // Summed afresh every `window` rates, so rounding errors of the updates never pile up.
    if (++since_resum >= window) {
      since_resum = 0;
      running_sum = 0.0;
      for_each_rate([&running_sum](double h) { running_sum += h; });
    }
  };

  auto z_score = [&](std::size_t t, double mean, double var) {
    const double v = volume(t);
    const double expected = mean * v;
    const double spread = std::max(var * v * v, expected);
    return std::pair{(static_cast<double>(counts[t]) - expected) / std::sqrt(spread + 1.0),
                     expected};
  };

  for (std::size_t t = 0; t < counts.size(); ++t) {
    const auto x = static_cast<double>(counts[t]);
    if (in_burst) {
      // During a burst the baseline is the one frozen at the alarm, so a long burst does not
      // become its own baseline.
      const double z = z_score(t, frozen_mean, frozen_var).first;
      z_of[t] = z;
      if (z >= options.z_start) {
        current.posts += counts[t];
        if (z > current.z) {
          current.z = z;
          current.peak = t;
        }
        continue;
      }
      current.end = t;
      bursts.push_back(current);
      last_end = t;
      in_burst = false;
    }
    if (use_bound && !negative && filled >= min_history) {
      const double margin = 1e-6 * largest_rate;
      const double mean_low = std::max(0.0, (running_sum - margin) / static_cast<double>(filled));
      const double expected_low = mean_low * volume(t);
      const double bound = (x - expected_low) / std::sqrt(expected_low + 1.0);
      if (bound * (1.0 + 1e-9) + 1e-9 < options.z_start * (1.0 - 1e-6)) {
        z_of[t] = bound;
        push_rate(x / volume(t));
        continue;
      }
    }
    double mean = 0.0;
    double var = 0.0;
    for_each_rate([&mean](double h) { mean += h; });
    if (filled > 0) mean /= static_cast<double>(filled);
    for_each_rate([&var, mean](double h) { var += (h - mean) * (h - mean); });
    if (filled > 1) var /= static_cast<double>(filled - 1);
    const bool has_baseline = filled >= min_history;
    const auto [z, expected] = has_baseline ? z_score(t, mean, var) : std::pair{0.0, 0.0};
    z_of[t] = z;
    if (has_baseline && z >= options.z_alarm && counts[t] >= options.min_posts &&
        x >= options.min_ratio * (expected + 1.0)) {
      in_burst = true;
      current = Burst{};
      current.alarm = t;
      current.peak = t;
      current.z = z;
      current.baseline = expected;
      std::size_t start = t;
      while (start > last_end && z_of[start - 1] >= options.z_start) --start;
      current.start = start;
      for (std::size_t s = start; s <= t; ++s) current.posts += counts[s];
      frozen_mean = mean;
      frozen_var = var;
      continue;
    }
    push_rate(x / volume(t));
  }
  if (in_burst) {
    current.end = counts.size();
    bursts.push_back(current);
  }
  return bursts;
}

}  // namespace tincay
