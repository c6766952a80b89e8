// The PostgreSQL store: the same Store contract as SQLite (idempotent upserts keyed by post id,
// all or nothing per batch), for many writers on many machines. A batch is sent as one JSON
// document per table and expanded by jsonb_to_recordset, so a batch of any size costs a fixed
// handful of round trips.
#include <cstdio>
#include <map>
#include <string>

#include "tincay/core/json_writer.h"
#include "tincay/store.h"

#include "src/store/pg_connection.h"
#include "src/store/postgres_schema.h"

namespace tincay {
namespace {

// Serializes schema migrations across processes that start at the same moment (N workers).
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7402913545)";

void append_double(std::string& out, double v) {
  char buf[40];
  const int n = std::snprintf(buf, sizeof buf, "%.17g", v);
  out.append(buf, static_cast<std::size_t>(n));
}

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(std::unique_ptr<pg::Connection> conn) : conn_(std::move(conn)) {}

  Status init() { return pg::migrate(*conn_); }

  Status put_scans(const std::vector<StoredScan>& batch) override {
    if (batch.empty()) return ok_status();
    // ON CONFLICT DO UPDATE may touch a row once per statement: the last copy of an id wins,
    // as it would with one upsert after another.
    std::map<std::string_view, std::size_t> last;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const Post& p = *batch[i].post;
      // PostgreSQL text cannot hold NUL (SQLite can): say so instead of a jsonb error.
      if (p.text.find('\0') != std::string::npos) {
        return make_error(
            ErrorCode::kInvalidInput,
            "post '" + p.id + "': text contains a NUL character, which PostgreSQL cannot store",
            conn_->where());
      }
      last[p.id] = i;
    }
    std::string posts = "[", decisions = "[", categories = "[";
    bool first_category = true;
    bool first = true;
    for (const auto& [id, index] : last) {
      const Post& p = *batch[index].post;
      const Decision& d = *batch[index].decision;
      if (!first) {
        posts += ',';
        decisions += ',';
      }
      first = false;
      JsonWriter w(posts);
      w.begin_object();
      w.key("id").string(p.id);
      w.key("platform").string(p.platform);
      w.key("author_key").string(p.author_key);
      w.key("created_at").string(p.created_at);
      w.key("created_unix");
      if (p.created_unix) {
        w.number(*p.created_unix);
      } else {
        w.null();
      }
      w.key("parent_id").string(p.parent_id);
      w.key("url").string(p.url);
      w.key("lang").string(p.lang);
      w.key("text").string(p.text);
      w.key("metadata").string(p.metadata_json.empty() ? "{}" : p.metadata_json);
      w.key("id_derived").number(p.id_derived ? 1 : 0);
      w.end_object();
      JsonWriter dw(decisions);
      dw.begin_object();
      dw.key("post_id").string(p.id);
      dw.key("action").string(action_name(d.action));
      dw.key("policy_version").string(d.policy_version);
      dw.key("record").string(batch[index].decision_json);
      dw.end_object();
      for (const Category c : kAllCategories) {
        if (d.score(c) <= 0.0) continue;
        if (!first_category) categories += ',';
        first_category = false;
        categories += "{\"post_id\":";
        append_json_string(categories, p.id);
        categories += ",\"category\":\"";
        categories += category_name(c);
        categories += "\",\"score\":";
        append_double(categories, d.score(c));
        categories += ",\"flagged\":";
        categories += d.score(c) >= 0.5 ? '1' : '0';
        categories += '}';
      }
    }
    posts += ']';
    decisions += ']';
    categories += ']';

    TINCAY_TRY(conn_->exec("BEGIN"));
    Status s = write_batch(posts, decisions, categories);
    if (s) {
      auto committed = conn_->exec("COMMIT");
      if (committed) return ok_status();
      s = committed.error();
    }
    conn_->rollback();
    return s;
  }

  Result<std::int64_t> count_posts() override { return count("SELECT COUNT(*) FROM posts"); }
  Result<std::int64_t> count_decisions() override {
    return count("SELECT COUNT(*) FROM decisions");
  }

  Status put_claims(const std::vector<Claim>& claims) override {
    std::string doc = "[";
    for (std::size_t i = 0; i < claims.size(); ++i) {
      if (i > 0) doc += ',';
      const Claim& c = claims[i];
      JsonWriter w(doc);
      w.begin_object();
      w.key("id").string(c.id);
      w.key("claim").string(c.claim);
      w.key("verdict").string(verdict_name(c.verdict));
      w.key("fact_checker").string(c.fact_checker);
      w.key("source_url").string(c.source_url);
      w.key("published").string(c.published);
      w.key("lang").string(c.lang);
      w.end_object();
    }
    doc += ']';
    // One statement: all or nothing. Duplicate ids in one import keep the last.
    auto r = conn_->exec(R"sql(
INSERT INTO claims(id, claim, verdict, fact_checker, source_url, published, lang, imported_unix)
SELECT DISTINCT ON (id) id, claim, verdict, fact_checker, source_url, published, lang,
       EXTRACT(EPOCH FROM now())::BIGINT
FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (id TEXT, claim TEXT, verdict TEXT,
  fact_checker TEXT, source_url TEXT, published TEXT, lang TEXT)) WITH ORDINALITY
  AS x(id, claim, verdict, fact_checker, source_url, published, lang, n)
ORDER BY id, n DESC
ON CONFLICT (id) DO UPDATE SET claim=excluded.claim, verdict=excluded.verdict,
  fact_checker=excluded.fact_checker, source_url=excluded.source_url,
  published=excluded.published, lang=excluded.lang, imported_unix=excluded.imported_unix)sql",
                         {doc});
    if (!r) return r.error();
    return ok_status();
  }

  Result<std::vector<Claim>> list_claims() override {
    auto rows = conn_->exec(
        "SELECT id, claim, verdict, fact_checker, source_url, published, lang FROM claims "
        "ORDER BY id COLLATE \"C\"");
    if (!rows) return rows.error();
    std::vector<Claim> out;
    for (int i = 0; i < rows->size(); ++i) {
      Claim c;
      c.id = rows->text(i, 0);
      c.claim = rows->text(i, 1);
      c.verdict = parse_verdict(rows->text(i, 2)).value_or(ClaimVerdict::kUnproven);
      c.fact_checker = rows->text(i, 3);
      c.source_url = rows->text(i, 4);
      c.published = rows->text(i, 5);
      c.lang = rows->text(i, 6);
      out.push_back(std::move(c));
    }
    return out;
  }

  Result<bool> remove_claim(const std::string& id) override {
    auto r = conn_->exec("DELETE FROM claims WHERE id = $1", {id});
    if (!r) return r.error();
    return r->affected() > 0;
  }

 private:
  Status write_batch(const std::string& posts, const std::string& decisions,
                     const std::string& categories) {
    auto r = conn_->exec(R"sql(
INSERT INTO posts(id, platform, author_key, created_at, created_unix, parent_id, url, lang, text,
                  metadata, id_derived, ingested_unix)
SELECT id, platform, author_key, created_at, created_unix, parent_id, url, lang, text, metadata,
       id_derived, EXTRACT(EPOCH FROM now())::BIGINT
FROM jsonb_to_recordset($1::jsonb) AS x(id TEXT, platform TEXT, author_key TEXT, created_at TEXT,
  created_unix BIGINT, parent_id TEXT, url TEXT, lang TEXT, text TEXT, metadata TEXT,
  id_derived BIGINT)
ON CONFLICT (id) DO UPDATE SET platform=excluded.platform, author_key=excluded.author_key,
  created_at=excluded.created_at, created_unix=excluded.created_unix,
  parent_id=excluded.parent_id, url=excluded.url, lang=excluded.lang, text=excluded.text,
  metadata=excluded.metadata, id_derived=excluded.id_derived)sql",
                         {posts});
    if (!r) return r.error();
    r = conn_->exec(R"sql(
INSERT INTO decisions(post_id, action, policy_version, record, decided_unix)
SELECT post_id, action, policy_version, record, EXTRACT(EPOCH FROM now())::BIGINT
FROM jsonb_to_recordset($1::jsonb)
  AS x(post_id TEXT, action TEXT, policy_version TEXT, record TEXT)
ON CONFLICT (post_id) DO UPDATE SET action=excluded.action,
  policy_version=excluded.policy_version, record=excluded.record,
  decided_unix=excluded.decided_unix)sql",
                    {decisions});
    if (!r) return r.error();
    r = conn_->exec(
        "DELETE FROM decision_categories WHERE post_id IN "
        "(SELECT post_id FROM jsonb_to_recordset($1::jsonb) AS x(post_id TEXT))",
        {decisions});
    if (!r) return r.error();
    r = conn_->exec(R"sql(
INSERT INTO decision_categories(post_id, category, score, flagged)
SELECT post_id, category, score, flagged FROM jsonb_to_recordset($1::jsonb)
  AS x(post_id TEXT, category TEXT, score DOUBLE PRECISION, flagged BIGINT))sql",
                    {categories});
    if (!r) return r.error();
    return ok_status();
  }

  Result<std::int64_t> count(const char* sql) {
    auto rows = conn_->exec(sql);
    if (!rows) return rows.error();
    return rows->integer(0, 0);
  }

  std::unique_ptr<pg::Connection> conn_;
};

}  // namespace

namespace pg {

Status migrate(Connection& conn) {
  TINCAY_TRY(conn.exec("BEGIN"));
  auto fail = [&conn](const Error& e) {
    conn.rollback();
    return Status(e);
  };
  if (auto r = conn.exec(kMigrationLock); !r) return fail(r.error());
  if (auto r = conn.exec("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)");
      !r) {
    return fail(r.error());
  }
  auto version = conn.exec("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!version) return fail(version.error());
  const std::int64_t current = version->integer(0, 0);
  const auto latest = static_cast<std::int64_t>(kMigrationCount);
  if (current > latest) {
    return fail(make_error(ErrorCode::kDatabase,
                           "database schema version " + std::to_string(current) +
                               " is newer than this tincay supports (" + std::to_string(latest) +
                               "); upgrade tincay",
                           conn.where()));
  }
  for (std::int64_t v = current; v < latest; ++v) {
    if (Status s = conn.exec_script(kMigrations[v]); !s) return fail(s.error());
    if (auto r =
            conn.exec("INSERT INTO schema_version(version) VALUES ($1)", {std::to_string(v + 1)});
        !r) {
      return fail(r.error());
    }
  }
  if (auto r = conn.exec("COMMIT"); !r) return fail(r.error());
  return ok_status();
}

}  // namespace pg

Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url) {
  auto conn = pg::Connection::open(url);
  if (!conn) return conn.error();
  auto store = std::make_unique<PostgresStore>(std::move(conn).value());
  TINCAY_TRY(store->init());
  return std::unique_ptr<Store>(std::move(store));
}

bool is_postgres_location(std::string_view location) { return pg::is_url(location); }

Result<std::unique_ptr<Store>> open_store(const std::string& location) {
  if (is_postgres_location(location)) return open_postgres_store(location);
  if (location.rfind("sqlite://", 0) == 0) return open_sqlite_store(location.substr(9));
  return open_sqlite_store(location);
}

}  // namespace tincay
