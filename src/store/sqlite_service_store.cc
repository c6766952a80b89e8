// The service tables of `tincay serve` in the embedded SQLite store (schema migration 3 in
// sqlite_store.cc). Every statement is prepared with bound parameters.
#include <algorithm>
#include <array>
#include <charconv>
#include <memory>
#include <string>

#include <sqlite3.h>

#include "tincay/core/crypto.h"
#include "tincay/service_store.h"
#include "tincay/store.h"

#include "src/store/sqlite_connection.h"

namespace tincay {

std::string audit_canonical(const AuditEntry& e) {
  std::string out;
  out.reserve(64 + e.kind.size() + e.subject.size() + e.actor.size() + e.payload.size() +
              e.prev_hash.size());
  auto field = [&out](std::string_view v) {
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v.size());
    out.append(digits, end);
    out += ':';
    out.append(v);
    out += '\n';
  };
  auto number = [&field](std::int64_t n) {
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
    field(std::string_view(digits, static_cast<std::size_t>(end - digits)));
  };
  number(e.seq);
  number(e.at_unix);
  field(e.kind);
  field(e.subject);
  field(e.actor);
  field(e.payload);
  field(e.prev_hash);
  return out;
}

std::string audit_entry_hash(const AuditEntry& entry) { return sha256_hex(audit_canonical(entry)); }

std::optional<std::string> verify_audit_chain(const std::vector<AuditEntry>& entries) {
  std::string prev(64, '0');
  std::int64_t expected_seq = 1;
  for (const AuditEntry& e : entries) {
    const std::string at = "audit entry " + std::to_string(e.seq);
    if (e.seq != expected_seq) {
      const bool later = std::any_of(entries.begin(), entries.end(),
                                     [&](const AuditEntry& x) { return x.seq == expected_seq; });
      if (e.seq > expected_seq && !later) {
        return "audit entry " + std::to_string(expected_seq) +
               " was removed (next present: " + std::to_string(e.seq) + ")";
      }
      return at + " is out of order (expected entry " + std::to_string(expected_seq) + ")";
    }
    if (e.prev_hash != prev) {
      return at + " does not follow entry " + std::to_string(expected_seq - 1) +
             ": entries were removed or reordered here";
    }
    if (audit_entry_hash(e) != e.hash) return at + " was edited: its hash does not match";
    prev = e.hash;
    ++expected_seq;
  }
  return std::nullopt;
}

namespace {

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(stmt_); }
  bool ok() const { return rc_ == SQLITE_OK; }
  Stmt& text(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Without a copy: `v` must stay valid until reset() (SQLITE_STATIC).
  Stmt& view(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& num(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  int step() { return sqlite3_step(stmt_); }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string col_text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    return std::string(p != nullptr ? p : "",
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)));
  }
  std::int64_t col_int(int i) const { return sqlite3_column_int64(stmt_, i); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

class SqliteServiceStore final : public ServiceStore {
 public:
  SqliteServiceStore(sqlite_internal::Connection connection, std::string path)
      : connection_(std::move(connection)), db_(connection_.get()), path_(std::move(path)) {}

  Status init() {
    // No mmap: with another connection writing the same file, SQLite unmaps and remaps the
    // database on every transaction, and each munmap is a TLB shootdown on every core (it was
    // the largest single cost of POST /v1/scan in a profile; docs/benchmarks.md).
    return exec(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA busy_timeout=5000;");
  }

  Result<std::int64_t> create_key(const std::string& key_hash, const std::string& role,
                                  const std::string& label, std::int64_t now) override {
    Stmt s(db_, "INSERT INTO api_keys(key_hash, role, label, created_unix) VALUES (?1,?2,?3,?4)");
    if (!s.ok()) return db_error("prepare create key");
    s.text(1, key_hash).text(2, role).text(3, label).num(4, now);
    if (s.step() != SQLITE_DONE) return db_error("create key");
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
  }

  Result<std::optional<ApiKeyRecord>> find_key(const std::string& key_hash) override {
    Stmt s(db_,
           "SELECT id, role, label, created_unix FROM api_keys WHERE key_hash=?1 AND revoked=0");
    if (!s.ok()) return db_error("prepare find key");
    s.text(1, key_hash);
    const int rc = s.step();
    if (rc == SQLITE_DONE) return std::optional<ApiKeyRecord>();
    if (rc != SQLITE_ROW) return db_error("find key");
    ApiKeyRecord k;
    k.id = s.col_int(0);
    k.role = s.col_text(1);
    k.label = s.col_text(2);
    k.created_unix = s.col_int(3);
    return std::optional<ApiKeyRecord>(std::move(k));
  }

  Result<std::vector<ApiKeyRecord>> list_keys() override {
    Stmt s(db_, "SELECT id, role, label, created_unix, revoked FROM api_keys ORDER BY id");
    if (!s.ok()) return db_error("prepare list keys");
    std::vector<ApiKeyRecord> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      ApiKeyRecord k;
      k.id = s.col_int(0);
      k.role = s.col_text(1);
      k.label = s.col_text(2);
      k.created_unix = s.col_int(3);
      k.revoked = s.col_int(4) != 0;
      out.push_back(std::move(k));
    }
    if (rc != SQLITE_DONE) return db_error("list keys");
    return out;
  }

  Result<bool> revoke_key(std::int64_t id) override {
    Stmt s(db_, "UPDATE api_keys SET revoked=1 WHERE id=?1 AND revoked=0");
    if (!s.ok()) return db_error("prepare revoke key");
    s.num(1, id);
    if (s.step() != SQLITE_DONE) return db_error("revoke key");
    return sqlite3_changes(db_) > 0;
  }

  Status append_audit(AuditEntry entry) override {
    std::vector<AuditEntry> one;
    one.push_back(std::move(entry));
    return append_audit_batch(std::move(one));
  }

  Status append_audit_batch(std::vector<AuditEntry> entries) override {
    TINCAY_TRY(exec("BEGIN IMMEDIATE"));
    Status s = append_in_transaction(entries);
    if (!s) {
      (void)exec("ROLLBACK");
      return s;
    }
    return exec("COMMIT");
  }

  Result<std::vector<AuditEntry>> read_audit() override {
    Stmt s(db_,
           "SELECT seq, at_unix, kind, subject, actor, payload, prev_hash, hash FROM audit_log "
           "ORDER BY rowid");
    if (!s.ok()) return db_error("prepare read audit");
    std::vector<AuditEntry> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      AuditEntry e;
      e.seq = s.col_int(0);
      e.at_unix = s.col_int(1);
      e.kind = s.col_text(2);
      e.subject = s.col_text(3);
      e.actor = s.col_text(4);
      e.payload = s.col_text(5);
      e.prev_hash = s.col_text(6);
      e.hash = s.col_text(7);
      out.push_back(std::move(e));
    }
    if (rc != SQLITE_DONE) return db_error("read audit");
    return out;
  }

  Result<std::optional<PostDetail>> get_post(const std::string& id) override {
    Stmt s(db_,
           "SELECT p.id, p.platform, p.created_at, p.parent_id, p.url, p.lang, p.text, "
           "COALESCE(d.record, ''), COALESCE(d.action, ''), COALESCE(d.decided_unix, 0) "
           "FROM posts p LEFT JOIN decisions d ON d.post_id = p.id WHERE p.id = ?1");
    if (!s.ok()) return db_error("prepare get post");
    s.text(1, id);
    const int rc = s.step();
    if (rc == SQLITE_DONE) return std::optional<PostDetail>();
    if (rc != SQLITE_ROW) return db_error("get post");
    PostDetail p;
    p.id = s.col_text(0);
    p.platform = s.col_text(1);
    p.created_at = s.col_text(2);
    p.parent_id = s.col_text(3);
    p.url = s.col_text(4);
    p.lang = s.col_text(5);
    p.text = s.col_text(6);
    p.decision_json = s.col_text(7);
    p.action = s.col_text(8);
    p.decided_unix = s.col_int(9);
    Stmt r(db_,
           "SELECT id, reviewer_key, outcome, category, note, at_unix FROM reviews "
           "WHERE post_id=?1 ORDER BY id");
    if (!r.ok()) return db_error("prepare reviews");
    r.text(1, id);
    int rrc;
    while ((rrc = r.step()) == SQLITE_ROW) {
      ReviewRecord v;
      v.id = r.col_int(0);
      v.post_id = id;
      v.reviewer_key = r.col_int(1);
      v.outcome = r.col_text(2);
      v.category = r.col_text(3);
      v.note = r.col_text(4);
      v.at_unix = r.col_int(5);
      p.reviews.push_back(std::move(v));
    }
    if (rrc != SQLITE_DONE) return db_error("reviews");
    Stmt a(db_, "SELECT id FROM appeals WHERE post_id=?1 ORDER BY id");
    if (!a.ok()) return db_error("prepare appeals");
    a.text(1, id);
    while (a.step() == SQLITE_ROW) {
      auto appeal = get_appeal(a.col_int(0));
      if (!appeal) return appeal.error();
      if (*appeal) p.appeals.push_back(std::move(**appeal));
    }
    return std::optional<PostDetail>(std::move(p));
  }

  Result<std::vector<QueueItem>> queue(const QueueFilter& f, std::int64_t now) override {
    // Flagged and awaiting review: a review-worthy action and no human review yet.
    Stmt s(db_, R"sql(
SELECT d.post_id, d.action, p.text, d.decided_unix,
       (SELECT group_concat(category, ',') FROM decision_categories c
         WHERE c.post_id = d.post_id AND c.flagged = 1)
FROM decisions d JOIN posts p ON p.id = d.post_id
WHERE d.action IN ('review', 'remove', 'escalate')
  AND (?1 = '' OR d.action = ?1)
  AND (?2 = '' OR EXISTS (SELECT 1 FROM decision_categories c
                          WHERE c.post_id = d.post_id AND c.category = ?2 AND c.flagged = 1))
  AND d.decided_unix <= ?3 - ?4
  AND (?5 = 0 OR d.decided_unix >= ?3 - ?5)
  AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.post_id = d.post_id)
ORDER BY CASE d.action WHEN 'escalate' THEN 0 WHEN 'remove' THEN 1 ELSE 2 END,
         d.decided_unix, d.post_id
LIMIT ?6 OFFSET ?7)sql");
    if (!s.ok()) return db_error("prepare queue");
    s.text(1, f.action).text(2, f.category).num(3, now).num(4, f.min_age_seconds);
    s.num(5, f.max_age_seconds).num(6, f.limit).num(7, f.offset);
    std::vector<QueueItem> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      QueueItem q;
      q.post_id = s.col_text(0);
      q.action = s.col_text(1);
      q.text = s.col_text(2);
      q.decided_unix = s.col_int(3);
      q.categories_csv = s.col_text(4);
      out.push_back(std::move(q));
    }
    if (rc != SQLITE_DONE) return db_error("queue");
    return out;
  }

  Result<std::int64_t> queue_depth() override {
    Stmt s(db_,
           "SELECT COUNT(*) FROM decisions d WHERE d.action IN ('review','remove','escalate') "
           "AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.post_id = d.post_id)");
    if (!s.ok() || s.step() != SQLITE_ROW) return db_error("queue depth");
    return s.col_int(0);
  }

  Result<std::int64_t> add_review(const ReviewRecord& v, AuditEntry audit) override {
    TINCAY_TRY(exec("BEGIN IMMEDIATE"));
    auto id = add_review_in_transaction(v, audit);
    if (!id) {
      (void)exec("ROLLBACK");
      return id;
    }
    TINCAY_TRY(exec("COMMIT"));
    return id;
  }

  Result<std::int64_t> add_appeal(const AppealRecord& a, AuditEntry audit) override {
    TINCAY_TRY(exec("BEGIN IMMEDIATE"));
    auto id = add_appeal_in_transaction(a, audit);
    if (!id) {
      (void)exec("ROLLBACK");
      return id;
    }
    TINCAY_TRY(exec("COMMIT"));
    return id;
  }

  Result<std::optional<AppealRecord>> get_appeal(std::int64_t id) override {
    Stmt s(db_, (std::string(kAppealSelect) + " WHERE id=?1").c_str());
    if (!s.ok()) return db_error("prepare get appeal");
    s.num(1, id);
    const int rc = s.step();
    if (rc == SQLITE_DONE) return std::optional<AppealRecord>();
    if (rc != SQLITE_ROW) return db_error("get appeal");
    return std::optional<AppealRecord>(appeal_from(s));
  }

  Result<std::vector<AppealRecord>> list_appeals(const AppealFilter& f) override {
    Stmt s(db_, (std::string(kAppealSelect) +
                 " WHERE (?1 = '' OR status = ?1) ORDER BY id LIMIT ?2 OFFSET ?3")
                    .c_str());
    if (!s.ok()) return db_error("prepare list appeals");
    s.text(1, f.status).num(2, f.limit).num(3, f.offset);
    std::vector<AppealRecord> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back(appeal_from(s));
    if (rc != SQLITE_DONE) return db_error("list appeals");
    return out;
  }

  Result<std::int64_t> last_reviewer(const std::string& post_id) override {
    Stmt s(db_, "SELECT reviewer_key FROM reviews WHERE post_id=?1 ORDER BY id DESC LIMIT 1");
    if (!s.ok()) return db_error("prepare last reviewer");
    s.text(1, post_id);
    const int rc = s.step();
    if (rc == SQLITE_DONE) return std::int64_t{0};
    if (rc != SQLITE_ROW) return db_error("last reviewer");
    return s.col_int(0);
  }

  Result<bool> resolve_appeal(std::int64_t id, const std::string& status, std::int64_t resolver_key,
                              const std::string& note, std::int64_t now,
                              AuditEntry audit) override {
    TINCAY_TRY(exec("BEGIN IMMEDIATE"));
    Stmt s(db_,
           "UPDATE appeals SET status=?2, resolver_key=?3, resolution_note=?4, resolved_unix=?5 "
           "WHERE id=?1 AND status='open'");
    if (!s.ok()) {
      (void)exec("ROLLBACK");
      return db_error("prepare resolve appeal");
    }
    s.num(1, id).text(2, status).num(3, resolver_key).text(4, note).num(5, now);
    if (s.step() != SQLITE_DONE) {
      Error e = db_error("resolve appeal");
      (void)exec("ROLLBACK");
      return e;
    }
    if (sqlite3_changes(db_) == 0) {
      (void)exec("ROLLBACK");
      return false;
    }
    std::vector<AuditEntry> entries;
    entries.push_back(std::move(audit));
    if (Status st = append_in_transaction(entries); !st) {
      (void)exec("ROLLBACK");
      return st.error();
    }
    TINCAY_TRY(exec("COMMIT"));
    return true;
  }

  Result<TransparencyRows> transparency(std::int64_t from, std::int64_t to) override {
    TransparencyRows t;
    // One read transaction, so every number describes the same snapshot.
    TINCAY_TRY(exec("BEGIN"));
    Status s = fill_transparency(from, to, t);
    (void)exec("COMMIT");
    if (!s) return s.error();
    return t;
  }

 private:
  static constexpr const char* kAppealSelect =
      "SELECT id, post_id, reason, filed_by_key, filed_unix, status, resolver_key, "
      "resolution_note, resolved_unix FROM appeals";

  static AppealRecord appeal_from(Stmt& s) {
    AppealRecord a;
    a.id = s.col_int(0);
    a.post_id = s.col_text(1);
    a.reason = s.col_text(2);
    a.filed_by_key = s.col_int(3);
    a.filed_unix = s.col_int(4);
    a.status = s.col_text(5);
    a.resolver_key = s.col_int(6);
    a.resolution_note = s.col_text(7);
    a.resolved_unix = s.col_int(8);
    return a;
  }

  Status fill_transparency(std::int64_t from, std::int64_t to, TransparencyRows& t) {
    auto counts = [&](const char* sql, std::vector<TransparencyRows::Count>& out, int keys) {
      Stmt s(db_, sql);
      if (!s.ok()) return Status(db_error("prepare report"));
      s.num(1, from).num(2, to);
      int rc;
      while ((rc = s.step()) == SQLITE_ROW) {
        TransparencyRows::Count c;
        c.key1 = s.col_text(0);
        if (keys == 2) c.key2 = s.col_text(1);
        c.n = s.col_int(keys);
        out.push_back(std::move(c));
      }
      if (rc != SQLITE_DONE) return Status(db_error("report"));
      return ok_status();
    };
    TINCAY_TRY(
        counts("SELECT c.category, d.action, COUNT(*) FROM decisions d JOIN decision_categories c "
               "ON c.post_id = d.post_id AND c.flagged = 1 WHERE d.action <> 'allow' AND "
               "d.decided_unix >= ?1 AND d.decided_unix < ?2 GROUP BY 1, 2 ORDER BY 1, 2",
               t.actions_by_category, 2));
    TINCAY_TRY(
        counts("SELECT d.action, COUNT(*) FROM decisions d WHERE d.action <> 'allow' AND "
               "d.decided_unix >= ?1 AND d.decided_unix < ?2 GROUP BY 1 ORDER BY 1",
               t.automated_actions, 1));
    TINCAY_TRY(
        counts("SELECT outcome, COUNT(*) FROM reviews WHERE at_unix >= ?1 AND at_unix < ?2 "
               "GROUP BY 1 ORDER BY 1",
               t.human_reviews, 1));
    {
      Stmt s(db_,
             "SELECT record FROM decisions WHERE action <> 'allow' AND decided_unix >= ?1 AND "
             "decided_unix < ?2");
      if (!s.ok()) return db_error("prepare report");
      s.num(1, from).num(2, to);
      while (s.step() == SQLITE_ROW) t.acted_records.push_back(s.col_text(0));
    }
    {
      Stmt s(db_, "SELECT COUNT(*) FROM decisions WHERE decided_unix >= ?1 AND decided_unix < ?2");
      if (!s.ok() || (s.num(1, from).num(2, to), s.step()) != SQLITE_ROW) {
        return db_error("report");
      }
      t.decisions = s.col_int(0);
    }
    {
      Stmt s(db_,
             "SELECT COUNT(*), SUM(status='upheld'), SUM(status='reversed'), SUM(status='open') "
             "FROM appeals WHERE filed_unix >= ?1 AND filed_unix < ?2");
      if (!s.ok() || (s.num(1, from).num(2, to), s.step()) != SQLITE_ROW) {
        return db_error("report");
      }
      t.appeals_filed = s.col_int(0);
      t.appeals_upheld = s.col_int(1);
      t.appeals_reversed = s.col_int(2);
      t.appeals_open = s.col_int(3);
    }
    {
      Stmt s(db_, R"sql(
SELECT MIN(r.at_unix) - d.decided_unix FROM reviews r JOIN decisions d ON d.post_id = r.post_id
WHERE r.at_unix >= ?1 AND r.at_unix < ?2 GROUP BY r.post_id ORDER BY 1)sql");
      if (!s.ok()) return db_error("prepare report");
      s.num(1, from).num(2, to);
      while (s.step() == SQLITE_ROW)
        t.review_delays.push_back(std::max<std::int64_t>(0, s.col_int(0)));
      std::sort(t.review_delays.begin(), t.review_delays.end());
    }
    return ok_status();
  }

  // Audit entries per INSERT: one statement per chunk of entries instead of one per entry.
  static constexpr std::size_t kAuditRowsPerStatement = 64;

  Status append_in_transaction(std::vector<AuditEntry>& entries) {
    // Prepared once per connection: the audit log is appended to on every scan.
    if (!audit_head_) {
      audit_head_ =
          std::make_unique<Stmt>(db_, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    }
    Stmt& last = *audit_head_;
    if (!last.ok()) {
      audit_head_.reset();
      return db_error("prepare audit");
    }
    std::int64_t seq = 0;
    std::string prev(64, '0');
    const int rc = last.step();
    if (rc == SQLITE_ROW) {
      seq = last.col_int(0);
      prev = last.col_text(1);
    } else if (rc != SQLITE_DONE) {
      last.reset();
      return db_error("read audit head");
    }
    last.reset();
    // The chain first (each hash covers the one before), then the rows, a chunk per statement.
    for (AuditEntry& e : entries) {
      e.seq = ++seq;
      e.prev_hash = std::move(prev);
      e.hash = audit_entry_hash(e);
      prev = e.hash;
    }
    for (std::size_t begin = 0; begin < entries.size(); begin += kAuditRowsPerStatement) {
      const std::size_t n = std::min(kAuditRowsPerStatement, entries.size() - begin);
      Stmt* ins = audit_insert(n);
      if (ins == nullptr) return db_error("prepare audit");
      for (std::size_t i = 0; i < n; ++i) {
        const AuditEntry& e = entries[begin + i];
        const int at = static_cast<int>(i) * 8;
        ins->num(at + 1, e.seq).num(at + 2, e.at_unix).view(at + 3, e.kind);
        ins->view(at + 4, e.subject).view(at + 5, e.actor).view(at + 6, e.payload);
        ins->view(at + 7, e.prev_hash).view(at + 8, e.hash);
      }
      if (ins->step() != SQLITE_DONE) {
        Status error = db_error("append audit entry");
        ins->reset();
        return error;
      }
      ins->reset();
    }
    return ok_status();
  }

  // The INSERT of `rows` audit entries (1 ... kAuditRowsPerStatement), prepared on first use;
  // nullptr when SQLite refuses it.
  Stmt* audit_insert(std::size_t rows) {
    std::unique_ptr<Stmt>& stmt = audit_inserts_[rows];
    if (!stmt) {
      std::string sql =
          "INSERT INTO audit_log(seq, at_unix, kind, subject, actor, payload, prev_hash, hash) "
          "VALUES ";
      for (std::size_t i = 0; i < rows; ++i)
        sql += i == 0 ? "(?,?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?,?)";
      stmt = std::make_unique<Stmt>(db_, sql.c_str());
    }
    if (!stmt->ok()) {
      stmt.reset();
      return nullptr;
    }
    return stmt.get();
  }

  Result<std::int64_t> add_review_in_transaction(const ReviewRecord& v, AuditEntry& audit) {
    Stmt s(db_,
           "INSERT INTO reviews(post_id, reviewer_key, outcome, category, note, at_unix) "
           "SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM decisions WHERE post_id=?1)");
    if (!s.ok()) return db_error("prepare review");
    s.text(1, v.post_id).num(2, v.reviewer_key).text(3, v.outcome).text(4, v.category);
    s.text(5, v.note).num(6, v.at_unix);
    if (s.step() != SQLITE_DONE) return db_error("store review");
    if (sqlite3_changes(db_) == 0) {
      return make_error(ErrorCode::kNotFound, "no decision for post '" + v.post_id + "'");
    }
    const auto id = static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
    audit.subject = v.post_id;
    audit.payload.insert(1, "\"review_id\":" + std::to_string(id) + ",");
    std::vector<AuditEntry> entries;
    entries.push_back(std::move(audit));
    TINCAY_TRY(append_in_transaction(entries));
    return id;
  }

  Result<std::int64_t> add_appeal_in_transaction(const AppealRecord& a, AuditEntry& audit) {
    Stmt s(db_,
           "INSERT INTO appeals(post_id, reason, filed_by_key, filed_unix) "
           "SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM decisions WHERE post_id=?1)");
    if (!s.ok()) return db_error("prepare appeal");
    s.text(1, a.post_id).text(2, a.reason).num(3, a.filed_by_key).num(4, a.filed_unix);
    if (s.step() != SQLITE_DONE) return db_error("store appeal");
    if (sqlite3_changes(db_) == 0) {
      return make_error(ErrorCode::kNotFound, "no decision for post '" + a.post_id + "'");
    }
    const auto id = static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
    audit.subject = std::to_string(id);
    std::vector<AuditEntry> entries;
    entries.push_back(std::move(audit));
    TINCAY_TRY(append_in_transaction(entries));
    return id;
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

  Error db_error(const std::string& what) const {
    return make_error(ErrorCode::kDatabase, what + ": " + sqlite3_errmsg(db_), path_);
  }

  sqlite_internal::Connection connection_;  // may be shared with a Store; see SqliteStore
  sqlite3* db_;
  std::string path_;
  // Cached statements of append_in_transaction; declared after db_ so they are finalized first.
  std::unique_ptr<Stmt> audit_head_;
  std::array<std::unique_ptr<Stmt>, kAuditRowsPerStatement + 1> audit_inserts_;
};

}  // namespace

Result<std::unique_ptr<ServiceStore>> open_sqlite_service_store(const std::string& path) {
  {
    // Creates the file and applies the migrations (the service tables are migration 3).
    auto store = open_sqlite_store(path);
    if (!store) return store.error();
  }
  auto db = sqlite_internal::open_connection(path, false);
  if (!db) return db.error();
  auto store = std::make_unique<SqliteServiceStore>(std::move(db).value(), path);
  TINCAY_TRY(store->init());
  return std::unique_ptr<ServiceStore>(std::move(store));
}

Result<SqliteStores> open_sqlite_shared_stores(const std::string& path) {
  auto db = sqlite_internal::open_connection(path, true);
  if (!db) return db.error();
  SqliteStores out;
  auto store = sqlite_internal::open_store_on(*db, path);  // applies the migrations
  if (!store) return store.error();
  out.store = std::move(store).value();
  auto service = std::make_unique<SqliteServiceStore>(std::move(db).value(), path);
  TINCAY_TRY(service->init());
  out.service = std::move(service);
  return out;
}

}  // namespace tincay
