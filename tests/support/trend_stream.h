// A synthetic post stream for evaluating and benchmarking trends (docs/quality.md,
// docs/benchmarks.md): background topics with daily cycles and day-to-day drift, long-tail filler
// phrases, and injected bursts of known phrases at known times. Deterministic for a seed.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>
#include <numeric>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tincay/core/trends.h"

namespace tincay::testing {

struct InjectedBurst {
  std::vector<std::string> phrases;  // what the burst's posts talk about
  std::int64_t start = 0;            // unix seconds, on the hour
  std::int64_t duration = 0;         // seconds, whole hours
  double posts_per_hour = 0;         // at full strength (the first hour runs at half)
};

struct StreamOptions {
  std::int64_t start = 0;  // unix seconds, a UTC midnight
  int days = 14;
  double posts_per_day = 40000;
  std::uint32_t authors = 100000;
  std::size_t topics = 40;
  std::size_t phrases_per_topic = 6;
  std::size_t filler_syllables = 3000;
  double topic_drift = 0.3;  // sigma of each topic's log intensity from day to day
  std::uint64_t seed = 1;
  std::vector<InjectedBurst> bursts;
};

// prefix followed by n ("w" 12 -> "w12"); appends, which g++ 12 -Wrestrict does not misread.
inline std::string numbered(std::string_view prefix, std::size_t n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

inline std::string topic_phrase(std::size_t topic, std::size_t j) {
  std::string s = numbered("chude", topic);
  s += numbered(" tu", j);
  return s;
}

// Calls `emit` for every post, hour by hour.
inline void generate_stream(const StreamOptions& o,
                            const std::function<void(const TrendPost&)>& emit) {
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  static const char* const kPlatforms[] = {"facebook", "facebook", "facebook", "zalo",
                                           "zalo",     "youtube",  "tiktok",   "forum"};
  static const char* const kEmotions[] = {"Enjoyment", "Sadness",  "Fear", "Anger",
                                          "Disgust",   "Surprise", "Other"};
  // Zipf popularity of topics.
  std::vector<double> popularity(o.topics);
  for (std::size_t t = 0; t < o.topics; ++t) popularity[t] = 1.0 / static_cast<double>(t + 1);
  std::vector<double> daily(o.topics, 1.0);
  std::normal_distribution<double> drift(0.0, o.topic_drift);
  TrendPost post;
  auto fill = [&](std::int64_t hour, const std::vector<std::string>& topic_phrases,
                  std::size_t emotion_hint) {
    post.created_unix = hour + static_cast<std::int64_t>(uniform(rng) * 3600);
    post.platform = kPlatforms[static_cast<std::size_t>(uniform(rng) * 8)];
    const double u = uniform(rng);
    post.has_author = true;
    post.author =
        author_hash(numbered("synthetic-", static_cast<std::uint32_t>(u * u * o.authors)));
    post.phrases.clear();
    post.syllables.clear();
    post.pairs.clear();
    post.categories.clear();
    const std::size_t a = static_cast<std::size_t>(uniform(rng) * topic_phrases.size());
    std::size_t b = static_cast<std::size_t>(uniform(rng) * topic_phrases.size());
    if (b == a) b = (a + 1) % topic_phrases.size();
    post.phrases.push_back(topic_phrases[a]);
    if (b != a) post.phrases.push_back(topic_phrases[b]);
    for (int f = 0; f < 2; ++f) {
      std::string filler =
          numbered("w", static_cast<std::size_t>(uniform(rng) * o.filler_syllables));
      filler += numbered(" w", static_cast<std::size_t>(uniform(rng) * o.filler_syllables));
      post.phrases.push_back(std::move(filler));
    }
    for (const std::string& p : post.phrases) {
      for (const std::string& s : {p.substr(0, p.find(' ')), p.substr(p.find(' ') + 1)}) {
        if (std::find(post.syllables.begin(), post.syllables.end(), s) == post.syllables.end()) {
          post.syllables.push_back(s);
        }
      }
    }
    for (std::size_t i = 0; i < post.phrases.size(); ++i) {
      for (std::size_t j = i + 1; j < post.phrases.size(); ++j) {
        if (post.phrases[i] == post.phrases[j]) continue;
        post.pairs.push_back(std::min(post.phrases[i], post.phrases[j]) + '\t' +
                             std::max(post.phrases[i], post.phrases[j]));
      }
    }
    post.emotion = kEmotions[uniform(rng) < 0.5 ? emotion_hint % 7
                                                : static_cast<std::size_t>(uniform(rng) * 7)];
    if (uniform(rng) < 0.03) post.categories.push_back("scam");
    if (uniform(rng) < 0.02) post.categories.push_back("profanity");
    emit(post);
  };
  std::vector<std::vector<std::string>> topic_phrases(o.topics);
  for (std::size_t t = 0; t < o.topics; ++t) {
    for (std::size_t j = 0; j < o.phrases_per_topic; ++j)
      topic_phrases[t].push_back(topic_phrase(t, j));
  }
  double popularity_sum = 0;
  for (int day = 0; day < o.days; ++day) {
    popularity_sum = 0;
    for (std::size_t t = 0; t < o.topics; ++t) {
      daily[t] = popularity[t] * std::exp(drift(rng));
      popularity_sum += daily[t];
    }
    std::vector<double> cumulative(o.topics);
    std::partial_sum(daily.begin(), daily.end(), cumulative.begin());
    for (int h = 0; h < 24; ++h) {
      const std::int64_t hour = o.start + day * 86400 + h * 3600;
      // Quiet at night (Vietnam is UTC+7), busy in the evening.
      const double cycle =
          1.0 + 0.6 * std::sin((static_cast<double>(h + 7) - 9.0) / 24.0 * 2 * std::numbers::pi);
      std::poisson_distribution<long> count(o.posts_per_day / 24.0 * cycle);
      const long n = count(rng);
      for (long i = 0; i < n; ++i) {
        const double pick = uniform(rng) * popularity_sum;
        const auto t = static_cast<std::size_t>(
            std::lower_bound(cumulative.begin(), cumulative.end(), pick) - cumulative.begin());
        fill(hour, topic_phrases[std::min(t, o.topics - 1)], t);
      }
      for (std::size_t bi = 0; bi < o.bursts.size(); ++bi) {
        const InjectedBurst& b = o.bursts[bi];
        if (hour + 3600 <= b.start || hour >= b.start + b.duration) continue;
        const double strength = hour < b.start + 3600 ? 0.5 : 1.0;
        std::poisson_distribution<long> burst_count(b.posts_per_hour * strength);
        const long m = burst_count(rng);
        for (long i = 0; i < m; ++i) {
          fill(hour, b.phrases, 3 + bi);
        }
      }
    }
  }
}

}  // namespace tincay::testing
