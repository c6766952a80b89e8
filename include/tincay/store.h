// tincay/store.h — where posts and decisions are kept.
//
// One interface, so the embedded SQLite store and PostgreSQL serve the same callers.
// Writes are idempotent upserts keyed by post id: storing the same post twice leaves one row.
// Raw author strings never reach a Store; Post only carries the pseudonymous author_key.
//
// Thread safety: a Store is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
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

// What rebuilding the trend rollups needs of one stored post.
struct TrendSource {
  Post post;                       // id, platform, author_key, created_at/created_unix, text
  std::vector<Category> flagged;   // the stored decision's flagged categories (score >= 0.5)
  std::int64_t ingested_unix = 0;  // when it was first stored: the time of a post without one
};
// Fills out[i] with what page[i] adds to the rollups; an error aborts the rebuild.
using TrendContributor =
    std::function<Status(const std::vector<TrendSource>& page, std::vector<TrendPost>& out)>;
// Told after each page: posts done so far, posts in all.
using TrendProgress = std::function<void(std::int64_t done, std::int64_t total)>;

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
  // TrendPosts of posts it newly inserted (a post already stored counts nothing, so a redelivered
  // or re-scanned post is counted once); this writes the buffer into the rollup cells. A store
  // also flushes on its own after 100,000 posts, 400,000 cells or 30 seconds (at the next
  // put_scans), and before its own trend_cells reads. Call it before closing a store after
  // put_scans, and when idle.
  virtual Status flush_trends() { return ok_status(); }
  // Copies what the write-ahead log holds into the database file now, without waiting for
  // readers (SQLite's passive checkpoint; nothing elsewhere). A single writer calls it between
  // its own transactions, in moments it chooses, so that the automatic checkpoint, which runs
  // inside a commit and holds up everything queued behind it, is rarely needed.
  virtual Status checkpoint() { return ok_status(); }
  // Adds cells into the rollups (posts summed, author sketches merged), all or nothing: for
  // rebuilding rollups and loading pre-aggregated ones (the benchmark). Bypasses the new-post
  // check of put_scans, so the caller must not add a post twice.
  // By value: the stores merge the stored counts into the cells they are given.
  // NOLINTNEXTLINE(performance-unnecessary-value-param)
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
  // Hands the cells trend_cells(query) selects to `each`, one at a time and in the same order,
  // without building them all in memory (a month of hour cells is a million); a cell is valid
  // only during its call. An error from `each` stops the read and is returned.
  virtual Status visit_trend_cells(const TrendCellQuery& query,
                                   const std::function<Status(const TrendCell&)>& each) {
    auto cells = trend_cells(query);
    if (!cells) return cells.error();
    for (const TrendCell& c : *cells) TINCAY_TRY(each(c));
    return ok_status();
  }
  // Recomputes every rollup cell from the stored posts in one transaction: deletes the cells,
  // hands the stored posts (in id order, `page_size` at a time) to `contribute`, and adds what
  // it returns. Readers see the old cells until it commits; any error leaves them as they were.
  // Rollup flushes of other writers wait until it commits; run it with writers stopped, since
  // posts they stored but had not flushed yet would be counted twice. `progress` may be empty.
  virtual Status rebuild_trends(const TrendContributor& contribute, const TrendProgress& progress,
                                std::size_t page_size = 2048) {
    (void)contribute;
    (void)progress;
    (void)page_size;
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
