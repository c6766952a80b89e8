// compute_trends: rollup cells → volumes, top phrases, topics, shares and emerging issues, with
// every shown number backed by at least k distinct authors (tincay/analytics.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <unordered_map>
#include <utility>

#include "tincay/analytics.h"
#include "tincay/core/category.h"
#include "tincay/core/time.h"

namespace tincay {
namespace {

// Dunning's log-likelihood ratio G2 for the 2x2 table of posts with/without syllable a and b;
// negative when the two appear together less often than chance.
double log_likelihood_ratio(double ab, double a, double b, double n) {
  const double k11 = ab;
  const double k12 = std::max(0.0, a - ab);
  const double k21 = std::max(0.0, b - ab);
  const double k22 = std::max(0.0, n - a - b + ab);
  const double total = k11 + k12 + k21 + k22;
  if (total <= 0) return 0.0;
  const double r1 = k11 + k12;
  const double r2 = k21 + k22;
  const double c1 = k11 + k21;
  const double c2 = k12 + k22;
  auto term = [&](double o, double r, double c) {
    const double e = r * c / total;
    return o > 0 && e > 0 ? o * std::log(o / e) : 0.0;
  };
  const double g2 =
      2.0 * (term(k11, r1, c1) + term(k12, r1, c2) + term(k21, r2, c1) + term(k22, r2, c2));
  return k11 * total >= r1 * c1 ? g2 : -g2;
}

// Phrases scored for the top list (the most frequent ones) and phrases clustered into topics.
constexpr std::size_t kCandidatePhrases = 1000;
constexpr std::size_t kClusteredPhrases = 60;

std::size_t default_baseline(const TrendsOptions& o) {
  if (o.burst.baseline != 0) return o.burst.baseline;
  return o.bucket == TrendLevel::kHour ? 48 : 14;
}

struct SeriesAcc {
  std::vector<std::int64_t> posts;
  std::vector<std::int64_t> lower;  // distinct-author lower bound per bucket
  AuthorSketch total;
};

class UnionFind {
 public:
  explicit UnionFind(std::size_t n) : parent_(n), size_(n, 1) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }
  std::size_t find(std::size_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  std::size_t size(std::size_t x) { return size_[find(x)]; }
  void unite(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
  }

 private:
  std::vector<std::size_t> parent_;
  std::vector<std::size_t> size_;
};

// The cells of a small read (sums, a few hundred keys), kept.
Result<std::vector<TrendCell>> read_all(const TrendCellStream& stream, const TrendCellQuery& q) {
  std::vector<TrendCell> out;
  TINCAY_TRY(stream(q, [&out](const TrendCell& c) {
    out.push_back(c);
    return ok_status();
  }));
  return out;
}

// Per-bucket counts of one phrase, for burst detection and topic series. The distinct-author
// lower bound is kept as a byte, clamped at 255: it is only compared with k <= 65.
struct PhraseSeries {
  std::vector<std::int64_t> posts;
  std::vector<std::uint8_t> lower;
};

std::uint8_t clamp_lower(std::int64_t lower) {
  return static_cast<std::uint8_t>(std::clamp<std::int64_t>(lower, 0, 255));
}

}  // namespace

std::optional<std::int64_t> parse_trend_time(std::string_view text) {
  if (text.size() == 10) return parse_rfc3339(std::string(text) + "T00:00:00Z");
  return parse_rfc3339(text);
}

Status validate_trends_options(const TrendsOptions& o) {
  if (o.k < kMinK || o.k > kMaxK) {
    return make_error(ErrorCode::kInvalidArgument,
                      "k must be between " + std::to_string(kMinK) + " and " +
                          std::to_string(kMaxK) + " distinct authors",
                      "k");
  }
  if (o.to <= o.from)
    return make_error(ErrorCode::kInvalidArgument, "from must be before to", "from");
  if (o.top < 1 || o.top > 200) {
    return make_error(ErrorCode::kInvalidArgument, "top must be between 1 and 200", "top");
  }
  const std::int64_t size = trend_level_seconds(o.bucket);
  const std::int64_t first = trend_bucket_start(o.bucket, o.from);
  const std::int64_t last = trend_bucket_start(o.bucket, o.to - 1);
  if ((last - first) / size + 1 > static_cast<std::int64_t>(kMaxBuckets)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "the range holds more than " + std::to_string(kMaxBuckets) +
                          " buckets; use a shorter range or bucket=day",
                      "bucket");
  }
  return ok_status();
}

Result<TrendsReport> compute_trends(const TrendCellReader& read, const TrendsOptions& options) {
  return compute_trends(
      TrendCellStream([&read](const TrendCellQuery& q, const TrendCellVisitor& each) -> Status {
        auto cells = read(q);
        if (!cells) return cells.error();
        for (const TrendCell& c : *cells) TINCAY_TRY(each(c));
        return ok_status();
      }),
      options);
}

Result<TrendsReport> compute_trends(const TrendCellStream& stream, const TrendsOptions& options) {
  TINCAY_TRY(validate_trends_options(options));
  TrendsReport report;
  report.options = options;
  TrendsOptions& o = report.options;
  const std::int64_t size = trend_level_seconds(o.bucket);
  o.from = trend_bucket_start(o.bucket, options.from);
  o.to = trend_bucket_start(o.bucket, options.to - 1) + size;
  const auto nb = static_cast<std::size_t>((o.to - o.from) / size);
  for (std::size_t b = 0; b < nb; ++b) {
    report.buckets.push_back(o.from + static_cast<std::int64_t>(b) * size);
  }
  const auto k = static_cast<std::int64_t>(o.k);
  auto shown = [&](std::int64_t posts, std::int64_t lower) {
    const bool ok = lower >= k;
    if (!ok && posts > 0) ++report.suppressed_cells;
    return TrendCount{ok ? posts : 0, ok};
  };

  // 1. Volumes per platform, category and emotion at the requested granularity.
  TrendCellQuery q;
  q.level = o.bucket;
  q.from = o.from;
  q.to = o.to;
  q.dims = {TrendDim::kPlatform, TrendDim::kCategory, TrendDim::kEmotion};
  std::map<std::pair<TrendDim, std::string>, SeriesAcc> series;
  std::vector<std::int64_t> total_posts(nb, 0);
  std::vector<AuthorSketch> total_authors(nb);
  TINCAY_TRY(stream(q, [&](const TrendCell& c) {
    if (c.bucket < o.from || c.bucket >= o.to) return ok_status();
    const auto b = static_cast<std::size_t>((c.bucket - o.from) / size);
    SeriesAcc& acc = series[{c.dim, c.key}];
    if (acc.posts.empty()) {
      acc.posts.assign(nb, 0);
      acc.lower.assign(nb, 0);
    }
    acc.posts[b] += c.posts;
    acc.lower[b] = std::max(acc.lower[b], c.authors_lower);
    acc.total.merge(c.authors);
    if (c.dim == TrendDim::kPlatform) {
      total_posts[b] += c.posts;
      total_authors[b].merge(c.authors);
    }
    return ok_status();
  }));
  for (std::size_t b = 0; b < nb; ++b) {
    report.total.push_back(
        shown(total_posts[b], static_cast<std::int64_t>(total_authors[b].lower_bound())));
  }
  std::vector<std::string> emotion_labels;
  for (const auto& [key, acc] : series) {
    TrendSeries s;
    s.name = key.second;
    std::int64_t sum = 0;
    for (std::size_t b = 0; b < nb; ++b) {
      s.buckets.push_back(shown(acc.posts[b], acc.lower[b]));
      sum += acc.posts[b];
    }
    s.total = shown(sum, static_cast<std::int64_t>(acc.total.lower_bound()));
    if (key.first == TrendDim::kPlatform) {
      report.platforms.push_back(std::move(s));
    } else if (key.first == TrendDim::kCategory) {
      report.categories.push_back(std::move(s));
    } else {
      emotion_labels.push_back(s.name);
      report.emotions.push_back(std::move(s));
    }
  }
  auto by_total = [](const TrendSeries& a, const TrendSeries& b) {
    return a.total.posts != b.total.posts ? a.total.posts > b.total.posts : a.name < b.name;
  };
  std::sort(report.platforms.begin(), report.platforms.end(), by_total);
  std::sort(report.emotions.begin(), report.emotions.end(), by_total);
  std::sort(report.categories.begin(), report.categories.end(),
            [](const TrendSeries& a, const TrendSeries& b) {
              const auto ca = parse_category(a.name);
              const auto cb = parse_category(b.name);
              return (ca ? category_index(*ca) : kCategoryCount) <
                     (cb ? category_index(*cb) : kCategoryCount);
            });

  // 2. Top phrases: scored on the day cells of the days the range touches (syllable counts
  // for the collocation score live there).
  TrendCellQuery dq;
  dq.level = TrendLevel::kDay;
  dq.from = trend_bucket_start(TrendLevel::kDay, o.from);
  dq.to = trend_bucket_start(TrendLevel::kDay, o.to - 1) + trend_level_seconds(TrendLevel::kDay);
  dq.with_authors = false;
  // Sums over the days, done by the store: all posts, the most frequent phrases (G2 grows with
  // frequency, so the best-scored phrases are among them) and those phrases' syllables.
  TrendCellQuery sum_query = dq;
  sum_query.sum_over_buckets = true;
  sum_query.dims = {TrendDim::kPlatform};
  auto totals = read_all(stream, sum_query);
  if (!totals) return totals.error();
  double n_posts = 0;
  for (const TrendCell& c : *totals) n_posts += static_cast<double>(c.posts);
  sum_query.dims = {TrendDim::kPhrase};
  sum_query.limit = kCandidatePhrases;
  totals = read_all(stream, sum_query);
  if (!totals) return totals.error();
  std::unordered_map<std::string, std::int64_t> phrase_posts;
  std::vector<std::string> syllables;
  for (const TrendCell& c : *totals) {
    phrase_posts[c.key] += c.posts;
    const auto space = c.key.find(' ');
    if (space == std::string::npos) continue;
    syllables.push_back(c.key.substr(0, space));
    syllables.push_back(c.key.substr(space + 1));
  }
  std::sort(syllables.begin(), syllables.end());
  syllables.erase(std::unique(syllables.begin(), syllables.end()), syllables.end());
  sum_query.dims = {TrendDim::kSyllable};
  sum_query.limit = 0;
  sum_query.keys = std::move(syllables);
  totals = read_all(stream, sum_query);
  if (!totals) return totals.error();
  std::unordered_map<std::string, std::int64_t> syllable_posts;
  for (const TrendCell& c : *totals) syllable_posts[c.key] += c.posts;
  struct Scored {
    std::string phrase;
    std::int64_t posts;
    double score;
  };
  std::vector<Scored> scored;
  for (const auto& entry : phrase_posts) {
    const std::string& phrase = entry.first;
    const std::int64_t posts = entry.second;
    if (posts < k) continue;  // fewer posts than k cannot have k distinct authors
    const auto space = phrase.find(' ');
    auto count_of = [&](const std::string& syllable) {
      const auto it = syllable_posts.find(syllable);
      // A syllable pruned from the day cells was rarer than anything kept: the phrase's own
      // count is the best lower bound.
      return static_cast<double>(it != syllable_posts.end() ? std::max(it->second, posts) : posts);
    };
    const double a = count_of(phrase.substr(0, space));
    const double b = count_of(phrase.substr(space + 1));
    scored.push_back(
        {phrase, posts,
         log_likelihood_ratio(static_cast<double>(posts), a, b, std::max(n_posts, a + b))});
  }
  std::sort(scored.begin(), scored.end(), [](const Scored& x, const Scored& y) {
    if (x.score != y.score) return x.score > y.score;
    return x.phrase < y.phrase;
  });
  if (scored.size() > o.top * 4) scored.resize(o.top * 4);
  {
    TrendCellQuery aq = dq;
    aq.dims = {TrendDim::kPhrase};
    aq.with_authors = true;
    for (const Scored& s : scored) aq.keys.push_back(s.phrase);
    std::unordered_map<std::string, AuthorSketch> authors;
    TINCAY_TRY(stream(aq, [&authors](const TrendCell& c) {
      authors[c.key].merge(c.authors);
      return ok_status();
    }));
    for (const Scored& s : scored) {
      if (report.phrases.size() >= o.top) break;
      if (!authors[s.phrase].at_least(o.k)) {
        ++report.suppressed_phrases;
        continue;
      }
      report.phrases.push_back(TopPhrase{s.phrase, s.posts, s.score, -1});
    }
  }

  // 3. Phrase series at the requested granularity, with a baseline window before `from` for
  // burst detection.
  const std::size_t w = default_baseline(o);
  TrendCellQuery pq;
  pq.level = o.bucket;
  pq.from = o.from - static_cast<std::int64_t>(w) * size;
  pq.to = o.to;
  pq.dims = {TrendDim::kPhrase, TrendDim::kPlatform};
  pq.with_authors = false;
  std::vector<std::int64_t> all_posts(nb + w, 0);  // every post per bucket, for burst baselines
  // Phrases interned in order of first appearance; a month of hour cells (a million) streams
  // through this without being kept.
  std::unordered_map<std::string, std::size_t> phrase_ids;
  std::vector<std::string> phrase_names;
  std::vector<PhraseSeries> phrase_series;
  // A store hands each bucket's phrases over in key order, mostly the same phrases as the
  // bucket before: following the previous bucket's sequence finds most ids without hashing.
  // Any other order is still right, only slower.
  std::vector<std::size_t> previous_order;
  std::vector<std::size_t> current_order;
  std::size_t cursor = 0;
  std::int64_t current_bucket = std::numeric_limits<std::int64_t>::min();
  auto phrase_id = [&](const std::string& key) {
    while (cursor < previous_order.size()) {
      const int order = phrase_names[previous_order[cursor]].compare(key);
      if (order == 0) return previous_order[cursor++];
      if (order > 0) break;
      ++cursor;
    }
    const auto [it, added] = phrase_ids.try_emplace(key, phrase_series.size());
    if (added) {
      phrase_names.push_back(key);
      phrase_series.push_back(
          PhraseSeries{std::vector<std::int64_t>(nb + w, 0), std::vector<std::uint8_t>(nb + w, 0)});
    }
    return it->second;
  };
  TINCAY_TRY(stream(pq, [&](const TrendCell& c) {
    if (c.bucket < pq.from || c.bucket >= pq.to) return ok_status();
    const auto b = static_cast<std::size_t>((c.bucket - pq.from) / size);
    if (c.dim == TrendDim::kPlatform) {
      all_posts[b] += c.posts;
      return ok_status();
    }
    if (c.bucket != current_bucket) {
      current_bucket = c.bucket;
      if (!current_order.empty()) previous_order.swap(current_order);
      current_order.clear();
      cursor = 0;
    }
    const std::size_t id = phrase_id(c.key);
    current_order.push_back(id);
    PhraseSeries& acc = phrase_series[id];
    acc.posts[b] += c.posts;
    acc.lower[b] = std::max(acc.lower[b], clamp_lower(c.authors_lower));
    return ok_status();
  }));

  // 4. Topics: the top phrases clustered by how often they share a post (NPMI over the day
  // cells' co-occurring pairs), single linkage with a size limit.
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < report.phrases.size(); ++i) index[report.phrases[i].phrase] = i;
  {
    TrendCellQuery cq = dq;
    cq.dims = {TrendDim::kPair};
    cq.sum_over_buckets = true;
    const std::size_t clustered = std::min(report.phrases.size(), kClusteredPhrases);
    for (std::size_t i = 0; i < clustered; ++i) {
      for (std::size_t j = i + 1; j < clustered; ++j) {
        const std::string& a = report.phrases[i].phrase;
        const std::string& b = report.phrases[j].phrase;
        cq.keys.push_back(std::min(a, b) + '\t' + std::max(a, b));
      }
    }
    std::map<std::pair<std::size_t, std::size_t>, std::int64_t> together;
    TINCAY_TRY(stream(cq, [&](const TrendCell& c) {
      const auto tab = c.key.find('\t');
      if (tab == std::string::npos) return ok_status();
      const auto a = index.find(c.key.substr(0, tab));
      const auto b = index.find(c.key.substr(tab + 1));
      if (a == index.end() || b == index.end()) return ok_status();
      together[{std::min(a->second, b->second), std::max(a->second, b->second)}] += c.posts;
      return ok_status();
    }));
    struct Edge {
      double npmi;
      std::size_t a, b;
    };
    std::vector<Edge> edges;
    const double n = std::max(n_posts, 1.0);
    for (const auto& [ab, count] : together) {
      if (count < 3) continue;
      const double pab = static_cast<double>(count) / n;
      const double pa = static_cast<double>(phrase_posts[report.phrases[ab.first].phrase]) / n;
      const double pb = static_cast<double>(phrase_posts[report.phrases[ab.second].phrase]) / n;
      if (pab >= 1.0 || pa <= 0 || pb <= 0) continue;
      const double npmi = std::log(pab / (pa * pb)) / -std::log(pab);
      if (npmi >= 0.25) edges.push_back({npmi, ab.first, ab.second});
    }
    std::sort(edges.begin(), edges.end(), [](const Edge& x, const Edge& y) {
      return x.npmi != y.npmi ? x.npmi > y.npmi : std::tie(x.a, x.b) < std::tie(y.a, y.b);
    });
    UnionFind groups(report.phrases.size());
    constexpr std::size_t kMaxTopicPhrases = 8;
    for (const Edge& e : edges) {
      if (groups.find(e.a) == groups.find(e.b)) continue;
      if (groups.size(e.a) + groups.size(e.b) > kMaxTopicPhrases) continue;
      groups.unite(e.a, e.b);
    }
    std::map<std::size_t, std::vector<std::size_t>> members;
    for (std::size_t i = 0; i < report.phrases.size(); ++i) members[groups.find(i)].push_back(i);
    for (auto& [root, list] : members) {
      std::sort(list.begin(), list.end(), [&](std::size_t x, std::size_t y) {
        return report.phrases[x].posts > report.phrases[y].posts;
      });
      TrendTopic t;
      std::vector<std::int64_t> sums(nb, 0);
      std::vector<std::int64_t> lower(nb, 0);
      std::int64_t mentions = 0;
      for (const std::size_t i : list) {
        t.phrases.push_back(report.phrases[i].phrase);
        const auto it = phrase_ids.find(report.phrases[i].phrase);
        if (it == phrase_ids.end()) continue;
        const PhraseSeries& ps = phrase_series[it->second];
        for (std::size_t b = 0; b < nb; ++b) {
          sums[b] += ps.posts[w + b];
          // The union of the phrases' authors has at least as many as the largest one.
          lower[b] = std::max<std::int64_t>(lower[b], ps.lower[w + b]);
          mentions += ps.posts[w + b];
        }
      }
      for (std::size_t b = 0; b < nb; ++b) t.series.push_back(shown(sums[b], lower[b]));
      // Every member phrase was shown, so the topic has at least k distinct authors.
      t.mentions = TrendCount{mentions, true};
      report.topics.push_back(std::move(t));
    }
    std::sort(report.topics.begin(), report.topics.end(),
              [](const TrendTopic& x, const TrendTopic& y) {
                return x.mentions.posts != y.mentions.posts ? x.mentions.posts > y.mentions.posts
                                                            : x.phrases < y.phrases;
              });
    if (report.topics.size() > o.max_topics) report.topics.resize(o.max_topics);
    for (std::size_t t = 0; t < report.topics.size(); ++t) {
      report.topics[t].id = static_cast<int>(t + 1);
      for (const std::string& p : report.topics[t].phrases) {
        report.phrases[index[p]].topic = report.topics[t].id;
      }
    }
  }

  // Emotion and category shares per topic, from the day cells of (phrase, label); a share is
  // shown only when its numerator has at least k distinct authors.
  auto shares = [&](TrendDim dim, const std::vector<std::string>& labels,
                    bool denominator_is_labels) -> Status {
    if (labels.empty() || report.topics.empty()) return ok_status();
    TrendCellQuery sq = dq;
    sq.dims = {dim};
    sq.with_authors = true;
    for (const TrendTopic& t : report.topics) {
      for (const std::string& p : t.phrases) {
        for (const std::string& l : labels) {
          std::string key = p;
          key.append(1, '\t').append(l);
          sq.keys.push_back(std::move(key));
        }
      }
    }
    std::unordered_map<std::string, std::pair<std::int64_t, AuthorSketch>> by_key;
    TINCAY_TRY(stream(sq, [&by_key](const TrendCell& c) {
      auto& [posts, authors] = by_key[c.key];
      posts += c.posts;
      authors.merge(c.authors);
      return ok_status();
    }));
    for (TrendTopic& t : report.topics) {
      std::vector<std::int64_t> posts(labels.size(), 0);
      std::vector<AuthorSketch> authors(labels.size());
      std::int64_t denominator = 0;
      for (const std::string& p : t.phrases) {
        if (!denominator_is_labels) denominator += phrase_posts[p];
        for (std::size_t l = 0; l < labels.size(); ++l) {
          const auto it = by_key.find(p + '\t' + labels[l]);
          if (it == by_key.end()) continue;
          posts[l] += it->second.first;
          authors[l].merge(it->second.second);
          if (denominator_is_labels) denominator += it->second.first;
        }
      }
      std::vector<TrendShare>& out = dim == TrendDim::kPhraseEmotion ? t.emotions : t.categories;
      for (std::size_t l = 0; l < labels.size(); ++l) {
        TrendShare s;
        s.name = labels[l];
        if (posts[l] == 0) {
          s.share = 0.0;  // no post at all: nothing about anyone is revealed
        } else if (authors[l].at_least(o.k) && denominator > 0) {
          s.share = std::min(1.0, static_cast<double>(posts[l]) / static_cast<double>(denominator));
        } else {
          ++report.suppressed_cells;
        }
        out.push_back(std::move(s));
      }
    }
    return ok_status();
  };
  TINCAY_TRY(shares(TrendDim::kPhraseEmotion, emotion_labels, true));
  std::vector<std::string> category_names;
  category_names.reserve(kAllCategories.size());
  for (const Category c : kAllCategories) category_names.emplace_back(category_name(c));
  TINCAY_TRY(shares(TrendDim::kPhraseCategory, category_names, false));

  // 5. Emerging issues: bursts of single phrases whose alarm falls inside the range.
  // An alarm needs x >= min_posts, and z <= x - expected <= x and x >= min_ratio * (expected + 1)
  // give x >= z_alarm and x >= min_ratio: a phrase with no bucket in the range that large cannot
  // raise an alarm there, whatever its baseline, and is skipped.
  const double alarm_floor =
      std::max({static_cast<double>(o.burst.min_posts), o.burst.z_alarm, o.burst.min_ratio});
  BurstOptions bo = o.burst;
  bo.baseline = w;
  for (std::size_t id = 0; id < phrase_series.size(); ++id) {
    const PhraseSeries& acc = phrase_series[id];
    const std::string& phrase = phrase_names[id];
    const auto peak =
        std::max_element(acc.posts.begin() + static_cast<std::ptrdiff_t>(w), acc.posts.end());
    if (peak == acc.posts.end() || static_cast<double>(*peak) < alarm_floor) continue;
    for (const Burst& burst : detect_bursts(acc.posts, bo, &all_posts)) {
      if (burst.alarm < w) continue;
      if (acc.lower[burst.alarm] < k) {  // the alarm bucket itself must be shown
        ++report.suppressed_cells;
        continue;
      }
      EmergingIssue e;
      e.phrase = phrase;
      e.started_at = pq.from + static_cast<std::int64_t>(burst.start) * size;
      e.detected_at = pq.from + static_cast<std::int64_t>(burst.alarm + 1) * size;
      e.peak_at = pq.from + static_cast<std::int64_t>(burst.peak) * size;
      e.z = burst.z;
      e.posts = burst.posts;
      e.baseline = burst.baseline;
      const auto it = index.find(phrase);
      if (it != index.end()) e.topic = report.phrases[it->second].topic;
      report.emerging.push_back(std::move(e));
    }
  }
  std::sort(report.emerging.begin(), report.emerging.end(),
            [](const EmergingIssue& x, const EmergingIssue& y) {
              if (x.z != y.z) return x.z > y.z;
              return x.phrase != y.phrase ? x.phrase < y.phrase : x.started_at < y.started_at;
            });
  if (report.emerging.size() > o.max_emerging) report.emerging.resize(o.max_emerging);
  return report;
}

}  // namespace tincay
