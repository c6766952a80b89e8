// Near-duplicate signatures and the streaming campaign index.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tincay/core/thread_pool.h"
#include "tincay/dedup.h"
#include "tincay/normalize.h"
#include "tincay/pipeline.h"

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
