// The rollup buffer both stores keep (docs/trends.md): TrendPosts of newly inserted posts are
// summed in memory and written as cells every so often, since merging cells costs a read and a
// write per cell and most cells of a batch (platform, emotion, hour) are shared by its posts.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>
#include <vector>

#include "tincay/core/category.h"
#include "tincay/core/trends.h"
#include "tincay/store.h"

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

// The categories of a comma-separated list (both stores' aggregate of a post's flagged
// categories); names that are not categories are skipped.
inline std::vector<Category> parse_category_list(std::string_view csv) {
  std::vector<Category> out;
  for (std::size_t begin = 0; begin < csv.size();) {
    std::size_t end = csv.find(',', begin);
    if (end == std::string_view::npos) end = csv.size();
    if (auto c = parse_category(csv.substr(begin, end - begin))) out.push_back(*c);
    begin = end + 1;
  }
  return out;
}

// One page of Store::rebuild_trends, the same in both stores: the page's rollup contributions
// go into `buffer`, which `merge` writes whenever it is full.
template <class Merge>
Status add_rebuild_page(const std::vector<TrendSource>& sources, const TrendContributor& contribute,
                        std::vector<TrendPost>& trends, PendingTrends& buffer, Merge&& merge) {
  trends.clear();
  TINCAY_TRY(contribute(sources, trends));
  if (trends.size() != sources.size()) {
    return make_error(ErrorCode::kInternal, "rollup contributions do not match the posts");
  }
  for (const TrendPost& t : trends) buffer.add(t);
  if (buffer.full()) {
    std::vector<TrendCell> cells = buffer.take();
    TINCAY_TRY(merge(cells));
  }
  return ok_status();
}

}  // namespace tincay
