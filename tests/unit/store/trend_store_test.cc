// Trend rollups in both stores (docs/trends.md, docs/schema.md): only posts a store newly
// inserts are counted (a re-scanned or redelivered post adds nothing, also from a second
// connection), PostgreSQL keeps exactly the cells SQLite keeps (author sketches included),
// prunes capped groups the same way and answers the same queries, and rebuild_trends recomputes
// what incremental maintenance built, all or nothing.
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "tincay/store.h"

#include "tests/support/services.h"

namespace tincay {
namespace {

using testing::TempPostgres;

constexpr std::int64_t kDay = 1760400000;  // 2025-10-14T00:00:00Z

// A scanned post: its fields decide its TrendPost (trend_for), so a rebuild can recompute it
// from what the store gives back.
struct Scanned {
  Post post;
  Decision decision;
  std::string json = "{}";
  TrendPost trend;
};

// What a post adds, from the fields a store keeps (as the real rollup step does from the text).
TrendPost trend_for(const Post& p, const std::vector<Category>& flagged) {
  TrendPost t;
  t.created_unix = p.created_unix.value_or(0);
  t.platform = p.platform;
  t.has_author = !p.author_key.empty();
  if (t.has_author) t.author = author_hash(p.author_key);
  for (const Category c : flagged) t.categories.emplace_back(category_name(c));
  const int n = std::stoi(p.id.substr(1));
  t.emotion = n % 2 == 0 ? "Anger" : "Enjoyment";
  t.phrases = {"giá xăng", n % 4 == 0 ? "bóng đá" : "xăng dầu"};
  t.syllables = {"giá", "xăng"};
  t.pairs = {std::string(t.phrases[0]) + "\t" + t.phrases[1]};
  if (t.pairs[0] > std::string(t.phrases[1]) + "\t" + t.phrases[0]) {
    t.pairs[0] = std::string(t.phrases[1]) + "\t" + t.phrases[0];
  }
  return t;
}

std::vector<Scanned> make_posts(int from, int to) {
  std::vector<Scanned> out;
  for (int i = from; i < to; ++i) {
    Scanned s;
    s.post.id = "p" + std::to_string(1000 + i);
    s.post.platform = i % 3 == 0 ? "zalo" : "facebook";
    s.post.author_key = i % 7 == 6 ? "" : "author-" + std::to_string(i % 13);
    s.post.created_unix = kDay + (i % 5) * 3600 + (i % 2) * 86400;
    s.post.text = "Giá xăng tăng " + std::to_string(i);
    s.decision.post_id = s.post.id;
    s.decision.policy_version = "t";
    if (i % 3 == 1) {
      s.decision.scores[category_index(Category::kScam)] = 0.9;
      s.decision.statement.categories.push_back(Category::kScam);
    }
    out.push_back(std::move(s));
  }
  for (Scanned& s : out) s.trend = trend_for(s.post, s.decision.statement.categories);
  return out;
}

Status put(Store& store, const std::vector<Scanned>& posts) {
  std::vector<StoredScan> batch;
  for (const Scanned& s : posts) batch.push_back({&s.post, &s.decision, s.json, &s.trend});
  return store.put_scans(batch);
}

std::string hex(const std::string& bytes) {
  std::string out;
  char buf[3];
  for (const char c : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
    out += buf;
  }
  return out;
}

// Every cell of both levels, one line each, sketch included; in store order.
std::vector<std::string> dump(Store& store) {
  std::vector<std::string> out;
  for (const TrendLevel level : {TrendLevel::kHour, TrendLevel::kDay}) {
    TrendCellQuery q;
    q.level = level;
    q.from = 0;
    q.to = std::int64_t{1} << 40;
    auto cells = store.trend_cells(q);
    EXPECT_TRUE(cells) << cells.error().to_string();
    if (!cells) return out;
    for (const TrendCell& c : *cells) {
      out.push_back(std::to_string(static_cast<int>(c.level)) + "|" +
                    std::to_string(static_cast<int>(c.dim)) + "|" + std::to_string(c.bucket) + "|" +
                    c.key + "|" + std::to_string(c.posts) + "|" + std::to_string(c.authors_lower) +
                    "|" + hex(c.authors.serialize()));
    }
  }
  return out;
}

// Posts per platform over all day cells.
std::map<std::string, std::int64_t> platform_totals(Store& store) {
  TrendCellQuery q;
  q.level = TrendLevel::kDay;
  q.from = 0;
  q.to = std::int64_t{1} << 40;
  q.dims = {TrendDim::kPlatform};
  q.sum_over_buckets = true;
  std::map<std::string, std::int64_t> out;
  auto cells = store.trend_cells(q);
  EXPECT_TRUE(cells) << cells.error().to_string();
  if (cells) {
    for (const TrendCell& c : *cells) out[c.key] += c.posts;
  }
  return out;
}

// Rebuilds `store` from its posts with trend_for, checking what the store hands over.
Status rebuild(Store& store, std::int64_t* last_done = nullptr, std::int64_t* last_total = nullptr,
               int fail_on_page = -1) {
  int pages = 0;
  return store.rebuild_trends(
      [&](const std::vector<TrendSource>& page, std::vector<TrendPost>& out) {
        if (pages++ == fail_on_page) return Status(make_error(ErrorCode::kIo, "stop here"));
        for (const TrendSource& s : page) {
          EXPECT_GT(s.ingested_unix, 0);
          EXPECT_FALSE(s.post.text.empty());
          out.push_back(trend_for(s.post, s.flagged));
        }
        return ok_status();
      },
      [&](std::int64_t done, std::int64_t total) {
        if (last_done != nullptr) *last_done = done;
        if (last_total != nullptr) *last_total = total;
      },
      16);
}

class TrendStores : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cluster_ = new TempPostgres(); }  // NOLINT: one per suite
  static void TearDownTestSuite() {
    delete cluster_;  // NOLINT
    cluster_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(cluster_->ok()) << cluster_->error();
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("trends_") + info->name();
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    url_ = cluster_->create_database(name);
    path_ = (std::filesystem::temp_directory_path() /
             ("tincay-trends-" + std::to_string(::getpid()) + "-" + name + ".db"))
                .string();
    std::filesystem::remove(path_);
    auto pg = open_store(url_);
    ASSERT_TRUE(pg) << pg.error().to_string();
    pg_ = std::move(pg).value();
    auto sqlite = open_sqlite_store(path_);
    ASSERT_TRUE(sqlite) << sqlite.error().to_string();
    sqlite_ = std::move(sqlite).value();
  }
  void TearDown() override {
    sqlite_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  std::vector<Store*> stores() { return {sqlite_.get(), pg_.get()}; }

  static TempPostgres* cluster_;
  std::string url_, path_;
  std::unique_ptr<Store> pg_, sqlite_;
};
TempPostgres* TrendStores::cluster_ = nullptr;

TEST_F(TrendStores, OnlyNewlyInsertedPostsCountAndPostgresKeepsSqlitesCells) {
  const std::vector<Scanned> first = make_posts(0, 30);
  const std::vector<Scanned> overlap = make_posts(20, 50);  // 20..29 again: a redelivery
  for (Store* store : stores()) {
    ASSERT_TRUE(put(*store, first));
    ASSERT_TRUE(put(*store, first));  // the same batch twice
    ASSERT_TRUE(put(*store, overlap));
    ASSERT_TRUE(store->flush_trends());
  }
  // A second PostgreSQL connection (another worker) storing posts already there adds nothing.
  {
    auto other = open_store(url_);
    ASSERT_TRUE(other) << other.error().to_string();
    ASSERT_TRUE(put(**other, overlap));
    ASSERT_TRUE((*other)->flush_trends());
  }
  for (Store* store : stores()) {
    const auto totals = platform_totals(*store);
    ASSERT_EQ(totals.size(), 2u);
    EXPECT_EQ(totals.at("facebook") + totals.at("zalo"), 50);
    EXPECT_EQ(totals.at("zalo"), 17);  // i % 3 == 0 for i in [0, 50)
  }
  const std::vector<std::string> sqlite_cells = dump(*sqlite_);
  EXPECT_GT(sqlite_cells.size(), 40u);
  EXPECT_EQ(dump(*pg_), sqlite_cells);
}

TEST_F(TrendStores, ReadsSeeTheConnectionsOwnBufferedPosts) {
  for (Store* store : stores()) {
    ASSERT_TRUE(put(*store, make_posts(0, 10)));
    // No flush_trends: the store's own reads flush first.
    const auto totals = platform_totals(*store);
    EXPECT_EQ(totals.at("facebook") + totals.at("zalo"), 10);
  }
}

TEST_F(TrendStores, CappedGroupsArePrunedAlikeAndQueriesAgree) {
  // 1,600 phrases in one hour, where at most 1,500 are kept; counts with many ties.
  std::vector<TrendCell> cells;
  for (int i = 0; i < 1600; ++i) {
    TrendCell c;
    c.level = TrendLevel::kHour;
    c.bucket = kDay + 3600;
    c.dim = TrendDim::kPhrase;
    c.key = "cụm " + std::to_string(i * 7919 % 1600);
    c.posts = 1 + i % 37;
    c.authors.add(static_cast<std::uint32_t>(i * 2654435761u));
    c.authors_lower = 1;
    cells.push_back(c);
    if (i % 2 == 0) {
      c.level = TrendLevel::kDay;
      c.bucket = kDay;
      cells.push_back(c);
    }
  }
  for (Store* store : stores()) {
    ASSERT_TRUE(store->add_trend_cells(cells));
    ASSERT_TRUE(put(*store, make_posts(0, 40)));
    ASSERT_TRUE(store->flush_trends());
    ASSERT_TRUE(store->add_trend_cells({cells.begin(), cells.begin() + 50}));  // merges
  }
  const std::vector<std::string> sqlite_cells = dump(*sqlite_);
  EXPECT_EQ(dump(*pg_), sqlite_cells);
  std::size_t hour_phrases = 0;
  for (const std::string& line : sqlite_cells) {
    if (line.rfind("0|3|" + std::to_string(kDay + 3600) + "|", 0) == 0) ++hour_phrases;
  }
  EXPECT_EQ(hour_phrases, 1500u);

  // The same answers to summed and keyed reads.
  std::vector<TrendCellQuery> queries;
  TrendCellQuery sums;
  sums.level = TrendLevel::kDay;
  sums.from = kDay;
  sums.to = kDay + 2 * 86400;
  sums.dims = {TrendDim::kPhrase, TrendDim::kPlatform, TrendDim::kEmotion};
  sums.sum_over_buckets = true;
  sums.limit = 25;
  queries.push_back(sums);
  TrendCellQuery keyed = sums;
  keyed.keys = {"giá xăng", "cụm 7", "zalo", "Anger", "không có"};
  queries.push_back(keyed);
  keyed.sum_over_buckets = false;
  keyed.level = TrendLevel::kHour;
  queries.push_back(keyed);
  for (const TrendCellQuery& q : queries) {
    auto a = sqlite_->trend_cells(q);
    auto b = pg_->trend_cells(q);
    ASSERT_TRUE(a) << a.error().to_string();
    ASSERT_TRUE(b) << b.error().to_string();
    ASSERT_EQ(a->size(), b->size());
    EXPECT_FALSE(a->empty());
    for (std::size_t i = 0; i < a->size(); ++i) {
      EXPECT_EQ((*a)[i].dim, (*b)[i].dim) << i;
      EXPECT_EQ((*a)[i].bucket, (*b)[i].bucket) << i;
      EXPECT_EQ((*a)[i].key, (*b)[i].key) << i;
      EXPECT_EQ((*a)[i].posts, (*b)[i].posts) << i;
      EXPECT_EQ((*a)[i].authors_lower, (*b)[i].authors_lower) << i;
      EXPECT_EQ((*a)[i].authors.serialize(), (*b)[i].authors.serialize()) << i;
    }
  }
}

TEST_F(TrendStores, RebuildRecomputesWhatIncrementalMaintenanceBuilt) {
  for (Store* store : stores()) {
    ASSERT_TRUE(put(*store, make_posts(0, 25)));
    ASSERT_TRUE(put(*store, make_posts(10, 70)));
    ASSERT_TRUE(store->flush_trends());
    const std::vector<std::string> incremental = dump(*store);
    ASSERT_FALSE(incremental.empty());

    // Rollups gone wrong (counted twice, a stray cell), then rebuilt from the posts.
    std::vector<TrendCell> junk;
    TrendCellQuery all;
    all.level = TrendLevel::kDay;
    all.from = 0;
    all.to = std::int64_t{1} << 40;
    auto day = store->trend_cells(all);
    ASSERT_TRUE(day);
    junk = *day;
    TrendCell stray;
    stray.bucket = kDay - 86400 * 30;
    stray.key = "stray";
    junk.push_back(stray);
    ASSERT_TRUE(store->add_trend_cells(junk));
    const std::vector<std::string> broken = dump(*store);
    ASSERT_NE(broken, incremental);

    // A failing rebuild (on its third page of 16) leaves the rollups as they were.
    Status failed = rebuild(*store, nullptr, nullptr, 2);
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().message.find("stop here"), std::string::npos);
    EXPECT_EQ(dump(*store), broken);

    std::int64_t done = 0, total = 0;
    Status rebuilt = rebuild(*store, &done, &total);
    ASSERT_TRUE(rebuilt) << rebuilt.error().to_string();
    EXPECT_EQ(done, 70);
    EXPECT_EQ(total, 70);
    EXPECT_EQ(dump(*store), incremental);
    // The store still counts new posts, once.
    ASSERT_TRUE(put(*store, make_posts(60, 80)));
    const auto totals = platform_totals(*store);
    EXPECT_EQ(totals.at("facebook") + totals.at("zalo"), 80);
  }
}

}  // namespace
}  // namespace tincay
