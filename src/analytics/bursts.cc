// Burst detection: z-scores against each series' own recent baseline (tincay/analytics.h).
#include <cmath>
#include <deque>

#include "tincay/analytics.h"

namespace tincay {

std::vector<Burst> detect_bursts(const std::vector<std::int64_t>& counts,
                                 const BurstOptions& options,
                                 const std::vector<std::int64_t>* totals) {
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
  std::deque<double> history;  // the last `window` rates (counts / volume) outside bursts
  std::vector<double> z_of(counts.size(), 0.0);
  bool in_burst = false;
  Burst current;
  double frozen_mean = 0.0;  // baseline rate at the alarm
  double frozen_var = 0.0;
  std::size_t last_end = 0;  // a burst never starts before the previous one ended

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
    double mean = 0.0;
    double var = 0.0;
    for (const double h : history) mean += h;
    if (!history.empty()) mean /= static_cast<double>(history.size());
    for (const double h : history) var += (h - mean) * (h - mean);
    if (history.size() > 1) var /= static_cast<double>(history.size() - 1);
    const bool has_baseline = history.size() >= min_history;
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
    history.push_back(x / volume(t));
    if (history.size() > window) history.pop_front();
  }
  if (in_burst) {
    current.end = counts.size();
    bursts.push_back(current);
  }
  return bursts;
}

}  // namespace tincay
