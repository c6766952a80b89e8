#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tincay/service_store.h"
#include "tincay/store.h"

namespace tincay {
namespace {

std::string temp_db(const char* name) {
  const auto p = std::filesystem::temp_directory_path() /
                 (std::string("tincay-store-") + name + "-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(p);
  return p.string();
}

Post make_post(const std::string& id, const std::string& text) {
  Post p;
  p.id = id;
  p.text = text;
  p.author_key = "k";
  p.metadata_json = "{}";
  return p;
}

Status put(Store& store, const Post& p, const Decision& d) {
  return store.put_scans({StoredScan{&p, &d, "{}"}});
}

TEST(SqliteStore, UpsertByIdNeverDuplicates) {
  const std::string path = temp_db("upsert");
  auto store = open_sqlite_store(path);
  ASSERT_TRUE(store) << store.error().to_string();
  Decision d;
  d.post_id = "a";
  d.scores[category_index(Category::kScam)] = 0.7;
  const Post p = make_post("a", "one");
  ASSERT_TRUE(put(**store, p, d));
  ASSERT_TRUE(put(**store, p, d));
  EXPECT_EQ((*store)->count_posts().value(), 1);
  EXPECT_EQ((*store)->count_decisions().value(), 1);
  std::filesystem::remove(path);
}

TEST(SqliteStore, ReopeningKeepsDataAndSchema) {
  const std::string path = temp_db("reopen");
  {
    auto store = open_sqlite_store(path);
    ASSERT_TRUE(store);
    Decision d;
    d.post_id = "a";
    ASSERT_TRUE(put(**store, make_post("a", std::string("nul\0inside", 10)), d));
  }
  auto store = open_sqlite_store(path);
  ASSERT_TRUE(store);
  EXPECT_EQ((*store)->count_posts().value(), 1);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT length(CAST(text AS BLOB)) FROM posts", -1, &s, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(s, 0), 10);  // the NUL and what follows it survived
  sqlite3_finalize(s);
  sqlite3_close(db);
  std::filesystem::remove(path);
}

// The serve writer's pair: one connection, alternating transactions of both stores, each seeing
// the other's writes at once; either may be destroyed first.
TEST(SqliteStore, SharedStoresSeeEachOthersWritesOnOneConnection) {
  const std::string path = temp_db("shared");
  for (const bool store_first : {true, false}) {
    std::filesystem::remove(path);
    auto pair = open_sqlite_shared_stores(path);
    ASSERT_TRUE(pair) << pair.error().to_string();
    for (int i = 0; i < 3; ++i) {
      const std::string id = "p" + std::to_string(i);
      Decision d;
      d.post_id = id;
      d.action = Action::kReview;
      ASSERT_TRUE(put(*pair->store, make_post(id, "text " + id), d));
      AuditEntry e;
      e.kind = "decision";
      e.subject = id;
      e.actor = "cli";
      e.payload = "{}";
      ASSERT_TRUE(pair->service->append_audit_batch({e}));
      auto got = pair->service->get_post(id);
      ASSERT_TRUE(got) << got.error().to_string();
      ASSERT_TRUE(got->has_value()) << id;
      EXPECT_EQ((*got)->text, "text " + id);
    }
    auto audit = pair->service->read_audit();
    ASSERT_TRUE(audit);
    ASSERT_EQ(audit->size(), 3u);
    EXPECT_EQ((*audit)[2].prev_hash, (*audit)[1].hash);
    EXPECT_EQ(pair->store->count_posts().value(), 3);
    if (store_first) {
      pair->store.reset();
      EXPECT_EQ(pair->service->queue_depth().value(), 3);  // still usable alone
    } else {
      pair->service.reset();
      EXPECT_EQ(pair->store->count_decisions().value(), 3);
    }
  }
  // Another connection (a reader) sees everything committed.
  auto reader = open_sqlite_service_store(path);
  ASSERT_TRUE(reader);
  EXPECT_EQ((*reader)->read_audit()->size(), 3u);
  std::filesystem::remove(path);
}

// Writes stay in the write-ahead log until a checkpoint; checkpoint() copies them into the
// database file while the store stays open and usable.
TEST(SqliteStore, CheckpointCopiesTheLogIntoTheDatabaseFile) {
  const std::string path = temp_db("checkpoint");
  auto store = open_sqlite_store(path);
  ASSERT_TRUE(store) << store.error().to_string();
  for (int i = 0; i < 50; ++i) {
    const std::string id = "c" + std::to_string(i);
    Decision d;
    d.post_id = id;
    ASSERT_TRUE(put(**store, make_post(id, std::string(2000, 'x') + id), d));
  }
  const auto before = std::filesystem::file_size(path);
  ASSERT_GT(std::filesystem::file_size(path + "-wal"), 100'000u);  // 50 posts of 2 KB: in the log
  ASSERT_TRUE((*store)->checkpoint());
  EXPECT_GT(std::filesystem::file_size(path), before + 100'000) << "pages copied to the file";
  Decision d;
  d.post_id = "after";
  ASSERT_TRUE(put(**store, make_post("after", "still writable"), d));
  EXPECT_EQ((*store)->count_posts().value(), 51);
  store->reset();
  std::filesystem::remove(path);
}

TEST(SqliteStore, UnopenablePathIsAClearError) {
  auto store = open_sqlite_store("/nonexistent-dir/x/tincay.db");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kDatabase);
  EXPECT_NE(store.error().to_string().find("/nonexistent-dir/x/tincay.db"), std::string::npos);
}

}  // namespace
}  // namespace tincay
