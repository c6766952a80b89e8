// tincay/store.h — where posts and decisions are kept.
//
// One interface, so the embedded SQLite store and PostgreSQL serve the same callers.
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
#include "tincay/core/trends.h"

namespace tincay {

struct StoredScan {
  const Post* post = nullptr;
  const Decision* decision = nullptr;
  std::string_view decision_json;  // decision_to_json() output, kept verbatim
  // What the post adds to the trend rollups (docs/trends.md), or null. Added only when the post
  // is new to the store, so storing a post twice counts it once.
  const TrendPost* trend = nullptr;
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

  // Trend rollups (include/tincay/core/trends.h, docs/trends.md). put_scans buffers the
  // TrendPosts of new posts; this writes the buffer into the rollup cells (a store may also
  // flush on its own as the buffer grows). Call it before closing a store after put_scans.
  virtual Status flush_trends() { return ok_status(); }
  // Adds cells into the rollups (posts summed, author sketches merged), all or nothing: for
  // rebuilding rollups and loading pre-aggregated ones (the benchmark). Bypasses the new-post
  // check of put_scans, so the caller must not add a post twice.
  virtual Status add_trend_cells(std::vector<TrendCell> cells) {
    (void)cells;
    return make_error(ErrorCode::kInvalidArgument, "this store keeps no trend rollups");
  }
  // The rollup cells the query selects, per dim in query order. A store without rollups
  // fails with kInvalidArgument.
  virtual Result<std::vector<TrendCell>> trend_cells(const TrendCellQuery& query) {
    (void)query;
    return make_error(ErrorCode::kInvalidArgument, "this store keeps no trend rollups");
  }
};

// Opens (creating when missing) the SQLite database at `path`, in WAL mode, and applies the
// schema migrations it lacks. Fails with kDatabase naming the path and SQLite's reason.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path);

// Connects to the PostgreSQL database at `url` (postgresql://USER@HOST:PORT/DB?...) and applies
// the schema migrations it lacks (docs/schema.md). Fails with kUnavailable when the server cannot
// be reached, kDatabase otherwise. A Store whose connection breaks (server restart) reconnects on
// its next call; the failed call returns kUnavailable and wrote nothing.
Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url);

// Whether `location` names a PostgreSQL database (postgresql:// or postgres://).
bool is_postgres_location(std::string_view location);

// Opens the store `location` names: postgresql://... or postgres://... is PostgreSQL;
// sqlite://PATH or a plain PATH is a SQLite file.
Result<std::unique_ptr<Store>> open_store(const std::string& location);

}  // namespace tincay
