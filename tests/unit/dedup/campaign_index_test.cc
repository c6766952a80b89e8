// Near-duplicate signatures and the streaming campaign index.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tincay/core/thread_pool.h"
#include "tincay/dedup.h"
#include "tincay/normalize.h"
#include "tincay/pipeline.h"

#include "src/detect/dedup/text_features.h"

namespace tincay {
namespace {

class FakeClock final : public Clock {
 public:
  std::int64_t now_unix() const override { return now; }
  double monotonic_seconds() const override { return static_cast<double>(now); }
  std::int64_t now = 1'700'000'000;
};

NormalizedText norm(const std::string& s) {
  static const Normalizer n = Normalizer::create({}).value();  // immutable; shared by the tests
  return n.normalize(s);
}

Post post(const std::string& id, const std::string& author, const std::string& text,
          std::optional<std::int64_t> at = std::nullopt) {
  Post p;
  p.id = id;
  p.author_key = author;
  p.text = text;
  p.created_unix = at;
  return p;
}

const std::string kBase =
    "Tuyển cộng tác viên làm việc tại nhà, thu nhập 500k mỗi ngày, inbox ngay";

TEST(DedupKey, IgnoresAccentsEmojiPunctuationAndCase) {
  EXPECT_EQ(dedup_key(norm("Tuyển CTV!!! 🔥🔥 làm tại nhà...")),
            dedup_key(norm("tuyen ctv lam tai nha")));
  EXPECT_EQ(dedup_key(norm("🔥🔥 !!!")), "");
}

TEST(MinHasher, SimilarityTracksOverlap) {
  const MinHasher h;
  const auto a = h.signature(dedup_key(norm(kBase)));
  const auto same = h.signature(dedup_key(norm(kBase + " 🔥")));
  const auto near = h.signature(dedup_key(
      norm("Tuyen cong tac vien lam viec tai nha, thu nhap 500k moi ngay, inbox ngay nhé cả nhà")));
  const auto other = h.signature(dedup_key(norm("Hôm nay trời đẹp, cả nhà đi picnic ở công viên")));
  EXPECT_EQ(a.size(), 60u);
  EXPECT_DOUBLE_EQ(MinHasher::similarity(a, same), 1.0);
  EXPECT_GT(MinHasher::similarity(a, near), 0.6);
  EXPECT_LT(MinHasher::similarity(a, other), 0.2);
}

TEST(CampaignIndex, FlagsTheClusterWhenItReachesNDistinctAuthors) {
  FakeClock clock;
  CampaignOptions opts;
  opts.min_authors = 3;
  CampaignIndex index(opts, clock);
  std::vector<std::string> variants = {
      kBase, kBase + " 🔥🔥",
      "tuyen cong tac vien lam viec tai nha, thu nhap 500k moi ngay, inbox ngay"};
  std::string first_cluster;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    std::vector<Finding> findings;
    const ClusterInfo info = index.observe(
        post("p" + std::to_string(i), "author" + std::to_string(i), variants[i], 100 + i),
        norm(variants[i]), findings);
    if (i == 0) first_cluster = info.cluster_id;
    EXPECT_EQ(info.cluster_id, first_cluster);
    EXPECT_EQ(info.size, i + 1);
    EXPECT_EQ(info.authors, i + 1);
    if (i < 2) {
      EXPECT_TRUE(findings.empty());
    } else {
      ASSERT_EQ(findings.size(), 1u);
      EXPECT_EQ(findings[0].category, Category::kSpam);
      EXPECT_EQ(findings[0].detector, "dup:" + first_cluster);
      EXPECT_NE(findings[0].value->find("authors=3"), std::string::npos);
    }
  }
  // An unrelated post starts its own cluster.
  std::vector<Finding> findings;
  const ClusterInfo other = index.observe(post("x", "author9", "Chúc mừng sinh nhật em gái", 110),
                                          norm("Chúc mừng sinh nhật em gái"), findings);
  EXPECT_NE(other.cluster_id, first_cluster);
  EXPECT_EQ(other.size, 1u);
  EXPECT_TRUE(findings.empty());
}

TEST(CampaignIndex, OneAuthorRepeatingIsNotACampaign) {
  FakeClock clock;
  CampaignOptions opts;
  opts.min_authors = 3;
  CampaignIndex index(opts, clock);
  for (int i = 0; i < 10; ++i) {
    std::vector<Finding> findings;
    const ClusterInfo info =
        index.observe(post("p" + std::to_string(i), "same", kBase, 100 + i), norm(kBase), findings);
    EXPECT_EQ(info.authors, 1u);
    EXPECT_EQ(info.size, static_cast<std::size_t>(i + 1));
    EXPECT_TRUE(findings.empty());
  }
}

// The signature loop has a vectorized path; whichever runs must give the documented hash family
// bit for bit: function j maps a shingle hash h to the high 32 bits of (a_j * h + b_j) mod 2^64,
// with a_j (odd) and b_j drawn from splitmix64 of the seed in turn.
TEST(MinHasher, SignatureIsTheMultiplyShiftFamilyBitForBit) {
  for (const std::size_t bands : {20u, 7u, 1u}) {
    MinHashOptions opts;
    opts.bands = bands;
    opts.rows = 3;
    const MinHasher hasher(opts);
    std::vector<std::uint64_t> a;
    std::vector<std::uint64_t> b;
    std::uint64_t state = opts.seed;
    for (std::size_t j = 0; j < hasher.size(); ++j) {
      state = features::mix64(state);
      a.push_back(state | 1);
      state = features::mix64(state);
      b.push_back(state);
    }
    std::string key;
    for (int round = 0; round < 60; ++round) {
      // Keys of 1 to ~600 bytes: fewer than one shingle, and more than one buffered chunk.
      key += static_cast<char>('a' + (round * 7) % 26);
      if (round % 5 == 0) key += " tuyen ctv lam tai nha thu nhap cao ";
      std::vector<std::uint32_t> want(hasher.size(), ~0U);
      const std::size_t k = std::min<std::size_t>(opts.shingle_bytes, key.size());
      for (std::size_t i = 0; i + k <= key.size(); ++i) {
        const std::uint64_t h = features::hash_bytes(std::string_view(key).substr(i, k));
        for (std::size_t j = 0; j < want.size(); ++j) {
          want[j] = std::min(want[j], static_cast<std::uint32_t>((a[j] * h + b[j]) >> 32));
        }
      }
      ASSERT_EQ(hasher.signature(key), want) << "bands=" << bands << " key size " << key.size();
    }
  }
}

TEST(CampaignIndex, ForgetsPostsOutsideTheWindow) {
  FakeClock clock;
  CampaignOptions opts;
  opts.min_authors = 3;
  opts.window_seconds = 60;
  CampaignIndex index(opts, clock);
  std::vector<Finding> findings;
  // Three authors, but each 100 s after the previous one: never three inside 60 s.
  for (int i = 0; i < 3; ++i) {
    const ClusterInfo info =
        index.observe(post("p" + std::to_string(i), "a" + std::to_string(i), kBase, 1000 + 100 * i),
                      norm(kBase), findings);
    EXPECT_EQ(info.size, 1u);
    EXPECT_EQ(index.posts_in_window(), 1u);
  }
  EXPECT_TRUE(findings.empty());
}

TEST(CampaignIndex, PostsWithoutTimeUseTheInjectedClock) {
  FakeClock clock;
  CampaignOptions opts;
  opts.min_authors = 2;
  opts.window_seconds = 60;
  CampaignIndex index(opts, clock);
  std::vector<Finding> findings;
  (void)index.observe(post("p0", "a0", kBase), norm(kBase), findings);
  clock.now += 61;
  const ClusterInfo late = index.observe(post("p1", "a1", kBase), norm(kBase), findings);
  EXPECT_EQ(late.size, 1u);  // the first post left the window
  clock.now += 10;
  const ClusterInfo soon = index.observe(post("p2", "a2", kBase), norm(kBase), findings);
  EXPECT_EQ(soon.size, 2u);
  EXPECT_TRUE(soon.campaign);
}

TEST(CampaignIndex, MemoryIsBoundedByMaxPosts) {
  FakeClock clock;
  CampaignOptions opts;
  opts.max_posts = 500;
  CampaignIndex index(opts, clock);
  std::vector<Finding> findings;
  for (int i = 0; i < 1200; ++i) {
    const std::string text =
        "bài viết số " + std::to_string(i * 7919) + " về chủ đề " + std::to_string(i * 104729);
    (void)index.observe(post("p" + std::to_string(i), "a", text, 100), norm(text), findings);
  }
  EXPECT_EQ(index.posts_in_window(), 500u);
  EXPECT_LE(index.clusters(), 500u);
}

// Posts are stored in blocks of a few thousand: clusters must survive block boundaries, eviction
// of whole blocks, and an index that empties completely and starts again.
TEST(CampaignIndex, ClustersSpanStorageBlocksAndSurviveEmptying) {
  FakeClock clock;
  CampaignOptions opts;
  opts.min_authors = 3;
  opts.window_seconds = 1000;
  opts.max_posts = 6000;
  CampaignIndex index(opts, clock);
  std::vector<Finding> findings;
  std::string first_id;
  std::uint64_t rng = 42;
  for (int i = 0; i < 13000; ++i) {
    // Five random 7-digit numbers: unrelated shingle sets, so no filler joins another.
    std::string text = "mã đơn";
    for (int w = 0; w < 5; ++w) {
      rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
      text += " " + std::to_string(1000000 + (rng >> 33) % 9000000);
    }
    const ClusterInfo info =
        index.observe(post("f" + std::to_string(i), "a", text, 100), norm(text), findings);
    ASSERT_FALSE(info.joined) << i;
    // Every 1,000th post is the campaign text, from a new author each time.
    if (i % 1000 == 999) {
      const ClusterInfo c =
          index.observe(post("c" + std::to_string(i), "author" + std::to_string(i), kBase, 100),
                        norm(kBase), findings);
      if (first_id.empty()) first_id = c.cluster_id;
      // Older copies beyond max_posts are gone: at most 6 copies fit in 6,000 posts.
      EXPECT_EQ(c.cluster_id, first_id) << i;
      EXPECT_LE(c.size, 7u);
    }
  }
  EXPECT_LE(index.posts_in_window(), 6000u);
  // Time moves past the window: everything is forgotten, then the index works again.
  findings.clear();
  const ClusterInfo fresh = index.observe(post("late0", "x", kBase, 5000), norm(kBase), findings);
  EXPECT_EQ(fresh.size, 1u);
  EXPECT_EQ(index.posts_in_window(), 1u);
  const ClusterInfo again = index.observe(post("late1", "y", kBase, 5001), norm(kBase), findings);
  EXPECT_TRUE(again.joined);
  EXPECT_EQ(again.size, 2u);
  EXPECT_EQ(again.authors, 2u);
}

// Exact repeats take a shortcut (the newest live copy's signature); once that copy has left the
// window the repeat must start afresh, never reach back to an evicted post.
TEST(CampaignIndex, ExactRepeatsJoinTheirCopyOnlyWhileItIsInTheWindow) {
  FakeClock clock;
  CampaignOptions opts;
  opts.max_posts = 3;
  CampaignIndex index(opts, clock);
  std::vector<Finding> findings;
  const ClusterInfo first = index.observe(post("a0", "x", kBase, 100), norm(kBase), findings);
  const ClusterInfo again = index.observe(post("a1", "y", kBase, 101), norm(kBase), findings);
  EXPECT_TRUE(again.joined);
  EXPECT_EQ(again.cluster_id, first.cluster_id);
  EXPECT_DOUBLE_EQ(again.similarity, 1.0);
  EXPECT_EQ(again.size, 2u);
  for (int i = 0; i < 3; ++i) {
    const std::string other = "tin khác hẳn số " + std::to_string(i * 7919) + " về thời tiết";
    (void)index.observe(post("o" + std::to_string(i), "z", other, 102), norm(other), findings);
  }
  const ClusterInfo late = index.observe(post("a2", "w", kBase, 103), norm(kBase), findings);
  EXPECT_FALSE(late.joined);
  EXPECT_EQ(late.size, 1u);
  EXPECT_NE(late.cluster_id, first.cluster_id);
  // A near-duplicate (one word changed) still joins through MinHash, and a repeat of it joins too.
  const std::string near = kBase + " nhé";
  const ClusterInfo variant = index.observe(post("a3", "v", near, 104), norm(near), findings);
  EXPECT_TRUE(variant.joined);
  EXPECT_EQ(variant.cluster_id, late.cluster_id);
  EXPECT_LT(variant.similarity, 1.0);
  const ClusterInfo repeat = index.observe(post("a4", "u", near, 105), norm(near), findings);
  EXPECT_EQ(repeat.cluster_id, late.cluster_id);
  EXPECT_EQ(repeat.size, 3u);
}

TEST(CampaignIndex, CampaignTakesTheCategoryItsPostsAreFlaggedFor) {
  FakeClock clock;
  CampaignOptions opts;
  opts.min_authors = 2;
  CampaignIndex index(opts, clock);
  for (int i = 0; i < 2; ++i) {
    std::vector<Finding> findings;
    Finding f;
    f.category = Category::kHarassment;
    f.detector = "rule:test";
    f.score = 0.9;
    findings.push_back(f);
    (void)index.observe(post("p" + std::to_string(i), "a" + std::to_string(i), kBase, 100),
                        norm(kBase), findings);
    if (i == 1) {
      ASSERT_EQ(findings.size(), 2u);
      EXPECT_EQ(findings[1].category, Category::kHarassment);
    }
  }
}

TEST(CampaignIndex, NeverLabelsACampaignMisinformation) {
  FakeClock clock;
  CampaignOptions opts;
  opts.min_authors = 2;
  CampaignIndex index(opts, clock);
  for (int i = 0; i < 2; ++i) {
    std::vector<Finding> findings;
    Finding f;
    f.category = Category::kMisinformation;
    f.detector = "claim:x";
    f.score = 0.9;
    findings.push_back(f);
    (void)index.observe(post("p" + std::to_string(i), "a" + std::to_string(i), kBase, 100),
                        norm(kBase), findings);
    if (i == 1) {
      ASSERT_EQ(findings.size(), 2u);
      EXPECT_EQ(findings[1].category, Category::kSpam);
    }
  }
}

// The campaign step runs in input order after the parallel detectors, so the decisions do not
// depend on the number of threads.
TEST(PipelineCampaigns, DecisionsDoNotDependOnThreads) {
  std::vector<Post> posts;
  for (int i = 0; i < 300; ++i) {
    const std::string text = i % 3 == 0 ? kBase + " " + std::to_string(i % 7)
                                        : "bình luận thường số " + std::to_string(i * 31);
    posts.push_back(post("p" + std::to_string(i), "a" + std::to_string(i % 11), text, 1000 + i));
  }
  auto run = [&](std::size_t threads) {
    PipelineOptions opts;
    opts.data_dir = TINCAY_SOURCE_DIR;
    opts.campaign.min_authors = 4;
    auto pipeline = Pipeline::create(opts);
    EXPECT_TRUE(pipeline.has_value()) << pipeline.error().to_string();
    ThreadPool pool(threads);
    std::vector<std::string> out;
    for (std::size_t at = 0; at < posts.size(); at += 64) {
      std::vector<Post> batch(
          posts.begin() + static_cast<std::ptrdiff_t>(at),
          posts.begin() + static_cast<std::ptrdiff_t>(std::min(at + 64, posts.size())));
      const std::vector<Decision> ds = (*pipeline)->process_batch(batch, pool);
      for (std::size_t i = 0; i < ds.size(); ++i)
        out.push_back(decision_to_json(ds[i], batch[i].text));
    }
    return out;
  };
  const auto one = run(1);
  const auto three = run(3);
  EXPECT_EQ(one, three);
  std::size_t campaigns = 0;
  for (const std::string& j : one) campaigns += j.find("\"dup:") != std::string::npos ? 1 : 0;
  EXPECT_GT(campaigns, 50u);
}

}  // namespace
}  // namespace tincay
