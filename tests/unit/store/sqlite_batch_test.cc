// put_scans writes a batch with multi-row statements (up to 64 posts a statement, a chunk ending
// before a repeated post id) and the audit log appends 64 entries a statement: what they store
// must be exactly what one call per post, or one entry at a time, stores.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tincay/service_store.h"
#include "tincay/store.h"

namespace tincay {
namespace {

std::string temp_db(const std::string& name) {
  const auto p = std::filesystem::temp_directory_path() /
                 ("tincay-batch-" + name + "-" + std::to_string(::getpid()) + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p.string() + suffix);
  return p.string();
}

// Every row of `sql`, columns joined by '|' (blobs and texts verbatim, NULL as "NULL").
std::vector<std::string> rows(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::vector<std::string> out;
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(s); ++i) {
      if (i > 0) row += '|';
      if (sqlite3_column_type(s, i) == SQLITE_NULL) {
        row += "NULL";
        continue;
      }
      const auto* p = static_cast<const char*>(sqlite3_column_blob(s, i));
      row.append(p != nullptr ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
    }
    out.push_back(std::move(row));
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

// The stored content of posts, decisions and categories (less the times the store sets itself).
std::vector<std::string> content(const std::string& path) {
  std::vector<std::string> out;
  for (const char* sql :
       {"SELECT id, platform, author_key, created_at, created_unix, parent_id, url, lang, text, "
        "metadata, id_derived FROM posts ORDER BY id",
        "SELECT post_id, action, policy_version, record FROM decisions ORDER BY post_id",
        "SELECT post_id, category, score, flagged FROM decision_categories "
        "ORDER BY post_id, category",
        "SELECT level, dim, bucket, key, posts, authors_lower FROM trend_cells "
        "ORDER BY level, dim, bucket, key"}) {
    std::vector<std::string> r = rows(path, sql);
    out.push_back(std::string("-- ") + sql);
    out.insert(out.end(), r.begin(), r.end());
  }
  return out;
}

// A batch of `n` scans whose ids repeat: p0 ... p(distinct-1) cycled, plus every 37th post
// repeated right after itself (a repeat inside one chunk). Each scan's decision and text depend
// on its position, so the later of two scans of a post is told apart from the earlier one.
struct Batch {
  std::vector<Post> posts;
  std::vector<Decision> decisions;
  std::vector<std::string> records;
  std::vector<TrendPost> trends;
  std::vector<StoredScan> scans(bool with_trends) const {
    std::vector<StoredScan> out;
    for (std::size_t i = 0; i < posts.size(); ++i) {
      out.push_back(
          StoredScan{&posts[i], &decisions[i], records[i], with_trends ? &trends[i] : nullptr});
    }
    return out;
  }
};

Batch make_batch(std::size_t n, std::size_t distinct, const std::string& version) {
  Batch b;
  std::vector<std::size_t> ids;
  for (std::size_t i = 0; ids.size() < n; ++i) {
    ids.push_back(i % distinct);
    if (i % 37 == 5 && ids.size() < n) ids.push_back(i % distinct);
  }
  for (std::size_t i = 0; i < n; ++i) {
    Post p;
    p.id = "p" + std::to_string(ids[i]);
    p.platform = i % 3 == 0 ? "forum" : "facebook";
    p.author_key = "author" + std::to_string(i % 7);
    if (i % 2 == 0) {
      p.created_at = "2026-10-01T10:00:00Z";
      p.created_unix = 1790848800 + static_cast<std::int64_t>(i);
    }
    p.parent_id = i % 5 == 0 ? "parent" : "";
    p.url = i % 4 == 0 ? "https://example.org/" + std::to_string(i) : "";
    p.lang = "vi";
    p.text = version + " text " + std::to_string(i) + std::string("\0tail", 5);
    p.metadata_json = "{\"i\":" + std::to_string(i) + "}";
    p.id_derived = i % 6 == 0;
    Decision d;
    d.post_id = p.id;
    d.action = i % 2 == 0 ? Action::kReview : Action::kAllow;
    d.policy_version = version;
    for (std::size_t c = 0; c < kAllCategories.size(); ++c) {
      // A different set of categories per post: none, a few, sometimes many.
      if ((i + c) % (2 + i % 4) == 0) d.scores[c] = 0.1 + 0.05 * static_cast<double>((i + c) % 17);
    }
    TrendPost t;
    t.created_unix = 1790848800;
    t.platform = p.platform;
    b.records.push_back("{\"post\":\"" + p.id + "\",\"v\":\"" + version +
                        "\",\"i\":" + std::to_string(i) + "}");
    b.posts.push_back(std::move(p));
    b.decisions.push_back(std::move(d));
    b.trends.push_back(std::move(t));
  }
  return b;
}

std::size_t distinct_ids(const Batch& b) {
  std::set<std::string> ids;
  for (const Post& p : b.posts) ids.insert(p.id);
  return ids.size();
}

TEST(SqliteBatch, OneCallStoresExactlyWhatOneCallPerPostStores) {
  const std::string chunked = temp_db("chunked");
  const std::string single = temp_db("single");
  // Rows that exist before (some are updated below), then a batch of 300 scans of 150 posts,
  // with repeats across and within chunks; trends on, so new posts count once in the rollups.
  const Batch before = make_batch(100, 100, "v1");
  const Batch batch = make_batch(300, 150, "v2");
  {
    auto a = open_sqlite_store(chunked);
    auto b = open_sqlite_store(single);
    ASSERT_TRUE(a && b);
    ASSERT_TRUE((*a)->put_scans(before.scans(false)));
    ASSERT_TRUE((*a)->put_scans(batch.scans(true)));
    ASSERT_TRUE((*a)->flush_trends());
    for (const StoredScan& s : before.scans(false)) ASSERT_TRUE((*b)->put_scans({s}));
    for (const StoredScan& s : batch.scans(true)) ASSERT_TRUE((*b)->put_scans({s}));
    ASSERT_TRUE((*b)->flush_trends());
    EXPECT_EQ((*a)->count_posts().value(), 150);
    EXPECT_EQ((*a)->count_decisions().value(), 150);
  }
  const std::vector<std::string> a = content(chunked);
  const std::vector<std::string> b = content(single);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], b[i]) << "row " << i;
  // The later scan of a post wins: p5 was scanned at positions 5 and 6 (repeat), then 155 + ...
  const auto p5 = rows(chunked, "SELECT record FROM decisions WHERE post_id = 'p5'");
  ASSERT_EQ(p5.size(), 1u);
  EXPECT_NE(p5[0].find("\"v\":\"v2\""), std::string::npos) << p5[0];
  // Only posts new to the store count, each once however often it came in the batch.
  const auto volume =
      rows(chunked, "SELECT SUM(posts) FROM trend_cells WHERE level = 0 AND dim = 0");
  ASSERT_EQ(volume.size(), 1u);
  EXPECT_EQ(volume[0], std::to_string(150 - distinct_ids(before)));
  // Categories of a repeated post are those of its last decision only.
  const auto cats = rows(chunked, "SELECT COUNT(*) FROM decision_categories");
  const auto single_cats = rows(single, "SELECT COUNT(*) FROM decision_categories");
  EXPECT_EQ(cats, single_cats);
  for (const std::string& p : {chunked, single}) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p + suffix);
  }
}

TEST(SqliteBatch, AFailedBatchLeavesNothingBehind) {
  const std::string path = temp_db("rollback");
  auto store = open_sqlite_store(path);
  ASSERT_TRUE(store);
  Batch batch = make_batch(140, 140, "v1");
  ASSERT_GT(distinct_ids(batch), 2 * 64u);  // three chunks
  // A decision for a post that is not in the batch breaks the foreign key in the last chunk.
  batch.decisions[139].post_id = "nowhere";
  EXPECT_FALSE((*store)->put_scans(batch.scans(false)));
  EXPECT_EQ((*store)->count_posts().value(), 0);
  EXPECT_EQ((*store)->count_decisions().value(), 0);
  // The store is usable afterwards.
  batch.decisions[139].post_id = batch.posts[139].id;
  EXPECT_TRUE((*store)->put_scans(batch.scans(false)));
  EXPECT_EQ((*store)->count_posts().value(), static_cast<std::int64_t>(distinct_ids(batch)));
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

TEST(SqliteBatch, AuditEntriesOverManyStatementsChainInOrder) {
  const std::string path = temp_db("audit");
  auto service = open_sqlite_service_store(path);
  ASSERT_TRUE(service);
  auto entry = [](int i) {
    AuditEntry e;
    e.at_unix = 1790848800 + i;
    e.kind = "decision";
    e.subject = "post-" + std::to_string(i);
    e.actor = "key:1";
    e.payload = "{\"i\":" + std::to_string(i) + "}";
    return e;
  };
  int next = 1;
  for (const int size : {3, 150, 64, 1}) {
    std::vector<AuditEntry> batch;
    for (int i = 0; i < size; ++i) batch.push_back(entry(next++));
    ASSERT_TRUE((*service)->append_audit_batch(std::move(batch)));
  }
  ASSERT_TRUE((*service)->append_audit(entry(next++)));
  auto log = (*service)->read_audit();
  ASSERT_TRUE(log);
  ASSERT_EQ(log->size(), 219u);
  std::string prev(64, '0');
  for (std::size_t i = 0; i < log->size(); ++i) {
    const AuditEntry& e = (*log)[i];
    EXPECT_EQ(e.seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(e.subject, "post-" + std::to_string(i + 1));
    EXPECT_EQ(e.prev_hash, prev);
    EXPECT_EQ(e.hash, audit_entry_hash(e));
    prev = e.hash;
  }
  EXPECT_EQ(verify_audit_chain(*log), std::nullopt);
  // An edit inside a multi-row chunk is still found, and named.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE audit_log SET payload = '{}' WHERE seq = 100", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto edited = (*service)->read_audit();
  ASSERT_TRUE(edited);
  const auto problem = verify_audit_chain(*edited);
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("entry 100 was edited"), std::string::npos) << *problem;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

}  // namespace
}  // namespace tincay
