// The service tables of `tincay serve` in PostgreSQL (migration 3 of postgres_schema.h): the same
// ServiceStore contract and queries as sqlite_service_store.cc, with $n parameters. Audit appends
// take a transaction-scoped advisory lock, so writers in different processes keep one chain.
#include <algorithm>
#include <string>

#include "tincay/service_store.h"
#include "tincay/store.h"

#include "src/store/pg_connection.h"
#include "src/store/postgres_schema.h"

namespace tincay {
namespace {

constexpr const char* kAuditLock = "SELECT pg_advisory_xact_lock(7402913546)";

std::string num(std::int64_t v) { return std::to_string(v); }

class PostgresServiceStore final : public ServiceStore {
 public:
  explicit PostgresServiceStore(std::unique_ptr<pg::Connection> conn) : conn_(std::move(conn)) {}

  Result<std::int64_t> create_key(const std::string& key_hash, const std::string& role,
                                  const std::string& label, std::int64_t now) override {
    auto r = conn_->exec(
        "INSERT INTO api_keys(key_hash, role, label, created_unix) VALUES ($1,$2,$3,$4) "
        "RETURNING id",
        {key_hash, role, label, num(now)});
    if (!r) return r.error();
    return r->integer(0, 0);
  }

  Result<std::optional<ApiKeyRecord>> find_key(const std::string& key_hash) override {
    auto r = conn_->exec(
        "SELECT id, role, label, created_unix FROM api_keys WHERE key_hash=$1 AND revoked=0",
        {key_hash});
    if (!r) return r.error();
    if (r->size() == 0) return std::optional<ApiKeyRecord>();
    ApiKeyRecord k;
    k.id = r->integer(0, 0);
    k.role = r->text(0, 1);
    k.label = r->text(0, 2);
    k.created_unix = r->integer(0, 3);
    return std::optional<ApiKeyRecord>(std::move(k));
  }

  Result<std::vector<ApiKeyRecord>> list_keys() override {
    auto r = conn_->exec("SELECT id, role, label, created_unix, revoked FROM api_keys ORDER BY id");
    if (!r) return r.error();
    std::vector<ApiKeyRecord> out;
    for (int i = 0; i < r->size(); ++i) {
      ApiKeyRecord k;
      k.id = r->integer(i, 0);
      k.role = r->text(i, 1);
      k.label = r->text(i, 2);
      k.created_unix = r->integer(i, 3);
      k.revoked = r->integer(i, 4) != 0;
      out.push_back(std::move(k));
    }
    return out;
  }

  Result<bool> revoke_key(std::int64_t id) override {
    auto r = conn_->exec("UPDATE api_keys SET revoked=1 WHERE id=$1 AND revoked=0", {num(id)});
    if (!r) return r.error();
    return r->affected() > 0;
  }

  Status append_audit(AuditEntry entry) override {
    std::vector<AuditEntry> one;
    one.push_back(std::move(entry));
    return append_audit_batch(std::move(one));
  }

  Status append_audit_batch(std::vector<AuditEntry> entries) override {
    TINCAY_TRY(conn_->exec("BEGIN"));
    Status s = append_in_transaction(entries);
    return finish(std::move(s));
  }

  Result<std::vector<AuditEntry>> read_audit() override {
    auto r = conn_->exec(
        "SELECT seq, at_unix, kind, subject, actor, payload, prev_hash, hash FROM audit_log "
        "ORDER BY seq");
    if (!r) return r.error();
    std::vector<AuditEntry> out;
    for (int i = 0; i < r->size(); ++i) {
      AuditEntry e;
      e.seq = r->integer(i, 0);
      e.at_unix = r->integer(i, 1);
      e.kind = r->text(i, 2);
      e.subject = r->text(i, 3);
      e.actor = r->text(i, 4);
      e.payload = r->text(i, 5);
      e.prev_hash = r->text(i, 6);
      e.hash = r->text(i, 7);
      out.push_back(std::move(e));
    }
    return out;
  }

  Result<std::optional<PostDetail>> get_post(const std::string& id) override {
    auto r = conn_->exec(
        "SELECT p.id, p.platform, p.created_at, p.parent_id, p.url, p.lang, p.text, "
        "COALESCE(d.record, ''), COALESCE(d.action, ''), COALESCE(d.decided_unix, 0) "
        "FROM posts p LEFT JOIN decisions d ON d.post_id = p.id WHERE p.id = $1",
        {id});
    if (!r) return r.error();
    if (r->size() == 0) return std::optional<PostDetail>();
    PostDetail p;
    p.id = r->text(0, 0);
    p.platform = r->text(0, 1);
    p.created_at = r->text(0, 2);
    p.parent_id = r->text(0, 3);
    p.url = r->text(0, 4);
    p.lang = r->text(0, 5);
    p.text = r->text(0, 6);
    p.decision_json = r->text(0, 7);
    p.action = r->text(0, 8);
    p.decided_unix = r->integer(0, 9);
    auto reviews = conn_->exec(
        "SELECT id, reviewer_key, outcome, category, note, at_unix FROM reviews "
        "WHERE post_id=$1 ORDER BY id",
        {id});
    if (!reviews) return reviews.error();
    for (int i = 0; i < reviews->size(); ++i) {
      ReviewRecord v;
      v.id = reviews->integer(i, 0);
      v.post_id = id;
      v.reviewer_key = reviews->integer(i, 1);
      v.outcome = reviews->text(i, 2);
      v.category = reviews->text(i, 3);
      v.note = reviews->text(i, 4);
      v.at_unix = reviews->integer(i, 5);
      p.reviews.push_back(std::move(v));
    }
    auto appeals =
        conn_->exec((std::string(kAppealColumns) + " WHERE post_id=$1 ORDER BY id").c_str(), {id});
    if (!appeals) return appeals.error();
    for (int i = 0; i < appeals->size(); ++i) p.appeals.push_back(appeal_from(*appeals, i));
    return std::optional<PostDetail>(std::move(p));
  }

  Result<std::vector<QueueItem>> queue(const QueueFilter& f, std::int64_t now) override {
    // Flagged and awaiting review: a review-worthy action and no human review yet.
    auto r = conn_->exec(R"sql(
SELECT d.post_id, d.action, p.text, d.decided_unix,
       COALESCE((SELECT string_agg(category, ',' ORDER BY category) FROM decision_categories c
                  WHERE c.post_id = d.post_id AND c.flagged = 1), '')
FROM decisions d JOIN posts p ON p.id = d.post_id
WHERE d.action IN ('review', 'remove', 'escalate')
  AND ($1 = '' OR d.action = $1)
  AND ($2 = '' OR EXISTS (SELECT 1 FROM decision_categories c
                          WHERE c.post_id = d.post_id AND c.category = $2 AND c.flagged = 1))
  AND d.decided_unix <= $3::BIGINT - $4::BIGINT
  AND ($5::BIGINT = 0 OR d.decided_unix >= $3::BIGINT - $5::BIGINT)
  AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.post_id = d.post_id)
ORDER BY CASE d.action WHEN 'escalate' THEN 0 WHEN 'remove' THEN 1 ELSE 2 END,
         d.decided_unix, d.post_id COLLATE "C"
LIMIT $6 OFFSET $7)sql",
                         {f.action, f.category, num(now), num(f.min_age_seconds),
                          num(f.max_age_seconds), num(f.limit), num(f.offset)});
    if (!r) return r.error();
    std::vector<QueueItem> out;
    for (int i = 0; i < r->size(); ++i) {
      QueueItem q;
      q.post_id = r->text(i, 0);
      q.action = r->text(i, 1);
      q.text = r->text(i, 2);
      q.decided_unix = r->integer(i, 3);
      q.categories_csv = r->text(i, 4);
      out.push_back(std::move(q));
    }
    return out;
  }

  Result<std::int64_t> queue_depth() override {
    auto r = conn_->exec(
        "SELECT COUNT(*) FROM decisions d WHERE d.action IN ('review','remove','escalate') "
        "AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.post_id = d.post_id)");
    if (!r) return r.error();
    return r->integer(0, 0);
  }

  Result<std::int64_t> add_review(const ReviewRecord& v, AuditEntry audit) override {
    TINCAY_TRY(conn_->exec("BEGIN"));
    auto r = conn_->exec(
        "INSERT INTO reviews(post_id, reviewer_key, outcome, category, note, at_unix) "
        "SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM decisions WHERE post_id=$1) "
        "RETURNING id",
        {v.post_id, num(v.reviewer_key), v.outcome, v.category, v.note, num(v.at_unix)});
    if (!r) return abort(r.error());
    if (r->size() == 0) {
      return abort(make_error(ErrorCode::kNotFound, "no decision for post '" + v.post_id + "'"));
    }
    const std::int64_t id = r->integer(0, 0);
    audit.subject = v.post_id;
    audit.payload.insert(1, "\"review_id\":" + std::to_string(id) + ",");
    std::vector<AuditEntry> entries;
    entries.push_back(std::move(audit));
    if (Status s = finish(append_in_transaction(entries)); !s) return s.error();
    return id;
  }

  Result<std::int64_t> add_appeal(const AppealRecord& a, AuditEntry audit) override {
    TINCAY_TRY(conn_->exec("BEGIN"));
    auto r = conn_->exec(
        "INSERT INTO appeals(post_id, reason, filed_by_key, filed_unix) "
        "SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM decisions WHERE post_id=$1) "
        "RETURNING id",
        {a.post_id, a.reason, num(a.filed_by_key), num(a.filed_unix)});
    if (!r) return abort(r.error());
    if (r->size() == 0) {
      return abort(make_error(ErrorCode::kNotFound, "no decision for post '" + a.post_id + "'"));
    }
    const std::int64_t id = r->integer(0, 0);
    audit.subject = std::to_string(id);
    std::vector<AuditEntry> entries;
    entries.push_back(std::move(audit));
    if (Status s = finish(append_in_transaction(entries)); !s) return s.error();
    return id;
  }

  Result<std::optional<AppealRecord>> get_appeal(std::int64_t id) override {
    auto r = conn_->exec((std::string(kAppealColumns) + " WHERE id=$1").c_str(), {num(id)});
    if (!r) return r.error();
    if (r->size() == 0) return std::optional<AppealRecord>();
    return std::optional<AppealRecord>(appeal_from(*r, 0));
  }

  Result<std::vector<AppealRecord>> list_appeals(const AppealFilter& f) override {
    auto r = conn_->exec((std::string(kAppealColumns) +
                          " WHERE ($1 = '' OR status = $1) ORDER BY id LIMIT $2 OFFSET $3")
                             .c_str(),
                         {f.status, num(f.limit), num(f.offset)});
    if (!r) return r.error();
    std::vector<AppealRecord> out;
    out.reserve(static_cast<std::size_t>(r->size()));
    for (int i = 0; i < r->size(); ++i) out.push_back(appeal_from(*r, i));
    return out;
  }

  Result<std::int64_t> last_reviewer(const std::string& post_id) override {
    auto r = conn_->exec(
        "SELECT reviewer_key FROM reviews WHERE post_id=$1 ORDER BY id DESC LIMIT 1", {post_id});
    if (!r) return r.error();
    if (r->size() == 0) return std::int64_t{0};
    return r->integer(0, 0);
  }

  Result<bool> resolve_appeal(std::int64_t id, const std::string& status, std::int64_t resolver_key,
                              const std::string& note, std::int64_t now,
                              AuditEntry audit) override {
    TINCAY_TRY(conn_->exec("BEGIN"));
    auto r = conn_->exec(
        "UPDATE appeals SET status=$2, resolver_key=$3, resolution_note=$4, resolved_unix=$5 "
        "WHERE id=$1 AND status='open'",
        {num(id), status, num(resolver_key), note, num(now)});
    if (!r) return abort(r.error());
    if (r->affected() == 0) {
      conn_->rollback();
      return false;
    }
    std::vector<AuditEntry> entries;
    entries.push_back(std::move(audit));
    if (Status s = finish(append_in_transaction(entries)); !s) return s.error();
    return true;
  }

  Result<TransparencyRows> transparency(std::int64_t from, std::int64_t to) override {
    TransparencyRows t;
    // One snapshot, so every number describes the same moment.
    TINCAY_TRY(conn_->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    Status s = fill_transparency(num(from), num(to), t);
    conn_->rollback();
    if (!s) return s.error();
    return t;
  }

 private:
  static constexpr const char* kAppealColumns =
      "SELECT id, post_id, reason, filed_by_key, filed_unix, status, resolver_key, "
      "resolution_note, resolved_unix FROM appeals";

  static AppealRecord appeal_from(const pg::Rows& r, int i) {
    AppealRecord a;
    a.id = r.integer(i, 0);
    a.post_id = r.text(i, 1);
    a.reason = r.text(i, 2);
    a.filed_by_key = r.integer(i, 3);
    a.filed_unix = r.integer(i, 4);
    a.status = r.text(i, 5);
    a.resolver_key = r.integer(i, 6);
    a.resolution_note = r.text(i, 7);
    a.resolved_unix = r.integer(i, 8);
    return a;
  }

  // Rolls back the open transaction and returns `e`.
  Error abort(Error e) {
    conn_->rollback();
    return e;
  }

  // Commits when `s` is ok, else rolls back; returns the first error.
  Status finish(Status s) {
    if (!s) {
      conn_->rollback();
      return s;
    }
    auto r = conn_->exec("COMMIT");
    if (!r) {
      conn_->rollback();
      return r.error();
    }
    return ok_status();
  }

  Status fill_transparency(const std::string& from, const std::string& to, TransparencyRows& t) {
    auto counts = [&](const char* sql, std::vector<TransparencyRows::Count>& out,
                      int keys) -> Status {
      auto r = conn_->exec(sql, {from, to});
      if (!r) return r.error();
      for (int i = 0; i < r->size(); ++i) {
        TransparencyRows::Count c;
        c.key1 = r->text(i, 0);
        if (keys == 2) c.key2 = r->text(i, 1);
        c.n = r->integer(i, keys);
        out.push_back(std::move(c));
      }
      return ok_status();
    };
    TINCAY_TRY(
        counts("SELECT c.category, d.action, COUNT(*) FROM decisions d JOIN decision_categories c "
               "ON c.post_id = d.post_id AND c.flagged = 1 WHERE d.action <> 'allow' AND "
               "d.decided_unix >= $1::BIGINT AND d.decided_unix < $2::BIGINT GROUP BY 1, 2 "
               "ORDER BY c.category COLLATE \"C\", d.action COLLATE \"C\"",
               t.actions_by_category, 2));
    TINCAY_TRY(
        counts("SELECT d.action, COUNT(*) FROM decisions d WHERE d.action <> 'allow' AND "
               "d.decided_unix >= $1::BIGINT AND d.decided_unix < $2::BIGINT GROUP BY 1 "
               "ORDER BY d.action COLLATE \"C\"",
               t.automated_actions, 1));
    TINCAY_TRY(
        counts("SELECT outcome, COUNT(*) FROM reviews WHERE at_unix >= $1::BIGINT AND at_unix < "
               "$2::BIGINT GROUP BY 1 ORDER BY outcome COLLATE \"C\"",
               t.human_reviews, 1));
    {
      auto r = conn_->exec(
          "SELECT record FROM decisions WHERE action <> 'allow' AND decided_unix >= $1::BIGINT "
          "AND decided_unix < $2::BIGINT",
          {from, to});
      if (!r) return r.error();
      for (int i = 0; i < r->size(); ++i) t.acted_records.push_back(r->text(i, 0));
    }
    {
      auto r = conn_->exec(
          "SELECT COUNT(*) FROM decisions WHERE decided_unix >= $1::BIGINT AND decided_unix < "
          "$2::BIGINT",
          {from, to});
      if (!r) return r.error();
      t.decisions = r->integer(0, 0);
    }
    {
      auto r = conn_->exec(
          "SELECT COUNT(*), COUNT(*) FILTER (WHERE status='upheld'), "
          "COUNT(*) FILTER (WHERE status='reversed'), COUNT(*) FILTER (WHERE status='open') "
          "FROM appeals WHERE filed_unix >= $1::BIGINT AND filed_unix < $2::BIGINT",
          {from, to});
      if (!r) return r.error();
      t.appeals_filed = r->integer(0, 0);
      t.appeals_upheld = r->integer(0, 1);
      t.appeals_reversed = r->integer(0, 2);
      t.appeals_open = r->integer(0, 3);
    }
    {
      auto r = conn_->exec(R"sql(
SELECT MIN(r.at_unix) - MIN(d.decided_unix) FROM reviews r JOIN decisions d ON d.post_id = r.post_id
WHERE r.at_unix >= $1::BIGINT AND r.at_unix < $2::BIGINT GROUP BY r.post_id ORDER BY 1)sql",
                           {from, to});
      if (!r) return r.error();
      for (int i = 0; i < r->size(); ++i) {
        t.review_delays.push_back(std::max<std::int64_t>(0, r->integer(i, 0)));
      }
      std::sort(t.review_delays.begin(), t.review_delays.end());
    }
    return ok_status();
  }

  // Inside an open transaction: numbers and chains `entries` after the current head. The
  // advisory lock makes concurrent appenders (other processes) wait for this transaction.
  Status append_in_transaction(std::vector<AuditEntry>& entries) {
    auto lock = conn_->exec(kAuditLock);
    if (!lock) return lock.error();
    auto head = conn_->exec("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (!head) return head.error();
    std::int64_t seq = 0;
    std::string prev(64, '0');
    if (head->size() > 0) {
      seq = head->integer(0, 0);
      prev = head->text(0, 1);
    }
    for (AuditEntry& e : entries) {
      e.seq = ++seq;
      e.prev_hash = prev;
      e.hash = audit_entry_hash(e);
      prev = e.hash;
      auto r = conn_->exec(
          "INSERT INTO audit_log(seq, at_unix, kind, subject, actor, payload, prev_hash, hash) "
          "VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
          {num(e.seq), num(e.at_unix), e.kind, e.subject, e.actor, e.payload, e.prev_hash, e.hash});
      if (!r) return r.error();
    }
    return ok_status();
  }

  std::unique_ptr<pg::Connection> conn_;
};

}  // namespace

Result<std::unique_ptr<ServiceStore>> open_postgres_service_store(const std::string& url) {
  auto conn = pg::Connection::open(url);
  if (!conn) return conn.error();
  TINCAY_TRY(pg::migrate(**conn));
  return std::unique_ptr<ServiceStore>(
      std::make_unique<PostgresServiceStore>(std::move(conn).value()));
}

Result<std::unique_ptr<ServiceStore>> open_service_store(const std::string& location) {
  if (is_postgres_location(location)) return open_postgres_service_store(location);
  if (location.rfind("sqlite://", 0) == 0) return open_sqlite_service_store(location.substr(9));
  return open_sqlite_service_store(location);
}

}  // namespace tincay
