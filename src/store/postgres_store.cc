// The PostgreSQL store: the same Store contract as SQLite (idempotent upserts keyed by post id,
// all or nothing per batch), for many writers on many machines. A batch is sent as one JSON
// document per table and expanded by jsonb_to_recordset, so a batch of any size costs a fixed
// handful of round trips.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tincay/core/json_writer.h"
#include "tincay/store.h"

#include "src/store/pg_connection.h"
#include "src/store/postgres_schema.h"
#include "src/store/trend_buffer.h"

namespace tincay {
namespace {

// Serializes schema migrations across processes that start at the same moment (N workers).
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7402913545)";
// Serializes writes into trend_cells across processes: merging a cell is read, add in C++
// (author sketches), write; two writers merging the same cell at once would lose one's counts.
constexpr const char* kTrendLockKey = "7402913546";

// Cells per statement when merging: bounds the JSON document of one statement.
constexpr std::size_t kTrendChunk = 5000;

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::string from_hex(std::string_view hex) {
  auto nibble = [](char c) {
    return c >= 'a' ? c - 'a' + 10 : (c >= 'A' ? c - 'A' + 10 : c - '0');
  };
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>((nibble(hex[2 * i]) << 4) | nibble(hex[2 * i + 1]));
  }
  return out;
}

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
    std::unordered_set<std::string> inserted;
    Status s = write_batch(posts, decisions, categories, inserted);
    if (s) {
      auto committed = conn_->exec("COMMIT");
      if (committed) {
        // Only posts this transaction inserted count in the rollups: a redelivered post was
        // already counted by whoever inserted it.
        for (const auto& [id, index] : last) {
          if (batch[index].trend != nullptr && inserted.count(std::string(id)) != 0) {
            pending_.add(*batch[index].trend);
          }
        }
        // The posts are committed whatever happens to the rollups: a failed flush keeps its
        // cells for the next one rather than failing (and so repeating) the batch.
        if (pending_.due()) (void)flush_trends();
        return ok_status();
      }
      s = committed.error();
    }
    conn_->rollback();
    return s;
  }

  Status flush_trends() override {
    if (pending_.empty() && unflushed_.empty()) return ok_status();
    std::vector<TrendCell> cells = pending_.take();
    if (!unflushed_.empty()) {
      cells.insert(cells.end(), std::make_move_iterator(unflushed_.begin()),
                   std::make_move_iterator(unflushed_.end()));
      unflushed_.clear();
    }
    std::vector<TrendCell> copy = cells;
    Status s = add_trend_cells(std::move(cells));
    if (!s) unflushed_ = std::move(copy);
    return s;
  }

  Status add_trend_cells(std::vector<TrendCell> cells) override {
    TINCAY_TRY(conn_->exec("BEGIN"));
    Status s = ok_status();
    if (auto r = conn_->exec(
            (std::string("SELECT pg_advisory_xact_lock(") + kTrendLockKey + ")").c_str());
        !r) {
      s = r.error();
    }
    if (s) s = merge_cells(cells);
    if (s) {
      auto committed = conn_->exec("COMMIT");
      if (committed) return ok_status();
      s = committed.error();
    }
    conn_->rollback();
    return s;
  }

  Result<std::vector<TrendCell>> trend_cells(const TrendCellQuery& query) override;
  Status rebuild_trends(const TrendContributor& contribute, const TrendProgress& progress,
                        std::size_t page_size) override;

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
                     const std::string& categories, std::unordered_set<std::string>& inserted) {
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
  metadata=excluded.metadata, id_derived=excluded.id_derived
RETURNING id, (xmax = 0))sql",
                         {posts});
    if (!r) return r.error();
    // xmax = 0: the row was inserted by this statement, not updated (the usual PostgreSQL test;
    // an updated row carries this transaction's id as xmax).
    for (int i = 0; i < r->size(); ++i) {
      if (r->text(i, 1) == "t") inserted.insert(r->text(i, 0));
    }
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

  Status merge_cells(std::vector<TrendCell>& cells);
  Result<std::vector<TrendCell>> trend_sums(const TrendCellQuery& query,
                                            const std::vector<TrendDim>& dims);

  std::unique_ptr<pg::Connection> conn_;
  PendingTrends pending_;
  std::vector<TrendCell> unflushed_;  // cells of a failed flush, merged by the next one
};

// Adds `cells` into trend_cells inside the caller's transaction (which holds the trend lock).
Status PostgresStore::merge_cells(std::vector<TrendCell>& cells) {
  // One row per cell: ON CONFLICT may touch a row once per statement.
  {
    std::unordered_map<std::string, std::size_t> seen;
    std::vector<TrendCell> unique;
    unique.reserve(cells.size());
    std::string id;
    for (TrendCell& c : cells) {
      id.assign(1, static_cast<char>(c.level));
      id += static_cast<char>(c.dim);
      id += std::to_string(c.bucket);
      id += '\n';
      id += c.key;
      auto [it, added] = seen.emplace(id, unique.size());
      if (added) {
        unique.push_back(std::move(c));
      } else {
        unique[it->second].posts += c.posts;
        unique[it->second].authors.merge(c.authors);
      }
    }
    cells = std::move(unique);
  }
  std::set<std::tuple<int, int, std::int64_t>> grown;
  for (std::size_t from = 0; from < cells.size(); from += kTrendChunk) {
    const std::size_t to = std::min(cells.size(), from + kTrendChunk);
    std::string wanted = "[";
    for (std::size_t i = from; i < to; ++i) {
      const TrendCell& c = cells[i];
      if (i > from) wanted += ',';
      JsonWriter w(wanted);
      w.begin_object();
      w.key("n").number(static_cast<std::int64_t>(i));
      w.key("l").number(static_cast<std::int64_t>(c.level));
      w.key("d").number(static_cast<std::int64_t>(c.dim));
      w.key("b").number(c.bucket);
      w.key("k").string(c.key);
      w.end_object();
    }
    wanted += ']';
    auto existing = conn_->exec(R"sql(
SELECT x.n, c.posts, encode(c.authors, 'hex')
FROM jsonb_to_recordset($1::jsonb) AS x(n BIGINT, l BIGINT, d BIGINT, b BIGINT, k TEXT)
JOIN trend_cells c ON c.level = x.l AND c.dim = x.d AND c.bucket = x.b AND c.key = x.k)sql",
                                {wanted});
    if (!existing) return existing.error();
    std::vector<bool> found(to - from, false);
    for (int r = 0; r < existing->size(); ++r) {
      const auto i = static_cast<std::size_t>(existing->integer(r, 0));
      if (i < from || i >= to) continue;
      found[i - from] = true;
      cells[i].posts += existing->integer(r, 1);
      auto stored = AuthorSketch::parse(from_hex(existing->text(r, 2)));
      if (!stored) {
        return make_error(ErrorCode::kDatabase, "trend cell: " + stored.error().message,
                          conn_->where());
      }
      cells[i].authors.merge(*stored);
    }
    std::string rows = "[";
    for (std::size_t i = from; i < to; ++i) {
      const TrendCell& c = cells[i];
      if (!found[i - from] && trend_cell_cap(c.level, c.dim) != 0) {
        grown.emplace(static_cast<int>(c.level), static_cast<int>(c.dim), c.bucket);
      }
      if (i > from) rows += ',';
      JsonWriter w(rows);
      w.begin_object();
      w.key("l").number(static_cast<std::int64_t>(c.level));
      w.key("d").number(static_cast<std::int64_t>(c.dim));
      w.key("b").number(c.bucket);
      w.key("k").string(c.key);
      w.key("p").number(c.posts);
      w.key("a").number(static_cast<std::int64_t>(c.authors.lower_bound()));
      w.key("s").string(to_hex(c.authors.serialize()));
      w.end_object();
    }
    rows += ']';
    auto written = conn_->exec(R"sql(
INSERT INTO trend_cells(level, dim, bucket, key, posts, authors_lower, authors)
SELECT l, d, b, k, p, a, decode(s, 'hex')
FROM jsonb_to_recordset($1::jsonb) AS x(l BIGINT, d BIGINT, b BIGINT, k TEXT, p BIGINT, a BIGINT,
                                        s TEXT)
ON CONFLICT (level, dim, bucket, key) DO UPDATE SET posts = excluded.posts,
  authors_lower = excluded.authors_lower, authors = excluded.authors)sql",
                               {rows});
    if (!written) return written.error();
  }
  if (grown.empty()) return ok_status();
  // Keep only the `cap` biggest cells of each grown group, ties by key (bytewise), as SQLite.
  std::string groups = "[";
  bool first = true;
  for (const auto& [level, dim, bucket] : grown) {
    if (!first) groups += ',';
    first = false;
    const std::size_t cap =
        trend_cell_cap(static_cast<TrendLevel>(level), static_cast<TrendDim>(dim));
    groups += "{\"l\":" + std::to_string(level) + ",\"d\":" + std::to_string(dim) +
              ",\"b\":" + std::to_string(bucket) + ",\"cap\":" + std::to_string(cap) + "}";
  }
  groups += ']';
  auto pruned = conn_->exec(R"sql(
DELETE FROM trend_cells t USING (
  SELECT c.level, c.dim, c.bucket, c.key, g.cap,
         row_number() OVER (PARTITION BY c.level, c.dim, c.bucket ORDER BY c.posts DESC, c.key)
           AS rank
  FROM jsonb_to_recordset($1::jsonb) AS g(l BIGINT, d BIGINT, b BIGINT, cap BIGINT)
  JOIN trend_cells c ON c.level = g.l AND c.dim = g.d AND c.bucket = g.b) r
WHERE r.rank > r.cap AND t.level = r.level AND t.dim = r.dim AND t.bucket = r.bucket
  AND t.key = r.key)sql",
                            {groups});
  if (!pruned) return pruned.error();
  return ok_status();
}

Result<std::vector<TrendCell>> PostgresStore::trend_sums(const TrendCellQuery& query,
                                                         const std::vector<TrendDim>& dims) {
  std::vector<TrendCell> out;
  std::string keys;
  if (!query.keys.empty()) {
    JsonWriter w(keys);
    w.begin_array();
    for (const std::string& k : query.keys) w.string(k);
    w.end_array();
  }
  for (const TrendDim dim : dims) {
    const std::vector<pg::Param> common = {std::to_string(static_cast<int>(query.level)),
                                           std::to_string(static_cast<int>(dim)),
                                           std::to_string(query.from), std::to_string(query.to)};
    Result<pg::Rows> rows = make_error(ErrorCode::kInternal, "not run");
    if (query.keys.empty()) {
      std::vector<pg::Param> params = common;
      params.push_back(query.limit == 0 ? pg::Param() : pg::Param(std::to_string(query.limit)));
      rows = conn_->exec(R"sql(
SELECT key, SUM(posts) AS n, MAX(authors_lower) FROM trend_cells
WHERE level = $1 AND dim = $2 AND bucket >= $3 AND bucket < $4
GROUP BY key ORDER BY n DESC, key LIMIT $5)sql",
                         params);
    } else {
      std::vector<pg::Param> params = common;
      params.emplace_back(keys);
      rows = conn_->exec(R"sql(
SELECT q.k, SUM(c.posts), MAX(c.authors_lower)
FROM jsonb_array_elements_text($5::jsonb) WITH ORDINALITY AS q(k, n)
JOIN trend_cells c ON c.level = $1 AND c.dim = $2 AND c.key = q.k AND c.bucket >= $3
  AND c.bucket < $4
GROUP BY q.k, q.n ORDER BY q.n)sql",
                         params);
    }
    if (!rows) return rows.error();
    const std::size_t first = out.size();
    for (int i = 0; i < rows->size(); ++i) {
      TrendCell c;
      c.level = query.level;
      c.dim = dim;
      c.bucket = query.from;
      c.key = rows->text(i, 0);
      c.posts = rows->integer(i, 1);
      c.authors_lower = rows->integer(i, 2);
      out.push_back(std::move(c));
    }
    if (!query.keys.empty()) {
      std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                       [](const TrendCell& a, const TrendCell& b) { return a.posts > b.posts; });
      if (query.limit != 0 && out.size() - first > query.limit) out.resize(first + query.limit);
    }
  }
  return out;
}

Result<std::vector<TrendCell>> PostgresStore::trend_cells(const TrendCellQuery& query) {
  TINCAY_TRY(flush_trends());  // this connection's own writes are visible to its reads
  std::vector<TrendDim> dims = query.dims;
  if (dims.empty()) {
    for (std::size_t d = 0; d < kTrendDimCount; ++d) dims.push_back(static_cast<TrendDim>(d));
  }
  if (query.sum_over_buckets) return trend_sums(query, dims);
  const std::string columns = query.with_authors ? "c.bucket, c.key, c.posts, c.authors_lower, "
                                                   "encode(c.authors, 'hex')"
                                                 : "c.bucket, c.key, c.posts, c.authors_lower";
  const std::string by_range = "SELECT " + columns +
                               " FROM trend_cells c WHERE c.level = $1 AND c.dim = $2 AND "
                               "c.bucket >= $3 AND c.bucket < $4 ORDER BY c.bucket, c.key";
  const std::string by_key =
      "SELECT " + columns +
      " FROM jsonb_array_elements_text($5::jsonb) WITH ORDINALITY AS q(k, n) JOIN trend_cells c "
      "ON c.level = $1 AND c.dim = $2 AND c.key = q.k AND c.bucket >= $3 AND c.bucket < $4 "
      "ORDER BY q.n, c.bucket";
  std::string keys;
  if (!query.keys.empty()) {
    JsonWriter w(keys);
    w.begin_array();
    for (const std::string& k : query.keys) w.string(k);
    w.end_array();
  }
  std::vector<TrendCell> out;
  for (const TrendDim dim : dims) {
    std::vector<pg::Param> params = {std::to_string(static_cast<int>(query.level)),
                                     std::to_string(static_cast<int>(dim)),
                                     std::to_string(query.from), std::to_string(query.to)};
    if (!query.keys.empty()) params.emplace_back(keys);
    auto rows = conn_->exec(query.keys.empty() ? by_range.c_str() : by_key.c_str(), params);
    if (!rows) return rows.error();
    for (int i = 0; i < rows->size(); ++i) {
      TrendCell c;
      c.level = query.level;
      c.dim = dim;
      c.bucket = rows->integer(i, 0);
      c.key = rows->text(i, 1);
      c.posts = rows->integer(i, 2);
      c.authors_lower = rows->integer(i, 3);
      if (query.with_authors) {
        auto sketch = AuthorSketch::parse(from_hex(rows->text(i, 4)));
        if (!sketch) {
          return make_error(ErrorCode::kDatabase, "trend cell: " + sketch.error().message,
                            conn_->where());
        }
        c.authors = std::move(*sketch);
      }
      out.push_back(std::move(c));
    }
  }
  return out;
}

Status PostgresStore::rebuild_trends(const TrendContributor& contribute,
                                     const TrendProgress& progress, std::size_t page_size) {
  // Posts this connection stored but had not flushed are among the posts read below.
  (void)pending_.take();
  unflushed_.clear();
  // A session lock, taken before the transaction starts: the snapshot below must be taken after
  // every flush it waited for has committed, or the DELETE would conflict with them.
  const std::string lock = std::string("SELECT pg_advisory_lock(") + kTrendLockKey + ")";
  const std::string unlock = std::string("SELECT pg_advisory_unlock(") + kTrendLockKey + ")";
  if (auto r = conn_->exec(lock.c_str()); !r) return r.error();
  auto fail = [&](const Error& e) {
    conn_->rollback();
    (void)conn_->exec(unlock.c_str());
    return Status(e);
  };
  // One snapshot for the whole rebuild: a post committed meanwhile is not read here, and its
  // writer's flush (waiting on the lock) counts it afterwards.
  if (auto r = conn_->exec("BEGIN ISOLATION LEVEL REPEATABLE READ"); !r) return fail(r.error());
  if (auto r = conn_->exec("DELETE FROM trend_cells"); !r) return fail(r.error());
  auto total = conn_->exec("SELECT COUNT(*) FROM posts");
  if (!total) return fail(total.error());
  const std::int64_t all = total->integer(0, 0);
  PendingTrends buffer;
  std::vector<TrendSource> sources;
  std::vector<TrendPost> trends;
  std::string after;
  std::int64_t done = 0;
  const std::string limit = std::to_string(page_size == 0 ? 2048 : page_size);
  for (;;) {
    auto rows = conn_->exec(R"sql(
SELECT p.id, p.platform, p.author_key, p.created_at, p.created_unix, p.text, p.ingested_unix,
       COALESCE((SELECT string_agg(c.category, ',') FROM decision_categories c
                 WHERE c.post_id = p.id AND c.flagged = 1), '')
FROM posts p WHERE p.id > $1 ORDER BY p.id LIMIT $2)sql",
                            {after, limit});
    if (!rows) return fail(rows.error());
    if (rows->size() == 0) break;
    sources.clear();
    for (int i = 0; i < rows->size(); ++i) {
      TrendSource src;
      src.post.id = rows->text(i, 0);
      src.post.platform = rows->text(i, 1);
      src.post.author_key = rows->text(i, 2);
      src.post.created_at = rows->text(i, 3);
      if (!rows->is_null(i, 4)) src.post.created_unix = rows->integer(i, 4);
      src.post.text = rows->text(i, 5);
      src.ingested_unix = rows->integer(i, 6);
      src.flagged = parse_category_list(rows->text(i, 7));
      sources.push_back(std::move(src));
    }
    after = sources.back().post.id;
    if (Status st =
            add_rebuild_page(sources, contribute, trends, buffer,
                             [this](std::vector<TrendCell>& cells) { return merge_cells(cells); });
        !st) {
      return fail(st.error());
    }
    done += static_cast<std::int64_t>(sources.size());
    if (progress) progress(done, all);
  }
  std::vector<TrendCell> cells = buffer.take();
  if (Status st = merge_cells(cells); !st) return fail(st.error());
  if (auto r = conn_->exec("COMMIT"); !r) return fail(r.error());
  (void)conn_->exec(unlock.c_str());
  if (progress && done == 0) progress(0, 0);
  return ok_status();
}

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
