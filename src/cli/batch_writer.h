// Writes scanned batches (decision lines to a stream, posts and decisions to the store) on a
// thread of its own, so storing batch N overlaps with scanning batch N + 1. Batches are written
// in the order they were submitted; at most `max_pending` wait, which bounds memory.
#pragma once

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tincay/core/decision.h"
#include "tincay/core/post.h"
#include "tincay/core/result.h"
#include "tincay/store.h"

namespace tincay::cli {

struct ScannedBatch {
  std::vector<Post> posts;
  std::vector<Decision> decisions;  // decisions[i] belongs to posts[i]
  std::vector<std::string> lines;   // decision JSON, one per post, without newline
  std::vector<TrendPost> trends;    // rollup contributions, one per post, or empty
};

class BatchWriter {
 public:
  // `store` may be null (nothing stored). Both `out` and `store` must outlive the writer.
  BatchWriter(std::FILE* out, Store* store, std::size_t max_pending = 2);
  ~BatchWriter();
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // Queues a batch; blocks while max_pending batches are waiting. Returns the first write error
  // seen so far (after which later batches are dropped: the run must stop).
  Status submit(std::unique_ptr<ScannedBatch> batch);

  // Waits until everything queued is written, then returns the first error, if any.
  Status finish();

 private:
  void run();

  std::FILE* out_;
  Store* store_;
  std::size_t max_pending_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<ScannedBatch>> queue_;
  bool busy_ = false;
  bool stop_ = false;
  Status error_;
  std::thread thread_;
};

}  // namespace tincay::cli
