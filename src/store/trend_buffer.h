// The rollup buffer both stores keep (docs/trends.md): TrendPosts of newly inserted posts are
// summed in memory and written as cells every so often, since merging cells costs a read and a
// write per cell and most cells of a batch (platform, emotion, hour) are shared by its posts.
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

#include "tincay/core/trends.h"

namespace tincay {

class PendingTrends {
 public:
  // Written after this many posts or cells (bounds memory), or once the oldest buffered post
  // waited this long (bounds what a crash loses and how stale another process's reads are; a
  // shorter age costs a busy writer more merges of the same cells: 5 s added about 3% to the CPU
  // of a 15-second tincay scan).
  static constexpr std::size_t kFlushPosts = 100000;
  static constexpr std::size_t kFlushCells = 400000;
  static constexpr std::chrono::seconds kFlushAge{30};

  void add(const TrendPost& post) {
    if (buffer_.posts() == 0) since_ = std::chrono::steady_clock::now();
    buffer_.add(post);
  }
  bool empty() const { return buffer_.posts() == 0; }
  // Whether the buffer should be written now.
  bool due() const {
    return full() || (!empty() && std::chrono::steady_clock::now() - since_ >= kFlushAge);
  }
  bool full() const { return buffer_.posts() >= kFlushPosts || buffer_.cells() >= kFlushCells; }
  // The cells to write (capped per group, TrendCellBuffer::take); empties the buffer.
  std::vector<TrendCell> take() { return buffer_.take(); }

 private:
  TrendCellBuffer buffer_;
  std::chrono::steady_clock::time_point since_;
};

}  // namespace tincay
