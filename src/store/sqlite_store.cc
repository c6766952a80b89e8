// The embedded store: one SQLite file in WAL mode, schema versioned by numbered migrations.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <vector>

#include <sqlite3.h>

#include "tincay/core/json_writer.h"
#include "tincay/store.h"

#include "src/store/sqlite_connection.h"
#include "src/store/trend_buffer.h"

namespace tincay {
namespace {

// Migration N brings the schema from version N to N + 1. Append; never edit a released one.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE posts (
  id            TEXT PRIMARY KEY,
  platform      TEXT NOT NULL DEFAULT '',
  author_key    TEXT NOT NULL DEFAULT '',   -- HMAC of the author; the raw author is never stored
  created_at    TEXT NOT NULL DEFAULT '',
  created_unix  INTEGER,
  parent_id     TEXT NOT NULL DEFAULT '',
  url           TEXT NOT NULL DEFAULT '',
  lang          TEXT NOT NULL DEFAULT '',
  text          TEXT NOT NULL,
  metadata      TEXT NOT NULL DEFAULT '{}',
  id_derived    INTEGER NOT NULL DEFAULT 0,
  ingested_unix INTEGER NOT NULL
);
CREATE INDEX posts_created ON posts(created_unix);
CREATE TABLE decisions (
  post_id        TEXT PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
  action         TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  record         TEXT NOT NULL,               -- the decision JSON as written to the output
  decided_unix   INTEGER NOT NULL
);
CREATE INDEX decisions_action ON decisions(action);
CREATE TABLE decision_categories (
  post_id  TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  category TEXT NOT NULL,
  score    REAL NOT NULL,
  flagged  INTEGER NOT NULL,
  PRIMARY KEY (post_id, category)
);
CREATE INDEX decision_categories_flagged ON decision_categories(category, flagged);
)sql",
    // 2: fact-checked claims for claim matching (docs/claims.md).
    R"sql(
CREATE TABLE claims (
  id            TEXT PRIMARY KEY,
  claim         TEXT NOT NULL,
  verdict       TEXT NOT NULL CHECK (verdict IN ('false', 'misleading', 'unproven', 'true')),
  fact_checker  TEXT NOT NULL CHECK (fact_checker <> ''),
  source_url    TEXT NOT NULL CHECK (source_url <> ''),
  published     TEXT NOT NULL DEFAULT '',
  lang          TEXT NOT NULL DEFAULT '',
  imported_unix INTEGER NOT NULL
);
)sql",
    // 3: tincay serve — hashed API keys, human reviews, appeals and the hash-chained audit log
    // (include/tincay/service_store.h, docs/api.md).
    R"sql(
CREATE TABLE api_keys (
  id           INTEGER PRIMARY KEY,
  key_hash     TEXT NOT NULL UNIQUE,          -- SHA-256 of the key; the key itself is never stored
  role         TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'analyst', 'ingest')),
  label        TEXT NOT NULL DEFAULT '',
  created_unix INTEGER NOT NULL,
  revoked      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE reviews (
  id           INTEGER PRIMARY KEY,
  post_id      TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  reviewer_key INTEGER NOT NULL,
  outcome      TEXT NOT NULL CHECK (outcome IN ('uphold', 'overturn', 'recategorize')),
  category     TEXT NOT NULL DEFAULT '',
  note         TEXT NOT NULL DEFAULT '',
  at_unix      INTEGER NOT NULL
);
CREATE INDEX reviews_post ON reviews(post_id);
CREATE INDEX reviews_at ON reviews(at_unix);
CREATE TABLE appeals (
  id              INTEGER PRIMARY KEY,
  post_id         TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  reason          TEXT NOT NULL DEFAULT '',
  filed_by_key    INTEGER NOT NULL,
  filed_unix      INTEGER NOT NULL,
  status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'reversed')),
  resolver_key    INTEGER NOT NULL DEFAULT 0,
  resolution_note TEXT NOT NULL DEFAULT '',
  resolved_unix   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX appeals_post ON appeals(post_id);
CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY,
  at_unix   INTEGER NOT NULL,
  kind      TEXT NOT NULL,
  subject   TEXT NOT NULL,
  actor     TEXT NOT NULL,
  payload   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE INDEX decisions_decided ON decisions(decided_unix);
)sql",
    // 4: aggregate trend rollups (include/tincay/core/trends.h, docs/trends.md): per bucket, a
    // count and a distinct-author sketch per platform, category, emotion, phrase, ... Never texts
    // or author keys.
    R"sql(
CREATE TABLE trend_cells (
  level         INTEGER NOT NULL,           -- 0 hour, 1 day
  dim           INTEGER NOT NULL,           -- TrendDim
  bucket        INTEGER NOT NULL,           -- bucket start, unix seconds UTC
  key           TEXT NOT NULL,
  posts         INTEGER NOT NULL,
  authors_lower INTEGER NOT NULL,           -- distinct authors, a lower bound (exact up to 64)
  authors       BLOB NOT NULL,              -- AuthorSketch::serialize()
  PRIMARY KEY (level, dim, bucket, key)
) WITHOUT ROWID;
CREATE INDEX trend_cells_key ON trend_cells(level, dim, key, bucket);
)sql",
};

class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }
  sqlite3_stmt*& handle() { return stmt_; }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// put_scans writes up to kRowsPerStatement posts (and their decisions and categories) per
// statement: SQLite's per-statement work (program setup, opening a cursor on the table and each
// index, reset) then comes once per chunk instead of once per post.
constexpr std::size_t kRowsPerStatement = 64;

// A multi-row statement: head, then n copies of row separated by commas, then tail.
struct RowsSql {
  std::string_view head;
  std::string_view row;
  std::string_view tail;
};

constexpr RowsSql kUpsertPosts{
    "INSERT INTO posts(id, platform, author_key, created_at, created_unix, parent_id, url, lang, "
    "text, metadata, id_derived, ingested_unix) VALUES ",
    "(?,?,?,?,?,?,?,?,?,?,?,strftime('%s','now'))",
    R"sql(
ON CONFLICT(id) DO UPDATE SET platform=excluded.platform, author_key=excluded.author_key,
  created_at=excluded.created_at, created_unix=excluded.created_unix,
  parent_id=excluded.parent_id, url=excluded.url, lang=excluded.lang, text=excluded.text,
  metadata=excluded.metadata, id_derived=excluded.id_derived
WHERE platform IS NOT excluded.platform OR author_key IS NOT excluded.author_key
  OR created_at IS NOT excluded.created_at OR created_unix IS NOT excluded.created_unix
  OR parent_id IS NOT excluded.parent_id OR url IS NOT excluded.url OR lang IS NOT excluded.lang
  OR text IS NOT excluded.text OR metadata IS NOT excluded.metadata
  OR id_derived IS NOT excluded.id_derived)sql"};
constexpr int kPostParams = 11;

constexpr RowsSql kUpsertDecisions{
    "INSERT INTO decisions(post_id, action, policy_version, record, decided_unix) VALUES ",
    "(?,?,?,?,strftime('%s','now'))", R"sql(
ON CONFLICT(post_id) DO UPDATE SET action=excluded.action,
  policy_version=excluded.policy_version, record=excluded.record,
  decided_unix=excluded.decided_unix)sql"};
constexpr int kDecisionParams = 4;

constexpr RowsSql kDeleteCategories{"DELETE FROM decision_categories WHERE post_id IN (", "?", ")"};

constexpr RowsSql kInsertCategories{
    "INSERT INTO decision_categories(post_id, category, score, flagged) VALUES ", "(?,?,?,?)", ""};
constexpr int kCategoryParams = 4;

std::string rows_sql(const RowsSql& sql, std::size_t rows) {
  std::string out(sql.head);
  out.reserve(sql.head.size() + rows * (sql.row.size() + 1) + sql.tail.size());
  for (std::size_t i = 0; i < rows; ++i) {
    if (i > 0) out += ',';
    out += sql.row;
  }
  out += sql.tail;
  return out;
}

// The statements of one RowsSql, by row count (index n: n rows), each prepared on first use.
using RowStatements = std::array<Statement, kRowsPerStatement + 1>;

class SqliteStore final : public Store {
 public:
  SqliteStore(sqlite_internal::Connection connection, std::string path)
      : connection_(std::move(connection)), db_(connection_.get()), path_(std::move(path)) {}

  Status init() {
    TINCAY_TRY(
        exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
             "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"));
    TINCAY_TRY(exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
    auto version = query_int("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    if (!version) return version.error();
    constexpr auto kLatest = static_cast<std::int64_t>(std::size(kMigrations));
    if (*version > kLatest) {
      return make_error(ErrorCode::kDatabase,
                        "database schema version " + std::to_string(*version) +
                            " is newer than this tincay supports (" + std::to_string(kLatest) +
                            "); upgrade tincay",
                        path_);
    }
    for (std::int64_t v = *version; v < kLatest; ++v) {
      TINCAY_TRY(exec("BEGIN IMMEDIATE"));
      Status s = exec(kMigrations[v]);
      if (s) s = exec("INSERT INTO schema_version(version) VALUES (" + std::to_string(v + 1) + ")");
      if (!s) {
        (void)exec("ROLLBACK");
        return s;
      }
      TINCAY_TRY(exec("COMMIT"));
    }
    TINCAY_TRY(prepare(post_exists_, "SELECT 1 FROM posts WHERE id = ?1"));
    return ok_status();
  }

  Status put_scans(const std::vector<StoredScan>& batch) override {
    TINCAY_TRY(exec("BEGIN IMMEDIATE"));
    new_trends_.clear();
    for (std::size_t begin = 0; begin < batch.size();) {
      const std::size_t end = chunk_end(batch, begin);
      if (Status s = put_chunk(batch, begin, end); !s) {
        (void)exec("ROLLBACK");
        return s;
      }
      begin = end;
    }
    TINCAY_TRY(exec("COMMIT"));
    // Only committed posts reach the rollup buffer.
    for (const TrendPost* t : new_trends_) trend_buffer_.add(*t);
    if (trend_buffer_.due()) return flush_trends();
    return ok_status();
  }

  Status checkpoint() override {
    if (sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) !=
        SQLITE_OK) {
      return db_error("checkpoint");
    }
    return ok_status();
  }

  Status flush_trends() override {
    if (trend_buffer_.empty()) return ok_status();
    return add_trend_cells(trend_buffer_.take());
  }
  Status add_trend_cells(std::vector<TrendCell> cells) override {
    TINCAY_TRY(exec("BEGIN IMMEDIATE"));
    if (Status s = merge_trend_cells(cells); !s) {
      (void)exec("ROLLBACK");
      return s;
    }
    return exec("COMMIT");
  }
  Status rebuild_trends(const TrendContributor& contribute, const TrendProgress& progress,
                        std::size_t page_size) override;
  Result<std::vector<TrendCell>> trend_cells(const TrendCellQuery& query) override;
  Status visit_trend_cells(const TrendCellQuery& query,
                           const std::function<Status(const TrendCell&)>& each) override;
  Result<std::vector<TrendCell>> trend_sums(const TrendCellQuery& query,
                                            const std::vector<TrendDim>& dims);

  Result<std::int64_t> count_posts() override { return query_int("SELECT COUNT(*) FROM posts"); }
  Result<std::int64_t> count_decisions() override {
    return query_int("SELECT COUNT(*) FROM decisions");
  }

  Status put_claims(const std::vector<Claim>& claims) override {
    Statement stmt;
    TINCAY_TRY(prepare(stmt, R"sql(
INSERT INTO claims(id, claim, verdict, fact_checker, source_url, published, lang, imported_unix)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, strftime('%s','now'))
ON CONFLICT(id) DO UPDATE SET claim=excluded.claim, verdict=excluded.verdict,
  fact_checker=excluded.fact_checker, source_url=excluded.source_url,
  published=excluded.published, lang=excluded.lang, imported_unix=excluded.imported_unix)sql"));
    TINCAY_TRY(exec("BEGIN IMMEDIATE"));
    for (const Claim& c : claims) {
      sqlite3_stmt* s = stmt.get();
      bind_text(s, 1, c.id);
      bind_text(s, 2, c.claim);
      bind_text(s, 3, verdict_name(c.verdict));
      bind_text(s, 4, c.fact_checker);
      bind_text(s, 5, c.source_url);
      bind_text(s, 6, c.published);
      bind_text(s, 7, c.lang);
      if (Status st = step(s, "store claim " + c.id); !st) {
        (void)exec("ROLLBACK");
        return st;
      }
    }
    return exec("COMMIT");
  }

  Result<std::vector<Claim>> list_claims() override {
    Statement stmt;
    TINCAY_TRY(prepare(stmt,
                       "SELECT id, claim, verdict, fact_checker, source_url, published, "
                       "lang FROM claims ORDER BY id"));
    std::vector<Claim> out;
    auto column = [&](int i) {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), i));
      return std::string(p != nullptr ? p : "",
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt.get(), i)));
    };
    for (;;) {
      const int rc = sqlite3_step(stmt.get());
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return db_error("list claims");
      Claim c;
      c.id = column(0);
      c.claim = column(1);
      c.verdict = parse_verdict(column(2)).value_or(ClaimVerdict::kUnproven);
      c.fact_checker = column(3);
      c.source_url = column(4);
      c.published = column(5);
      c.lang = column(6);
      out.push_back(std::move(c));
    }
    return out;
  }

  Result<bool> remove_claim(const std::string& id) override {
    Statement stmt;
    TINCAY_TRY(prepare(stmt, "DELETE FROM claims WHERE id = ?1"));
    bind_text(stmt.get(), 1, id);
    TINCAY_TRY(step(stmt.get(), "remove claim " + id));
    return sqlite3_changes(db_) > 0;
  }

 private:
  // Where the chunk of batch that starts at `begin` ends: at most kRowsPerStatement posts, and
  // before the second occurrence of a post id, so that a post stored twice in one batch is
  // written in order, as one statement per post would write it (the later one wins).
  std::size_t chunk_end(const std::vector<StoredScan>& batch, std::size_t begin) {
    chunk_posts_.clear();
    chunk_decisions_.clear();
    std::size_t end = begin;
    while (end < batch.size() && end - begin < kRowsPerStatement) {
      const StoredScan& next = batch[end];
      if (!chunk_posts_.insert(next.post->id).second ||
          !chunk_decisions_.insert(next.decision->post_id).second) {
        break;
      }
      ++end;
    }
    return end;
  }

  // Stores batch[begin, end) (distinct post ids): posts, decisions, then the decisions'
  // categories (the old ones deleted first), each with one statement per chunk.
  Status put_chunk(const std::vector<StoredScan>& batch, std::size_t begin, std::size_t end) {
    const std::size_t n = end - begin;
    const std::string_view first = batch[begin].post->id;
    for (std::size_t i = begin; i < end; ++i) {
      if (batch[i].trend != nullptr) TINCAY_TRY(note_new_trend(batch[i]));
    }
    sqlite3_stmt* s = nullptr;
    TINCAY_TRY(rows_statement(upsert_posts_, kUpsertPosts, n, s));
    for (std::size_t i = 0; i < n; ++i) {
      const Post& p = *batch[begin + i].post;
      const int at = static_cast<int>(i) * kPostParams;
      bind_view(s, at + 1, p.id);
      bind_view(s, at + 2, p.platform);
      bind_view(s, at + 3, p.author_key);
      bind_view(s, at + 4, p.created_at);
      if (p.created_unix) {
        sqlite3_bind_int64(s, at + 5, *p.created_unix);
      } else {
        sqlite3_bind_null(s, at + 5);
      }
      bind_view(s, at + 6, p.parent_id);
      bind_view(s, at + 7, p.url);
      bind_view(s, at + 8, p.lang);
      bind_view(s, at + 9, p.text);
      bind_view(s, at + 10, p.metadata_json);
      sqlite3_bind_int(s, at + 11, p.id_derived ? 1 : 0);
    }
    TINCAY_TRY(step(s, "store the posts from ", first));

    TINCAY_TRY(rows_statement(upsert_decisions_, kUpsertDecisions, n, s));
    for (std::size_t i = 0; i < n; ++i) {
      const StoredScan& scan = batch[begin + i];
      const int at = static_cast<int>(i) * kDecisionParams;
      bind_view(s, at + 1, scan.decision->post_id);
      bind_view(s, at + 2, action_name(scan.decision->action));
      bind_view(s, at + 3, scan.decision->policy_version);
      bind_view(s, at + 4, scan.decision_json);
    }
    TINCAY_TRY(step(s, "store the decisions from ", first));

    TINCAY_TRY(rows_statement(delete_categories_, kDeleteCategories, n, s));
    for (std::size_t i = 0; i < n; ++i) {
      bind_view(s, static_cast<int>(i) + 1, batch[begin + i].decision->post_id);
    }
    TINCAY_TRY(step(s, "store the categories from ", first));

    // The categories with a score, in post order, at most kRowsPerStatement rows a statement.
    std::size_t rows = 0;
    auto flush_rows = [&]() -> Status {
      if (rows == 0) return ok_status();
      sqlite3_stmt* c = nullptr;
      TINCAY_TRY(rows_statement(insert_categories_, kInsertCategories, rows, c));
      for (std::size_t r = 0; r < rows; ++r) {
        const CategoryRow& row = category_rows_[r];
        const int at = static_cast<int>(r) * kCategoryParams;
        bind_view(c, at + 1, row.post_id);
        bind_view(c, at + 2, category_name(row.category));
        sqlite3_bind_double(c, at + 3, row.score);
        sqlite3_bind_int(c, at + 4, row.score >= 0.5 ? 1 : 0);
      }
      rows = 0;
      return step(c, "store the categories from ", first);
    };
    for (std::size_t i = begin; i < end; ++i) {
      const Decision& d = *batch[i].decision;
      for (const Category c : kAllCategories) {
        if (d.score(c) <= 0.0) continue;
        category_rows_[rows++] = CategoryRow{d.post_id, c, d.score(c)};
        if (rows == kRowsPerStatement) TINCAY_TRY(flush_rows());
      }
    }
    return flush_rows();
  }

  // The statement of `sql` for `rows` rows (1 ... kRowsPerStatement), prepared on first use.
  Status rows_statement(RowStatements& cache, const RowsSql& sql, std::size_t rows,
                        sqlite3_stmt*& out) {
    Statement& stmt = cache[rows];
    if (stmt.get() == nullptr) {
      const std::string text = rows_sql(sql, rows);
      TINCAY_TRY(prepare(stmt, text.c_str()));
    }
    out = stmt.get();
    return ok_status();
  }

  static void bind_text(sqlite3_stmt* s, int index, std::string_view v) {
    // Explicit length: texts may contain NUL, which SQLite keeps when told the length.
    sqlite3_bind_text(s, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  // Without a copy: for values that outlive the statement's next step(), which clears the
  // bindings (SQLITE_STATIC: SQLite reads the caller's buffer until then).
  static void bind_view(sqlite3_stmt* s, int index, std::string_view v) {
    sqlite3_bind_text(s, index, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }

  Status step(sqlite3_stmt* s, const std::string& what) { return step(s, what, {}); }
  // The error message ("what" + subject) is only built when the step fails.
  Status step(sqlite3_stmt* s, std::string_view what, std::string_view subject) {
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return db_error(std::string(what).append(subject));
    return ok_status();
  }

  Status prepare(Statement& stmt, const char* sql) {
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt.handle(), nullptr) != SQLITE_OK) {
      return db_error("prepare statement");
    }
    return ok_status();
  }

  Status exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message != nullptr ? message : sqlite3_errmsg(db_);
      sqlite3_free(message);
      return make_error(ErrorCode::kDatabase, text, path_);
    }
    return ok_status();
  }

  Result<std::int64_t> query_int(const char* sql) {
    Statement stmt;
    TINCAY_TRY(prepare(stmt, sql));
    if (sqlite3_step(stmt.get()) != SQLITE_ROW) return db_error(sql);
    return static_cast<std::int64_t>(sqlite3_column_int64(stmt.get(), 0));
  }

  Error db_error(const std::string& what) const {
    return make_error(ErrorCode::kDatabase, what + ": " + sqlite3_errmsg(db_), path_);
  }

  // A post counts in the rollups only when it is new: storing it again must not count it twice.
  Status note_new_trend(const StoredScan& scan) {
    sqlite3_stmt* s = post_exists_.get();
    bind_view(s, 1, scan.post->id);
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc == SQLITE_DONE) {
      new_trends_.push_back(scan.trend);
    } else if (rc != SQLITE_ROW) {
      return db_error("store post " + scan.post->id);
    }
    return ok_status();
  }

  // Adds `cells` into trend_cells inside the caller's transaction.
  Status merge_trend_cells(std::vector<TrendCell>& cells);

  // The connection may be shared with a ServiceStore (open_sqlite_shared_stores); its last owner
  // closes it with sqlite3_close_v2, which waits for the member statements to be finalized.
  sqlite_internal::Connection connection_;
  sqlite3* db_;
  std::string path_;
  PendingTrends trend_buffer_;
  std::vector<const TrendPost*> new_trends_;
  Statement post_exists_;
  RowStatements upsert_posts_;
  RowStatements upsert_decisions_;
  RowStatements delete_categories_;
  RowStatements insert_categories_;
  struct CategoryRow {
    std::string_view post_id;
    Category category;
    double score;
  };
  std::array<CategoryRow, kRowsPerStatement> category_rows_;
  std::unordered_set<std::string_view> chunk_posts_;      // post ids of the chunk being cut
  std::unordered_set<std::string_view> chunk_decisions_;  // and its decisions' post ids
};

Status SqliteStore::merge_trend_cells(std::vector<TrendCell>& cells) {
  Statement read;
  Statement write;
  TINCAY_TRY(prepare(read,
                     "SELECT posts, authors FROM trend_cells "
                     "WHERE level = ?1 AND dim = ?2 AND bucket = ?3 AND key = ?4"));
  TINCAY_TRY(prepare(write,
                     "INSERT OR REPLACE INTO trend_cells(level, dim, bucket, key, posts, "
                     "authors_lower, authors) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  auto fail = [](Error e) { return e; };
  // (level, dim, bucket) groups with a cap that this flush grew; pruned below.
  std::vector<std::tuple<int, int, std::int64_t>> grown;
  for (TrendCell& c : cells) {
    const int level = static_cast<int>(c.level);
    const int dim = static_cast<int>(c.dim);
    sqlite3_stmt* r = read.get();
    sqlite3_bind_int(r, 1, level);
    sqlite3_bind_int(r, 2, dim);
    sqlite3_bind_int64(r, 3, c.bucket);
    bind_text(r, 4, c.key);
    const int rc = sqlite3_step(r);
    if (rc == SQLITE_ROW) {
      c.posts += sqlite3_column_int64(r, 0);
      const auto* blob = static_cast<const char*>(sqlite3_column_blob(r, 1));
      auto stored = AuthorSketch::parse(std::string_view(
          blob != nullptr ? blob : "", static_cast<std::size_t>(sqlite3_column_bytes(r, 1))));
      sqlite3_reset(r);
      if (!stored) return fail(make_error(ErrorCode::kDatabase, stored.error().message, path_));
      c.authors.merge(*stored);
    } else {
      sqlite3_reset(r);
      if (rc != SQLITE_DONE) return fail(db_error("read trend cell"));
      if (trend_cell_cap(c.level, c.dim) != 0) grown.emplace_back(level, dim, c.bucket);
    }
    sqlite3_clear_bindings(r);
    sqlite3_stmt* w = write.get();
    sqlite3_bind_int(w, 1, level);
    sqlite3_bind_int(w, 2, dim);
    sqlite3_bind_int64(w, 3, c.bucket);
    bind_text(w, 4, c.key);
    sqlite3_bind_int64(w, 5, c.posts);
    sqlite3_bind_int64(w, 6, static_cast<std::int64_t>(c.authors.lower_bound()));
    const std::string blob = c.authors.serialize();
    sqlite3_bind_blob(w, 7, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    if (Status st = step(w, "write trend cell"); !st) return fail(st.error());
  }
  // Keep only the `cap` biggest cells of each grown group (ties by key, so pruning is
  // deterministic).
  std::sort(grown.begin(), grown.end());
  grown.erase(std::unique(grown.begin(), grown.end()), grown.end());
  Statement prune;
  TINCAY_TRY(prepare(prune, R"sql(
DELETE FROM trend_cells WHERE level = ?1 AND dim = ?2 AND bucket = ?3 AND key NOT IN (
  SELECT key FROM trend_cells WHERE level = ?1 AND dim = ?2 AND bucket = ?3
  ORDER BY posts DESC, key LIMIT ?4))sql"));
  Statement count;
  TINCAY_TRY(prepare(count,
                     "SELECT COUNT(*) FROM trend_cells WHERE level = ?1 AND dim = ?2 AND "
                     "bucket = ?3"));
  for (const auto& [level, dim, bucket] : grown) {
    const std::size_t cap =
        trend_cell_cap(static_cast<TrendLevel>(level), static_cast<TrendDim>(dim));
    sqlite3_stmt* q = count.get();
    sqlite3_bind_int(q, 1, level);
    sqlite3_bind_int(q, 2, dim);
    sqlite3_bind_int64(q, 3, bucket);
    const int rc = sqlite3_step(q);
    const std::int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (rc != SQLITE_ROW) return fail(db_error("count trend cells"));
    if (static_cast<std::size_t>(n) <= cap) continue;
    sqlite3_stmt* d = prune.get();
    sqlite3_bind_int(d, 1, level);
    sqlite3_bind_int(d, 2, dim);
    sqlite3_bind_int64(d, 3, bucket);
    sqlite3_bind_int64(d, 4, static_cast<std::int64_t>(cap));
    if (Status st = step(d, "prune trend cells"); !st) return fail(st.error());
  }
  return ok_status();
}

Status SqliteStore::rebuild_trends(const TrendContributor& contribute,
                                   const TrendProgress& progress, std::size_t page_size) {
  // Posts this connection stored but had not flushed are among the posts read below.
  (void)trend_buffer_.take();
  Statement page;
  // Flagged categories come from decision_categories (flagged = score >= 0.5, exactly the
  // decision's statement categories).
  TINCAY_TRY(prepare(page, R"sql(
SELECT p.id, p.platform, p.author_key, p.created_at, p.created_unix, p.text, p.ingested_unix,
       (SELECT group_concat(c.category, ',') FROM decision_categories c
        WHERE c.post_id = p.id AND c.flagged = 1)
FROM posts p WHERE p.id > ?1 ORDER BY p.id LIMIT ?2)sql"));
  // One write transaction: readers keep seeing the old cells until COMMIT, and other writers
  // wait (or time out) instead of interleaving their flushes.
  TINCAY_TRY(exec("BEGIN IMMEDIATE"));
  auto fail = [&](Error e) {
    (void)exec("ROLLBACK");
    return e;
  };
  if (Status s = exec("DELETE FROM trend_cells"); !s) return fail(s.error());
  auto total = query_int("SELECT COUNT(*) FROM posts");
  if (!total) return fail(total.error());
  PendingTrends buffer;
  std::vector<TrendSource> sources;
  std::vector<TrendPost> trends;
  std::string after;
  std::int64_t done = 0;
  auto column = [](sqlite3_stmt* s, int i) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
    return std::string(p != nullptr ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
  };
  for (;;) {
    sources.clear();
    sqlite3_stmt* s = page.get();
    bind_text(s, 1, after);
    sqlite3_bind_int64(s, 2, static_cast<std::int64_t>(page_size == 0 ? 2048 : page_size));
    for (;;) {
      const int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        sqlite3_reset(s);
        return fail(db_error("read posts for the rollups"));
      }
      TrendSource src;
      src.post.id = column(s, 0);
      src.post.platform = column(s, 1);
      src.post.author_key = column(s, 2);
      src.post.created_at = column(s, 3);
      if (sqlite3_column_type(s, 4) != SQLITE_NULL) {
        src.post.created_unix = sqlite3_column_int64(s, 4);
      }
      src.post.text = column(s, 5);
      src.ingested_unix = sqlite3_column_int64(s, 6);
      src.flagged = parse_category_list(column(s, 7));
      sources.push_back(std::move(src));
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (sources.empty()) break;
    after = sources.back().post.id;
    if (Status st = add_rebuild_page(
            sources, contribute, trends, buffer,
            [this](std::vector<TrendCell>& cells) { return merge_trend_cells(cells); });
        !st) {
      return fail(st.error());
    }
    done += static_cast<std::int64_t>(sources.size());
    if (progress) progress(done, *total);
  }
  std::vector<TrendCell> cells = buffer.take();
  if (Status st = merge_trend_cells(cells); !st) return fail(st.error());
  if (Status st = exec("COMMIT"); !st) return fail(st.error());
  if (progress && done == 0) progress(0, 0);
  return ok_status();
}

Result<std::vector<TrendCell>> SqliteStore::trend_sums(const TrendCellQuery& query,
                                                       const std::vector<TrendDim>& dims) {
  Statement by_range;
  Statement by_key;
  TINCAY_TRY(prepare(by_range,
                     "SELECT key, SUM(posts) AS n, MAX(authors_lower) FROM trend_cells "
                     "WHERE level = ?1 AND dim = ?2 AND bucket >= ?3 AND bucket < ?4 "
                     "GROUP BY key ORDER BY n DESC, key LIMIT ?5"));
  TINCAY_TRY(prepare(by_key,
                     "SELECT key, SUM(posts), MAX(authors_lower) FROM trend_cells "
                     "INDEXED BY trend_cells_key WHERE level = ?1 AND dim = ?2 AND key = ?5 "
                     "AND bucket >= ?3 AND bucket < ?4"));
  std::vector<TrendCell> out;
  for (const TrendDim dim : dims) {
    auto collect = [&](sqlite3_stmt* s) -> Status {
      for (;;) {
        const int rc = sqlite3_step(s);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) {
          sqlite3_reset(s);
          return db_error("read trend sums");
        }
        if (sqlite3_column_type(s, 0) == SQLITE_NULL) continue;  // SUM over no rows
        TrendCell c;
        c.level = query.level;
        c.dim = dim;
        c.bucket = query.from;
        const auto* k = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
        c.key.assign(k != nullptr ? k : "", static_cast<std::size_t>(sqlite3_column_bytes(s, 0)));
        c.posts = sqlite3_column_int64(s, 1);
        c.authors_lower = sqlite3_column_int64(s, 2);
        out.push_back(std::move(c));
      }
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
      return ok_status();
    };
    auto bind_common = [&](sqlite3_stmt* s) {
      sqlite3_bind_int(s, 1, static_cast<int>(query.level));
      sqlite3_bind_int(s, 2, static_cast<int>(dim));
      sqlite3_bind_int64(s, 3, query.from);
      sqlite3_bind_int64(s, 4, query.to);
    };
    if (query.keys.empty()) {
      bind_common(by_range.get());
      sqlite3_bind_int64(by_range.get(), 5,
                         query.limit == 0 ? -1 : static_cast<std::int64_t>(query.limit));
      TINCAY_TRY(collect(by_range.get()));
      continue;
    }
    const std::size_t first = out.size();
    for (const std::string& key : query.keys) {
      bind_common(by_key.get());
      bind_text(by_key.get(), 5, key);
      TINCAY_TRY(collect(by_key.get()));
    }
    std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                     [](const TrendCell& a, const TrendCell& b) { return a.posts > b.posts; });
    if (query.limit != 0 && out.size() - first > query.limit) out.resize(first + query.limit);
  }
  return out;
}

Result<std::vector<TrendCell>> SqliteStore::trend_cells(const TrendCellQuery& query) {
  std::vector<TrendCell> out;
  TINCAY_TRY(visit_trend_cells(query, [&](const TrendCell& c) {
    out.push_back(c);
    return ok_status();
  }));
  return out;
}

Status SqliteStore::visit_trend_cells(const TrendCellQuery& query,
                                      const std::function<Status(const TrendCell&)>& each) {
  TINCAY_TRY(flush_trends());  // this connection's own writes are visible to its reads
  std::vector<TrendDim> dims = query.dims;
  if (dims.empty()) {
    for (std::size_t d = 0; d < kTrendDimCount; ++d) dims.push_back(static_cast<TrendDim>(d));
  }
  const std::string columns = query.with_authors ? "bucket, key, posts, authors_lower, authors"
                                                 : "bucket, key, posts, authors_lower";
  if (query.sum_over_buckets) {
    auto sums = trend_sums(query, dims);
    if (!sums) return sums.error();
    for (const TrendCell& c : *sums) TINCAY_TRY(each(c));
    return ok_status();
  }
  Statement by_range;
  Statement by_key;
  TINCAY_TRY(prepare(by_range, ("SELECT " + columns +
                                " FROM trend_cells WHERE level = ?1 AND dim = ?2 AND bucket >= ?3 "
                                "AND bucket < ?4 ORDER BY bucket, key")
                                   .c_str()));
  // Without INDEXED BY, SQLite picks the primary key and scans every key of the range.
  TINCAY_TRY(prepare(by_key, ("SELECT " + columns +
                              " FROM trend_cells INDEXED BY trend_cells_key WHERE level = ?1 AND "
                              "dim = ?2 AND key = ?5 AND bucket >= ?3 AND bucket < ?4 "
                              "ORDER BY bucket")
                                 .c_str()));
  // One cell reused for every row: no allocation per row once its key has grown.
  TrendCell c;
  auto run = [&](sqlite3_stmt* s, TrendDim dim) -> Status {
    for (;;) {
      const int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        sqlite3_reset(s);
        return db_error("read trend cells");
      }
      c.level = query.level;
      c.dim = dim;
      c.bucket = sqlite3_column_int64(s, 0);
      const auto* k = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
      c.key.assign(k != nullptr ? k : "", static_cast<std::size_t>(sqlite3_column_bytes(s, 1)));
      c.posts = sqlite3_column_int64(s, 2);
      c.authors_lower = sqlite3_column_int64(s, 3);
      if (query.with_authors) {
        const auto* blob = static_cast<const char*>(sqlite3_column_blob(s, 4));
        auto sketch = AuthorSketch::parse(std::string_view(
            blob != nullptr ? blob : "", static_cast<std::size_t>(sqlite3_column_bytes(s, 4))));
        if (!sketch) {
          sqlite3_reset(s);
          return make_error(ErrorCode::kDatabase, sketch.error().message, path_);
        }
        c.authors = std::move(*sketch);
      }
      if (Status st = each(c); !st) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        return st;
      }
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return ok_status();
  };
  for (const TrendDim dim : dims) {
    auto bind_common = [&](sqlite3_stmt* s) {
      sqlite3_bind_int(s, 1, static_cast<int>(query.level));
      sqlite3_bind_int(s, 2, static_cast<int>(dim));
      sqlite3_bind_int64(s, 3, query.from);
      sqlite3_bind_int64(s, 4, query.to);
    };
    if (query.keys.empty()) {
      bind_common(by_range.get());
      TINCAY_TRY(run(by_range.get(), dim));
      continue;
    }
    for (const std::string& key : query.keys) {
      bind_common(by_key.get());
      bind_text(by_key.get(), 5, key);
      TINCAY_TRY(run(by_key.get(), dim));
    }
  }
  return ok_status();
}

}  // namespace

namespace sqlite_internal {

Result<Connection> open_connection(const std::string& path, bool create) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  Connection connection(db, [](sqlite3* d) { sqlite3_close_v2(d); });
  if (rc != SQLITE_OK) {
    return make_error(ErrorCode::kDatabase,
                      "cannot open database: " +
                          std::string(db != nullptr ? sqlite3_errmsg(db) : "out of memory"),
                      path);
  }
  return connection;
}

Result<std::unique_ptr<Store>> open_store_on(Connection db, const std::string& path) {
  auto store = std::make_unique<SqliteStore>(std::move(db), path);
  TINCAY_TRY(store->init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace sqlite_internal

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path) {
  auto db = sqlite_internal::open_connection(path, true);
  if (!db) return db.error();
  return sqlite_internal::open_store_on(std::move(db).value(), path);
}

}  // namespace tincay
