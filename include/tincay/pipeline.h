// tincay/pipeline.h — composes normalize → detect → decide for one post or a batch.
//
// The CLI, the server and the worker all go through a Pipeline, so a post gets exactly the same
// decision whichever way it arrives.
//
// Thread safety: immutable after create(); process() may run on many threads at once.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tincay/core/claim.h"
#include "tincay/core/decision.h"
#include "tincay/core/post.h"
#include "tincay/core/result.h"
#include "tincay/core/thread_pool.h"
#include "tincay/decide.h"
#include "tincay/dedup.h"
#include "tincay/detect.h"
#include "tincay/normalize.h"
#include "tincay/trend_rollup.h"

namespace tincay {

struct PipelineOptions {
  // Directory with rules/ and other data files (see docs/decision-format.md). Required.
  std::string data_dir;
  NormalizeOptions normalize;
  // Fact-checked claims to match posts against (from the store, or a --claims file); empty turns
  // claim matching off. See docs/claims.md.
  std::vector<Claim> claims;
  // Copy-paste campaign detection, fed in arrival order by process_batch (never by process).
  bool campaigns = true;
  CampaignOptions campaign;
  // Time for posts without created_at (campaign windows); nullptr: the system clock. Must outlive
  // the pipeline.
  const Clock* clock = nullptr;
  // Trend rollups (docs/trends.md): when on, process_batch can also say what each post adds to
  // the rollups, from the text it normalized anyway. `emotion_model` as TrendRollup::create takes
  // it ("" the bundled model when present, "none", or a path).
  bool trends = false;
  std::string emotion_model;
};

class Pipeline {
 public:
  // Loads the normalizer, the detectors and the policy. Errors name the data file at fault.
  static Result<std::unique_ptr<Pipeline>> create(const PipelineOptions& options);

  Decision process(const Post& post) const;

  // Processes `posts` on `pool`; decisions[i] belongs to posts[i]. With campaigns on, the
  // campaign index then sees the batch's posts one by one in order, so successive batches are a
  // stream: calls are serialized, and decisions do not depend on the pool's size. process() alone
  // never feeds the campaign index (a single post is not a stream).
  std::vector<Decision> process_batch(const std::vector<Post>& posts, ThreadPool& pool) const;
  // The same, and (*trends)[i] is what posts[i] adds to the trend rollups (posts without
  // created_at count at the clock's now). Without options.trends, *trends is left empty.
  std::vector<Decision> process_batch(const std::vector<Post>& posts, ThreadPool& pool,
                                      std::vector<TrendPost>* trends) const;

  const Policy& policy() const { return policy_; }
  // The normalizer every post goes through first (the rule playground shows its output).
  const Normalizer& normalizer() const { return normalizer_; }
  // The trend rollup step; null unless options.trends.
  const TrendRollup* trend_rollup() const { return trend_rollup_.get(); }

 private:
  Pipeline(Normalizer normalizer, Policy policy)
      : normalizer_(std::move(normalizer)), policy_(std::move(policy)) {}

  Normalizer normalizer_;
  std::vector<std::unique_ptr<Detector>> detectors_;
  Policy policy_;
  std::map<std::string, std::string> model_versions_;
  // Stateful across batches (see process_batch); the mutex keeps concurrent batches whole.
  SystemClock system_clock_;
  std::unique_ptr<CampaignIndex> campaign_;
  std::unique_ptr<TrendRollup> trend_rollup_;
  const Clock* clock_ = nullptr;
  mutable std::mutex campaign_mutex_;
};

}  // namespace tincay
