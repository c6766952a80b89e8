// The PostgreSQL Store and ServiceStore against a temporary cluster (tests/support/services.h):
// the same contract as SQLite (upserts, claims, keys, reviews, appeals, audit chain, queue and
// report), the same schema (column for column), concurrent migration, and reconnection after a
// server restart.
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include "tincay/service_store.h"
#include "tincay/store.h"

#include "tests/support/services.h"

namespace tincay {
namespace {

using testing::TempPostgres;

class PostgresStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cluster_ = new TempPostgres(); }  // NOLINT: one per suite
  static void TearDownTestSuite() {
    delete cluster_;  // NOLINT
    cluster_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(cluster_->ok()) << cluster_->error();
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("t_") + info->name();
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    db_ = name;
    url_ = cluster_->create_database(name);
  }
  static TempPostgres* cluster_;
  std::string db_, url_;
};
TempPostgres* PostgresStoreTest::cluster_ = nullptr;

Post make_post(const std::string& id, const std::string& text) {
  Post p;
  p.id = id;
  p.text = text;
  p.platform = "facebook";
  p.author_key = "k";
  p.metadata_json = R"({"likes":3})";
  p.created_at = "2024-05-01T10:00:00Z";
  p.created_unix = 1714557600;
  return p;
}

Decision make_decision(const std::string& id, double scam, Action action) {
  Decision d;
  d.post_id = id;
  d.scores[category_index(Category::kScam)] = scam;
  d.action = action;
  d.policy_version = "test-1";
  if (scam >= 0.5) d.statement.categories.push_back(Category::kScam);
  return d;
}

TEST_F(PostgresStoreTest, UpsertByIdNeverDuplicatesAndReplacesCategories) {
  auto store = open_store(url_);
  ASSERT_TRUE(store) << store.error().to_string();
  const Post p = make_post("a", "Tuyển CTV việc nhẹ lương cao");
  const Decision first = make_decision("a", 0.9, Action::kRemove);
  ASSERT_TRUE((*store)->put_scans({StoredScan{&p, &first, R"({"v":1})"}}));
  const Decision second = make_decision("a", 0.2, Action::kAllow);
  // The same id twice in one batch and again in a later batch: one row, the last one wins.
  auto put = (*store)->put_scans(
      {StoredScan{&p, &first, R"({"v":1})"}, StoredScan{&p, &second, R"({"v":2})"}});
  ASSERT_TRUE(put) << put.error().to_string();
  EXPECT_EQ(*(*store)->count_posts(), 1);
  EXPECT_EQ(*(*store)->count_decisions(), 1);
  EXPECT_EQ(cluster_->query("SELECT action, record FROM decisions", db_), "allow|{\"v\":2}");
  EXPECT_EQ(cluster_->query("SELECT COUNT(*) FROM decision_categories WHERE flagged = 1", db_),
            "0");
}

TEST_F(PostgresStoreTest, StoresEveryFieldVerbatim) {
  auto store = open_store(url_);
  ASSERT_TRUE(store) << store.error().to_string();
  Post p =
      make_post("x'; DROP TABLE posts; --", "Chuyển khoản \"ngay\" \\ 100% 🙂\n\tdòng 2");
  p.id_derived = true;
  const Decision d = make_decision(p.id, 0.75, Action::kReview);
  ASSERT_TRUE((*store)->put_scans({StoredScan{&p, &d, "{}"}}));
  auto service = open_service_store(url_);
  ASSERT_TRUE(service) << service.error().to_string();
  auto detail = (*service)->get_post(p.id);
  ASSERT_TRUE(detail && *detail) << (detail ? "no post" : detail.error().to_string());
  EXPECT_EQ((*detail)->text, p.text);
  EXPECT_EQ((*detail)->platform, "facebook");
  EXPECT_EQ((*detail)->created_at, p.created_at);
  EXPECT_EQ((*detail)->action, "review");
  const std::string& db = db_;
  EXPECT_EQ(cluster_->query("SELECT metadata, created_unix, id_derived FROM posts", db),
            "{\"likes\":3}|1714557600|1");
  EXPECT_EQ(cluster_->query("SELECT category, score, flagged FROM decision_categories", db),
            "scam|0.75|1");
}

TEST_F(PostgresStoreTest, NulInTextIsAClearPerPostError) {
  auto store = open_store(url_);
  ASSERT_TRUE(store) << store.error().to_string();
  const Post p = make_post("nul", std::string("a\0b", 3));
  const Decision d = make_decision("nul", 0, Action::kAllow);
  auto put = (*store)->put_scans({StoredScan{&p, &d, "{}"}});
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(put.error().message.find("NUL"), std::string::npos) << put.error().message;
  EXPECT_EQ(*(*store)->count_posts(), 0);
}

TEST_F(PostgresStoreTest, ClaimsRoundTripInIdOrder) {
  auto store = open_store(url_);
  ASSERT_TRUE(store) << store.error().to_string();
  Claim a;
  a.id = "b-claim";
  a.claim = "Uống nước chanh chữa khỏi ung thư";
  a.verdict = ClaimVerdict::kFalse;
  a.fact_checker = "Checker";
  a.source_url = "https://example.org/b";
  Claim b = a;
  b.id = "A-claim";
  b.verdict = ClaimVerdict::kMisleading;
  auto put = (*store)->put_claims({a, b});
  ASSERT_TRUE(put) << put.error().to_string();
  ASSERT_TRUE((*store)->put_claims({a}));  // upsert
  auto claims = (*store)->list_claims();
  ASSERT_TRUE(claims);
  ASSERT_EQ(claims->size(), 2u);
  EXPECT_EQ((*claims)[0].id, "A-claim");  // byte order, as SQLite sorts
  EXPECT_EQ((*claims)[1].verdict, ClaimVerdict::kFalse);
  EXPECT_TRUE(*(*store)->remove_claim("A-claim"));
  EXPECT_FALSE(*(*store)->remove_claim("A-claim"));
  Claim bad = a;
  bad.id = "c";
  bad.source_url = "";  // CHECK constraint: the whole import fails
  EXPECT_FALSE((*store)->put_claims({a, bad}));
  EXPECT_EQ((*store)->list_claims()->size(), 1u);
}

TEST_F(PostgresStoreTest, ConcurrentOpensMigrateOnce) {
  std::vector<std::thread> threads;
  std::vector<std::string> errors(6);
  for (std::size_t i = 0; i < errors.size(); ++i) {
    threads.emplace_back([&, i] {
      auto store = open_store(url_);
      if (!store) errors[i] = store.error().to_string();
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& e : errors) EXPECT_EQ(e, "");
  const std::string& db = db_;
  EXPECT_EQ(cluster_->query("SELECT string_agg(version::text, ',' ORDER BY version) FROM "
                            "schema_version",
                            db),
            "1,2,3,4");
}

TEST_F(PostgresStoreTest, NewerSchemaIsRefused) {
  ASSERT_TRUE(open_store(url_));
  const std::string& db = db_;
  cluster_->query("INSERT INTO schema_version VALUES (99)", db);
  auto store = open_store(url_);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("newer"), std::string::npos);
}

// One schema, two databases: every PostgreSQL table has exactly the columns of its SQLite twin.
TEST_F(PostgresStoreTest, SchemaMatchesSqliteColumnForColumn) {
  ASSERT_TRUE(open_store(url_));
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("tincay-parity-" + std::to_string(::getpid()) + ".db"))
                               .string();
  std::filesystem::remove(path);
  ASSERT_TRUE(open_sqlite_store(path));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const std::string& pg_db = db_;
  const std::string tables = cluster_->query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema='public' "
      "ORDER BY 1",
      pg_db);
  std::istringstream lines(tables);
  std::string table;
  int compared = 0;
  while (std::getline(lines, table)) {
    const std::string pg_columns = cluster_->query(
        "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM "
        "information_schema.columns WHERE table_schema='public' AND table_name='" +
            table + "'",
        pg_db);
    std::string sqlite_columns;
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(
        sqlite3_prepare_v2(db, ("PRAGMA table_info(" + table + ")").c_str(), -1, &stmt, nullptr),
        SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      if (!sqlite_columns.empty()) sqlite_columns += ',';
      sqlite_columns += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1));
    }
    sqlite3_finalize(stmt);
    EXPECT_EQ(pg_columns, sqlite_columns) << "table " << table;
    ++compared;
  }
  sqlite3_close(db);
  std::filesystem::remove(path);
  EXPECT_GE(compared, 9) << tables;
}

TEST_F(PostgresStoreTest, ReconnectsAfterServerRestart) {
  auto store = open_store(url_);
  ASSERT_TRUE(store) << store.error().to_string();
  const Post p1 = make_post("before", "một");
  const Decision d1 = make_decision("before", 0, Action::kAllow);
  ASSERT_TRUE((*store)->put_scans({StoredScan{&p1, &d1, "{}"}}));
  ASSERT_TRUE(cluster_->restart()) << cluster_->error();
  const Post p2 = make_post("after", "hai");
  const Decision d2 = make_decision("after", 0, Action::kAllow);
  // The first call after the restart may find the old connection dead: it reports kUnavailable
  // (nothing written) and the next call reconnects.
  auto put = (*store)->put_scans({StoredScan{&p2, &d2, "{}"}});
  if (!put) {
    EXPECT_EQ(put.error().code, ErrorCode::kUnavailable) << put.error().to_string();
    put = (*store)->put_scans({StoredScan{&p2, &d2, "{}"}});
  }
  ASSERT_TRUE(put) << put.error().to_string();
  EXPECT_EQ(*(*store)->count_posts(), 2);
}

TEST_F(PostgresStoreTest, UnreachableServerIsUnavailableWithoutPassword) {
  const int port = testing::free_port();
  auto store = open_store("postgresql://u:secret@127.0.0.1:" + std::to_string(port) + "/x");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().to_string().find("secret"), std::string::npos)
      << store.error().to_string();
  EXPECT_NE(store.error().to_string().find("u:***@"), std::string::npos);
}

TEST(StoreFactory, PathsAndSqliteUrlsOpenSqlite) {
  const auto p = std::filesystem::temp_directory_path() /
                 ("tincay-factory-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(p);
  ASSERT_TRUE(open_store("sqlite://" + p.string()));
  EXPECT_TRUE(std::filesystem::exists(p));
  ASSERT_TRUE(open_store(p.string()));
  ASSERT_TRUE(open_service_store(p.string()));
  std::filesystem::remove(p);
  EXPECT_TRUE(is_postgres_location("postgres://h/db"));
  EXPECT_FALSE(is_postgres_location("/tmp/postgresql://x"));
}

// Runs one review-and-appeal story on a ServiceStore and returns what a user of the API would
// see; SQLite and PostgreSQL must tell the same story.
std::string service_story(Store& store, ServiceStore& service) {
  std::ostringstream out;
  // The value of a Result, or (noting the error in the story) a default one.
  const auto V = [&out](auto result) {
    if (!result) {
      out << "ERROR " << result.error().to_string() << "\n";
      return std::decay_t<decltype(result.value())>{};
    }
    return std::move(result).value();
  };
  const Post p1 = make_post("p1", "Chuyển tiền đặt cọc để nhận việc");
  const Post p2 = make_post("p2", "Bài bình thường");
  const Post p3 = make_post("p3", "Vay tiền nhanh không cần giấy tờ");
  const Decision d1 = make_decision("p1", 0.95, Action::kRemove);
  const Decision d2 = make_decision("p2", 0.0, Action::kAllow);
  const Decision d3 = make_decision("p3", 0.7, Action::kReview);
  if (!store.put_scans({StoredScan{&p1, &d1, R"({"p":1})"}, StoredScan{&p2, &d2, R"({"p":2})"},
                        StoredScan{&p3, &d3, R"({"p":3})"}})) {
    return "put failed";
  }
  const std::int64_t now = 4102444800;  // decisions are stamped with the real time, far before
  const std::int64_t k1 = V(service.create_key("hash1", "reviewer", "r1", 100));
  const std::int64_t k2 = V(service.create_key("hash2", "admin", "a1", 101));
  out << "keys " << k1 << "," << k2 << "\n";
  out << "dup key ok? " << bool(service.create_key("hash1", "admin", "x", 1)) << "\n";
  const auto found = V(service.find_key("hash1"));
  out << "find " << (found ? found->role + "/" + found->label : "none") << "\n";
  out << "revoke " << V(service.revoke_key(k2)) << V(service.revoke_key(k2)) << "\n";
  out << "find revoked " << V(service.find_key("hash2")).has_value() << "\n";
  for (const auto& k : V(service.list_keys())) out << "key " << k.id << k.role << k.revoked << "\n";
  out << "depth " << V(service.queue_depth()) << "\n";
  QueueFilter all;
  for (const auto& q : V(service.queue(all, now))) {
    out << "queue " << q.post_id << " " << q.action << " " << q.categories_csv << "\n";
  }
  QueueFilter by_action;
  by_action.action = "review";
  out << "queue review " << service.queue(by_action, now)->size() << "\n";
  AuditEntry audit;
  audit.at_unix = 200;
  audit.kind = "review";
  audit.actor = "key:1";
  audit.payload = R"({"outcome":"uphold"})";
  ReviewRecord review;
  review.post_id = "p1";
  review.reviewer_key = k1;
  review.outcome = "uphold";
  review.note = "rõ ràng";
  review.at_unix = now;
  out << "review " << V(service.add_review(review, audit)) << "\n";
  review.post_id = "nope";
  auto missing = service.add_review(review, audit);
  out << "review missing " << (missing ? "stored" : std::to_string(int(missing.error().code)))
      << "\n";
  out << "last reviewer " << V(service.last_reviewer("p1")) << V(service.last_reviewer("p3"))
      << "\n";
  AppealRecord appeal;
  appeal.post_id = "p1";
  appeal.reason = "không phải lừa đảo";
  appeal.filed_by_key = k1;
  appeal.filed_unix = now;
  audit.kind = "appeal";
  const std::int64_t aid = V(service.add_appeal(appeal, audit));
  out << "appeal " << aid << "\n";
  auto list = [&](const char* status) {
    AppealFilter f;
    f.status = status;
    out << "list " << status << ":";
    for (const AppealRecord& a : V(service.list_appeals(f))) {
      out << " " << a.id << "/" << a.post_id << "/" << a.status << "/" << a.reason;
    }
    out << "\n";
  };
  list("open");
  audit.kind = "appeal_resolution";
  out << "resolve " << V(service.resolve_appeal(aid, "reversed", k1, "ok", now + 5, audit))
      << V(service.resolve_appeal(aid, "upheld", k1, "again", now + 6, audit)) << "\n";
  const auto got = V(service.get_appeal(aid)).value_or(AppealRecord{});
  out << "appeal state " << got.status << " " << got.resolution_note << " " << got.resolved_unix
      << "\n";
  list("open");
  list("reversed");
  list("");
  const auto detail = V(service.get_post("p1")).value_or(PostDetail{});
  out << "detail " << detail.decision_json << " reviews " << detail.reviews.size() << " appeals "
      << detail.appeals.size() << " note "
      << (detail.reviews.empty() ? "-" : detail.reviews[0].note) << "\n";
  out << "no post " << V(service.get_post("zz")).has_value() << "\n";
  out << "depth after review " << V(service.queue_depth()) << "\n";
  std::vector<AuditEntry> batch(2, audit);
  batch[0].kind = "decision";
  batch[1].kind = "decision";
  (void)service.append_audit_batch(batch);
  const auto log = V(service.read_audit());
  out << "audit " << log.size() << " intact " << !verify_audit_chain(log).has_value() << "\n";
  for (const auto& e : log) out << "  " << e.seq << " " << e.kind << " " << e.hash << "\n";
  const auto t = V(service.transparency(0, now + 100));
  out << "report decisions " << t.decisions << " appeals " << t.appeals_filed << "/"
      << t.appeals_upheld << "/" << t.appeals_reversed << "/" << t.appeals_open << " acted "
      << t.acted_records.size() << " delays " << t.review_delays.size() << "\n";
  for (const auto& c : t.actions_by_category) out << "  cat " << c.key1 << c.key2 << c.n << "\n";
  for (const auto& c : t.automated_actions) out << "  auto " << c.key1 << c.n << "\n";
  for (const auto& c : t.human_reviews) out << "  human " << c.key1 << c.n << "\n";
  return out.str();
}

TEST_F(PostgresStoreTest, ServiceStoreTellsTheSameStoryAsSqlite) {
  const auto path = (std::filesystem::temp_directory_path() /
                     ("tincay-story-" + std::to_string(::getpid()) + ".db"))
                        .string();
  std::filesystem::remove(path);
  auto sqlite_store = open_store(path);
  auto sqlite_service = open_service_store(path);
  ASSERT_TRUE(sqlite_store && sqlite_service);
  const std::string expected = service_story(**sqlite_store, **sqlite_service);
  std::filesystem::remove(path);
  auto pg_store = open_store(url_);
  auto pg_service = open_service_store(url_);
  ASSERT_TRUE(pg_store) << pg_store.error().to_string();
  ASSERT_TRUE(pg_service) << pg_service.error().to_string();
  const std::string got = service_story(**pg_store, **pg_service);
  EXPECT_EQ(got, expected);
  EXPECT_NE(expected.find("intact 1"), std::string::npos) << expected;
  EXPECT_NE(expected.find("queue p1 remove scam"), std::string::npos) << expected;
  EXPECT_NE(expected.find("list open: 1/p1/open/không phải lừa đảo\nresolve"), std::string::npos)
      << expected;
  EXPECT_NE(expected.find("list open:\nlist reversed: 1/p1/reversed/"), std::string::npos)
      << expected;
}

}  // namespace
}  // namespace tincay
