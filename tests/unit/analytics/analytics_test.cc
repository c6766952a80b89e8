// Aggregate trends: phrase extraction, burst detection, k-suppression, and the rollups kept by
// the SQLite store (tincay/analytics.h, tincay/core/trends.h).
#include "tincay/analytics.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tincay/normalize.h"
#include "tincay/store.h"

namespace tincay {
namespace {

constexpr std::int64_t kDay0 = 1790000000 / 86400 * 86400;  // a UTC midnight in 2026

// Reads cells from memory as a Store would.
TrendCellReader reader_of(const std::vector<TrendCell>& cells) {
  return [&cells](const TrendCellQuery& q) -> Result<std::vector<TrendCell>> {
    std::vector<TrendCell> out;
    for (const TrendCell& c : cells) {
      if (c.level != q.level || c.bucket < q.from || c.bucket >= q.to) continue;
      if (!q.dims.empty() && std::find(q.dims.begin(), q.dims.end(), c.dim) == q.dims.end()) {
        continue;
      }
      if (!q.keys.empty() && std::find(q.keys.begin(), q.keys.end(), c.key) == q.keys.end()) {
        continue;
      }
      out.push_back(c);
    }
    if (!q.sum_over_buckets) return out;
    std::map<std::pair<TrendDim, std::string>, TrendCell> sums;
    for (const TrendCell& c : out) {
      TrendCell& s = sums[{c.dim, c.key}];
      s.level = c.level;
      s.dim = c.dim;
      s.key = c.key;
      s.bucket = q.from;
      s.posts += c.posts;
      s.authors_lower = std::max(s.authors_lower, c.authors_lower);
    }
    std::vector<TrendCell> summed;
    for (auto& [key, c] : sums) summed.push_back(std::move(c));
    std::stable_sort(summed.begin(), summed.end(),
                     [](const TrendCell& a, const TrendCell& b) { return a.posts > b.posts; });
    if (q.limit != 0 && summed.size() > q.limit) summed.resize(q.limit);
    return summed;
  };
}

// `authors` distinct authors each post once about `phrase` on day `day`.
void add_posts(TrendCellBuffer& buffer, int day, const std::string& platform,
               const std::vector<std::string>& phrases, int authors, int first_author = 0,
               const std::string& emotion = "Anger") {
  for (int a = 0; a < authors; ++a) {
    TrendPost p;
    p.created_unix = kDay0 + day * 86400 + 3600 * (a % 24);
    p.platform = platform;
    p.has_author = true;
    p.author = author_hash("author-" + std::to_string(first_author + a));
    p.phrases = phrases;
    p.emotion = emotion;
    for (const std::string& ph : phrases) {
      for (const std::string& syl : {ph.substr(0, ph.find(' ')), ph.substr(ph.find(' ') + 1)}) {
        if (std::find(p.syllables.begin(), p.syllables.end(), syl) == p.syllables.end()) {
          p.syllables.push_back(syl);
        }
      }
    }
    for (std::size_t i = 0; i < phrases.size(); ++i) {
      for (std::size_t j = i + 1; j < phrases.size(); ++j) {
        p.pairs.push_back(std::min(phrases[i], phrases[j]) + '\t' +
                          std::max(phrases[i], phrases[j]));
      }
    }
    buffer.add(p);
  }
}

TrendsOptions day_options(int days, std::size_t k = 10) {
  TrendsOptions o;
  o.from = kDay0;
  o.to = kDay0 + days * 86400;
  o.bucket = TrendLevel::kDay;
  o.k = k;
  o.burst.baseline = 5;
  return o;
}

TEST(Trends, ACellWithKMinusOneAuthorsIsSuppressedAndOneWithKIsShown) {
  TrendCellBuffer buffer;
  add_posts(buffer, 0, "facebook", {"giá xăng"}, 10);  // k authors
  add_posts(buffer, 0, "zalo", {"giá xăng"}, 9, 100);  // k - 1 authors
  // Many posts, one author: volume without distinct authors must not be shown.
  for (int i = 0; i < 50; ++i) add_posts(buffer, 0, "forum", {"một người"}, 1, 500);
  const auto cells = buffer.take();
  auto report = compute_trends(reader_of(cells), day_options(1));
  ASSERT_TRUE(report) << report.error().to_string();
  std::map<std::string, TrendCount> by_platform;
  for (const TrendSeries& s : report->platforms) by_platform[s.name] = s.buckets[0];
  EXPECT_TRUE(by_platform["facebook"].shown);
  EXPECT_EQ(by_platform["facebook"].posts, 10);
  EXPECT_FALSE(by_platform["zalo"].shown);
  EXPECT_EQ(by_platform["zalo"].posts, 0);  // the suppressed count is not leaked
  EXPECT_FALSE(by_platform["forum"].shown);
  EXPECT_GE(report->suppressed_cells, 2u);
  const std::string json = trends_to_json(*report);
  EXPECT_NE(json.find("\"platform\":\"zalo\",\"posts\":[null]"), std::string::npos) << json;
  // The one-author phrase never appears, whatever its volume.
  EXPECT_EQ(json.find("một người"), std::string::npos);
}

TEST(Trends, KBelowFiveIsRefused) {
  TrendsOptions o = day_options(1, 4);
  EXPECT_FALSE(validate_trends_options(o));
  o.k = 5;
  EXPECT_TRUE(validate_trends_options(o));
  o.k = kMaxK + 1;  // beyond what the sketches decide exactly
  EXPECT_FALSE(validate_trends_options(o));
}

TEST(Trends, ClustersCooccurringPhrasesIntoTopicsWithEmotionShares) {
  TrendCellBuffer buffer;
  // Topic A: two phrases always together, angry; topic B: another pair, joyful.
  add_posts(buffer, 0, "facebook", {"giá xăng", "xăng tăng"}, 30, 0, "Anger");
  add_posts(buffer, 0, "facebook", {"bóng đá", "đội tuyển"}, 20, 100, "Enjoyment");
  add_posts(buffer, 0, "facebook", {"thời tiết"}, 12, 200, "Other");
  auto report = compute_trends(reader_of(buffer.take()), day_options(1));
  ASSERT_TRUE(report) << report.error().to_string();
  ASSERT_GE(report->topics.size(), 3u);
  const TrendTopic& first = report->topics[0];
  EXPECT_EQ(first.phrases.size(), 2u);
  EXPECT_NE(std::find(first.phrases.begin(), first.phrases.end(), "giá xăng"), first.phrases.end());
  for (const TrendShare& s : first.emotions) {
    if (s.name == "Anger") {
      ASSERT_TRUE(s.share);
      EXPECT_DOUBLE_EQ(*s.share, 1.0);
    }
  }
  const TrendTopic& second = report->topics[1];
  EXPECT_NE(std::find(second.phrases.begin(), second.phrases.end(), "bóng đá"),
            second.phrases.end());
  EXPECT_EQ(second.phrases.size(), 2u);
}

TEST(Bursts, FlatNoiseRaisesNoAlarm) {
  std::mt19937 rng(7);
  std::poisson_distribution<int> noise(20.0);
  std::vector<std::int64_t> counts;
  for (int i = 0; i < 500; ++i) counts.push_back(noise(rng));
  BurstOptions o;
  o.baseline = 48;
  EXPECT_TRUE(detect_bursts(counts, o).empty());
}

TEST(Bursts, AStepIsDetectedWhereItStarts) {
  std::vector<std::int64_t> counts(100, 3);
  for (std::size_t i = 0; i < counts.size(); i += 2) counts[i] = 2;  // some variance
  for (std::size_t i = 60; i < 70; ++i) counts[i] = 40;
  BurstOptions o;
  o.baseline = 24;
  const auto bursts = detect_bursts(counts, o);
  ASSERT_EQ(bursts.size(), 1u);
  EXPECT_EQ(bursts[0].start, 60u);
  EXPECT_EQ(bursts[0].alarm, 60u);
  EXPECT_EQ(bursts[0].end, 70u);
  EXPECT_EQ(bursts[0].posts, 400);
  EXPECT_NEAR(bursts[0].baseline, 2.5, 0.5);
}

TEST(Bursts, ARampStartsBeforeTheAlarm) {
  std::vector<std::int64_t> counts(60, 2);
  const std::int64_t ramp[] = {6, 9, 30, 40, 35};
  for (std::size_t i = 0; i < 5; ++i) counts[40 + i] = ramp[i];
  BurstOptions o;
  o.baseline = 24;
  o.min_posts = 8;
  const auto bursts = detect_bursts(counts, o);
  ASSERT_EQ(bursts.size(), 1u);
  EXPECT_LE(bursts[0].start, 41u);
  EXPECT_GE(bursts[0].alarm, 41u);
  EXPECT_EQ(bursts[0].peak, 43u);
}

TEST(Trends, ReportsAnEmergingPhraseWithItsStartDay) {
  TrendCellBuffer buffer;
  for (int day = 0; day < 20; ++day) {
    add_posts(buffer, day, "facebook", {"thời tiết"}, 12, day * 1000);
    if (day >= 15) add_posts(buffer, day, "facebook", {"ngập lụt"}, 40, day * 1000 + 500);
  }
  TrendsOptions o = day_options(20);
  o.from = kDay0 + 10 * 86400;
  auto report = compute_trends(reader_of(buffer.take()), o);
  ASSERT_TRUE(report) << report.error().to_string();
  ASSERT_EQ(report->emerging.size(), 1u) << trends_to_json(*report);
  EXPECT_EQ(report->emerging[0].phrase, "ngập lụt");
  EXPECT_EQ(report->emerging[0].started_at, kDay0 + 15 * 86400);
  EXPECT_EQ(report->emerging[0].detected_at, kDay0 + 16 * 86400);
}

TEST(Phrases, AreAdjacentContentSyllablesWithoutStopWordsOrPunctuation) {
  NormalizeOptions no;
  no.data_dir = TINCAY_SOURCE_DIR;
  auto normalizer = Normalizer::create(no);
  ASSERT_TRUE(normalizer) << normalizer.error().to_string();
  auto stop = load_default_stop_words(TINCAY_SOURCE_DIR, &*normalizer);
  ASSERT_TRUE(stop);
  EXPECT_TRUE(stop->is_stop_syllable("của"));
  TrendPost post;
  extract_phrases(normalizer->normalize("Giá xăng của tuần này, GIÁ XĂNG lại cao!"), *stop, post);
  EXPECT_EQ(std::count(post.phrases.begin(), post.phrases.end(), "giá xăng"), 1);
  for (const std::string& p : post.phrases) {
    EXPECT_EQ(p.find("của"), std::string::npos) << p;  // a stop word breaks phrases
    EXPECT_NE(p, "xăng tuần");                         // ... so nothing spans it
  }
}

TEST(StoreRollups, CountAPostOnceAndAnswerQueries) {
  const auto dir = std::filesystem::temp_directory_path() / "tincay-analytics-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string db = (dir / "t.db").string();
  auto store = open_sqlite_store(db);
  ASSERT_TRUE(store) << store.error().to_string();
  std::vector<Post> posts(12);
  std::vector<Decision> decisions(12);
  std::vector<TrendPost> trends(12);
  std::vector<StoredScan> scans;
  for (int i = 0; i < 12; ++i) {
    posts[i].id = "p" + std::to_string(i);
    posts[i].text = "giá xăng tăng";
    posts[i].author_key = "author-" + std::to_string(i);
    decisions[i].post_id = posts[i].id;
    trends[i].created_unix = kDay0 + 3600;
    trends[i].platform = "facebook";
    trends[i].has_author = true;
    trends[i].author = author_hash(posts[i].author_key);
    trends[i].phrases = {"giá xăng"};
    scans.push_back(StoredScan{&posts[i], &decisions[i], "{}", &trends[i]});
  }
  ASSERT_TRUE((*store)->put_scans(scans));
  ASSERT_TRUE((*store)->put_scans(scans));  // the same posts again: counted once
  ASSERT_TRUE((*store)->flush_trends());
  store->reset();
  auto reopened = open_sqlite_store(db);
  ASSERT_TRUE(reopened);
  TrendCellQuery q;
  q.level = TrendLevel::kHour;
  q.from = kDay0;
  q.to = kDay0 + 86400;
  q.dims = {TrendDim::kPhrase};
  auto cells = (*reopened)->trend_cells(q);
  ASSERT_TRUE(cells) << cells.error().to_string();
  ASSERT_EQ(cells->size(), 1u);
  EXPECT_EQ((*cells)[0].key, "giá xăng");
  EXPECT_EQ((*cells)[0].posts, 12);
  EXPECT_EQ((*cells)[0].authors.estimate(), 12u);
  EXPECT_EQ((*cells)[0].bucket, kDay0 + 3600);
  // Flushing more posts merges into the stored cell.
  std::vector<Post> more(3);
  std::vector<StoredScan> more_scans;
  for (int i = 0; i < 3; ++i) {
    more[i] = posts[0];
    more[i].id = "q" + std::to_string(i);
    more_scans.push_back(StoredScan{&more[i], &decisions[0], "{}", &trends[0]});
  }
  ASSERT_TRUE((*reopened)->put_scans(more_scans));
  ASSERT_TRUE((*reopened)->flush_trends());
  cells = (*reopened)->trend_cells(q);
  ASSERT_TRUE(cells);
  EXPECT_EQ((*cells)[0].posts, 15);
  EXPECT_EQ((*cells)[0].authors.estimate(), 12u);  // the same author again
  const Result<TrendsReport> report = compute_trends(
      [&](const TrendCellQuery& query) { return (*reopened)->trend_cells(query); }, day_options(1));
  ASSERT_TRUE(report);
  const std::string json = trends_to_json(*report);
  EXPECT_EQ(json.find("author-"), std::string::npos);        // no author keys
  EXPECT_EQ(json.find("giá xăng tăng"), std::string::npos);  // no post text
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tincay
