// Proves that normalizing into a reused NormalizedText allocates nothing once its buffers have
// grown: this binary replaces the global operator new with a counting one (only here).
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tincay/normalize.h"

namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace tincay {
namespace {

std::vector<std::string> sample_posts() {
  std::vector<std::string> posts = {
      "Ko bít nói j luôn, đc ko? 😂😂 =))",
      "l.ừ.a đ.ả.o v i ệ c l à m nhẹ lương cao, liên hệ 0.9.7.8.1.2.3.4.5.6",
      "t nói m nghe vl bt ko, xem https://abc.vn/x?y=1 hoặc mail a.b@gmail.com #tag @ai",
      "HOÀ thuỷ khoẻ qúy 𝐋𝐮̛̀𝐚 ＤＡＯ ʟừᴀ tui thi ́ ch va ̉ i đươ ̣ c lừaaaa l0n",
      "giá 9.5 triệu, 300k, lúc 10:30 ngày 12/3/2024 tại TP.HCM",
  };
  // Real posts too, when the shared data sets are there.
  std::ifstream in(TINCAY_SHARED_DIR "/datasets/vihsd/dev.jsonl");
  std::string line;
  while (posts.size() < 500 && std::getline(in, line)) posts.push_back(line);  // JSON as text
  return posts;
}

TEST(NormalizeAllocations, NonePerPostOnceBuffersHaveGrown) {
  NormalizeOptions options;
  options.data_dir = TINCAY_SOURCE_DIR;
  const Normalizer n = Normalizer::create(options).value();
  const std::vector<std::string> posts = sample_posts();
  NormalizedText out;
  for (const std::string& p : posts) n.normalize(p, out);  // warm-up: buffers grow
  const std::size_t before = g_allocations.load();
  std::size_t bytes = 0;
  for (int round = 0; round < 3; ++round) {
    for (const std::string& p : posts) {
      n.normalize(p, out);
      bytes += out.text.size();
    }
  }
  EXPECT_EQ(g_allocations.load() - before, 0u);
  EXPECT_GT(bytes, 0u);
}

TEST(NormalizeAllocations, CounterSeesAllocations) {
  // The test above can fail: the fresh-result overload does allocate.
  NormalizeOptions options;
  const Normalizer n = Normalizer::create(options).value();
  const std::size_t before = g_allocations.load();
  const NormalizedText t = n.normalize("một câu tiếng Việt");
  EXPECT_GT(g_allocations.load() - before, 0u);
  EXPECT_FALSE(t.text.empty());
}

}  // namespace
}  // namespace tincay
