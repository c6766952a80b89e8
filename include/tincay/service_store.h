// tincay/service_store.h — what `tincay serve` keeps beside posts and decisions: API keys (hashed),
// human reviews, appeals, and the hash-chained audit log; plus the read queries of the API (post
// detail, review queue, transparency numbers). Same database as Store (schema migration 3), SQLite
// or PostgreSQL.
//
// Thread safety: one ServiceStore per thread (each holds its own connection). Appends to the audit
// log must be serialized by the caller (the server has one writer lane).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tincay/core/result.h"
#include "tincay/store.h"

namespace tincay {

struct ApiKeyRecord {
  std::int64_t id = 0;
  std::string role;  // admin | reviewer | analyst | ingest
  std::string label;
  std::int64_t created_unix = 0;
  bool revoked = false;
};

// One entry of the audit log. hash = SHA-256 over audit_canonical(entry), which includes
// prev_hash, so editing, removing or reordering an entry breaks the chain from there on.
struct AuditEntry {
  std::int64_t seq = 0;  // 1, 2, 3, ... in append order
  std::int64_t at_unix = 0;
  std::string kind;       // decision | review | appeal | appeal_resolution | claim | key
  std::string subject;    // post id, appeal id, claim id or key id
  std::string actor;      // "key:<id>" or "cli"
  std::string payload;    // compact JSON with the facts of the event
  std::string prev_hash;  // hash of entry seq - 1; 64 zeros for the first
  std::string hash;
};

// The canonical serialization that is hashed: every field length-prefixed, so no two different
// entries serialize alike.
std::string audit_canonical(const AuditEntry& entry);
std::string audit_entry_hash(const AuditEntry& entry);

// Checks a chain read in storage order. nullopt when intact; otherwise a message naming the first
// entry that was edited, removed or reordered.
std::optional<std::string> verify_audit_chain(const std::vector<AuditEntry>& entries);

struct ReviewRecord {
  std::int64_t id = 0;
  std::string post_id;
  std::int64_t reviewer_key = 0;
  std::string outcome;   // uphold | overturn | recategorize
  std::string category;  // the new category for recategorize, else ""
  std::string note;
  std::int64_t at_unix = 0;
};

struct AppealRecord {
  std::int64_t id = 0;
  std::string post_id;
  std::string reason;
  std::int64_t filed_by_key = 0;
  std::int64_t filed_unix = 0;
  std::string status;             // open | upheld | reversed
  std::int64_t resolver_key = 0;  // 0 while open
  std::string resolution_note;
  std::int64_t resolved_unix = 0;
};

struct PostDetail {
  std::string id, platform, created_at, parent_id, url, lang, text;
  std::string decision_json;  // the stored decision record, verbatim; "" when none
  std::string action;
  std::int64_t decided_unix = 0;
  std::vector<ReviewRecord> reviews;
  std::vector<AppealRecord> appeals;
};

struct QueueFilter {
  std::string category;  // "" any; else a flagged category
  std::string action;    // "" any of review/remove/escalate; else one of them
  std::int64_t min_age_seconds = 0;
  std::int64_t max_age_seconds = 0;  // 0: no bound
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

struct AppealFilter {
  std::string status;  // "" any; else open, upheld or reversed
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

struct QueueItem {
  std::string post_id, action, text, categories_csv;
  std::int64_t decided_unix = 0;
};

// Rows for the transparency report over decisions/reviews/appeals with time in [from, to).
struct TransparencyRows {
  struct Count {
    std::string key1, key2;
    std::int64_t n = 0;
  };
  std::vector<Count> actions_by_category;  // category, action (flagged categories, action != allow)
  std::vector<Count> automated_actions;    // action, count (all automated decisions != allow)
  std::vector<Count> human_reviews;        // outcome, count
  std::vector<std::string> acted_records;  // decision JSON of decisions with action != allow
  std::int64_t decisions = 0;
  std::int64_t appeals_filed = 0, appeals_upheld = 0, appeals_reversed = 0, appeals_open = 0;
  std::vector<std::int64_t> review_delays;  // seconds from decision to first review, ascending
};

class ServiceStore {
 public:
  virtual ~ServiceStore() = default;

  // Keys: only the hash is stored. Returns the new key's id.
  virtual Result<std::int64_t> create_key(const std::string& key_hash, const std::string& role,
                                          const std::string& label, std::int64_t now) = 0;
  // The unrevoked key with this hash, or nullopt.
  virtual Result<std::optional<ApiKeyRecord>> find_key(const std::string& key_hash) = 0;
  virtual Result<std::vector<ApiKeyRecord>> list_keys() = 0;
  // false when there is no such key or it was already revoked.
  virtual Result<bool> revoke_key(std::int64_t id) = 0;

  // Appends one entry (its seq, prev_hash and hash are filled in here) in its own transaction.
  virtual Status append_audit(AuditEntry entry) = 0;
  // Appends many in one transaction (a scanned batch's decisions).
  virtual Status append_audit_batch(std::vector<AuditEntry> entries) = 0;
  virtual Result<std::vector<AuditEntry>> read_audit() = 0;

  virtual Result<std::optional<PostDetail>> get_post(const std::string& id) = 0;
  virtual Result<std::vector<QueueItem>> queue(const QueueFilter& filter, std::int64_t now) = 0;
  virtual Result<std::int64_t> queue_depth() = 0;

  // Stores a review with its audit entry in one transaction. Fails kNotFound without a decision.
  virtual Result<std::int64_t> add_review(const ReviewRecord& review, AuditEntry audit) = 0;
  virtual Result<std::int64_t> add_appeal(const AppealRecord& appeal, AuditEntry audit) = 0;
  virtual Result<std::optional<AppealRecord>> get_appeal(std::int64_t id) = 0;
  // Appeals with the filter's status, oldest first (open appeals are a work queue).
  virtual Result<std::vector<AppealRecord>> list_appeals(const AppealFilter& filter) = 0;
  // The reviewer of the post's latest review, or 0 when no human reviewed it.
  virtual Result<std::int64_t> last_reviewer(const std::string& post_id) = 0;
  // Sets the outcome of an open appeal; false when it was not open.
  virtual Result<bool> resolve_appeal(std::int64_t id, const std::string& status,
                                      std::int64_t resolver_key, const std::string& note,
                                      std::int64_t now, AuditEntry audit) = 0;

  virtual Result<TransparencyRows> transparency(std::int64_t from, std::int64_t to) = 0;
};

// Opens the database at `path` (creating it and applying every migration through
// open_sqlite_store) with a connection of its own.
Result<std::unique_ptr<ServiceStore>> open_sqlite_service_store(const std::string& path);

// A Store and a ServiceStore on ONE connection to the SQLite file at `path` (created and migrated
// as by open_sqlite_store), for a single writer that uses both, one call at a time, never from
// two threads at once. Two connections to one file empty each other's page cache on every commit;
// sharing one keeps the pages that alternating transactions (a scan's decisions, then their audit
// entries) touch in memory.
struct SqliteStores {
  std::unique_ptr<Store> store;
  std::unique_ptr<ServiceStore> service;
};
Result<SqliteStores> open_sqlite_shared_stores(const std::string& path);

// Connects to the PostgreSQL database at `url` (applying every migration, as open_postgres_store
// does) with a connection of its own. Appends to the audit log are serialized by the database
// (an advisory lock), so several processes may share one chain.
Result<std::unique_ptr<ServiceStore>> open_postgres_service_store(const std::string& url);

// Opens the service store `location` names: postgresql://... or postgres://... is PostgreSQL,
// sqlite://PATH or a plain PATH is a SQLite file (see open_store in store.h).
Result<std::unique_ptr<ServiceStore>> open_service_store(const std::string& location);

}  // namespace tincay
