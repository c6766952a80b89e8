// tincay/store.h — where posts and decisions are kept.
//
// One interface, so the embedded SQLite store and (later) PostgreSQL serve the same callers.
// Writes are idempotent upserts keyed by post id: storing the same post twice leaves one row.
// Raw author strings never reach a Store; Post only carries the pseudonymous author_key.
//
// Thread safety: a Store is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tincay/core/claim.h"
#include "tincay/core/decision.h"
#include "tincay/core/post.h"
#include "tincay/core/result.h"

namespace tincay {

struct StoredScan {
  const Post* post = nullptr;
  const Decision* decision = nullptr;
  std::string_view decision_json;  // decision_to_json() output, kept verbatim
};

class Store {
 public:
  virtual ~Store() = default;
  // Upserts every post and its decision in one transaction; all or nothing.
  virtual Status put_scans(const std::vector<StoredScan>& batch) = 0;
  virtual Result<std::int64_t> count_posts() = 0;
  virtual Result<std::int64_t> count_decisions() = 0;

  // Fact-checked claims (docs/claims.md). Upserts by claim id, all or nothing.
  virtual Status put_claims(const std::vector<Claim>& claims) = 0;
  // Every stored claim, ordered by id.
  virtual Result<std::vector<Claim>> list_claims() = 0;
  // Deletes the claim `id`; false when there was none.
  virtual Result<bool> remove_claim(const std::string& id) = 0;
};

// Opens (creating when missing) the SQLite database at `path`, in WAL mode, and applies the
// schema migrations it lacks. Fails with kDatabase naming the path and SQLite's reason.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path);

}  // namespace tincay
