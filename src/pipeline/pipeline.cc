#include "tincay/pipeline.h"

#include "tincay/claims.h"
#include "tincay/detect/model.h"

namespace tincay {

Result<std::unique_ptr<Pipeline>> Pipeline::create(const PipelineOptions& options) {
  if (options.data_dir.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "no data directory given");
  }
  NormalizeOptions nopts = options.normalize;
  if (nopts.data_dir.empty()) nopts.data_dir = options.data_dir;
  auto normalizer = Normalizer::create(nopts);
  if (!normalizer) return normalizer.error();
  std::unique_ptr<Pipeline> p(new Pipeline(std::move(normalizer).value(), Policy::defaults()));

  auto rules = load_rule_packs(options.data_dir + "/rules", p->normalizer_);
  if (!rules) return rules.error();
  p->detectors_.push_back(std::move(rules).value());
  p->detectors_.push_back(make_pii_detector());
  // Trained classifiers: every models/*.model of the data directory (docs/models.md). The
  // directory is optional (rules-only deployments); a model file that is there must load.
  // Models come after rules and PII: `--meta rules` models read their findings from the list.
  if (auto model_files = list_model_files(options.data_dir + "/models"); !model_files.empty()) {
    auto models = load_model_detector(model_files);
    if (!models) return models.error();
    p->detectors_.push_back(std::move(models).value());
  }

  if (!options.claims.empty()) {
    ClaimMatchOptions claim_options;
    TINCAY_TRY(load_claim_word_lists(options.data_dir, claim_options));
    p->detectors_.push_back(make_claim_detector(
        ClaimIndex::build(options.claims, p->normalizer_, std::move(claim_options))));
  }
  p->clock_ = options.clock != nullptr ? options.clock : &p->system_clock_;
  if (options.campaigns) {
    p->campaign_ = std::make_unique<CampaignIndex>(options.campaign, *p->clock_);
  }
  if (options.trends) {
    auto rollup = TrendRollup::create(p->normalizer_, options.data_dir, options.emotion_model);
    if (!rollup) return rollup.error();
    p->trend_rollup_ = std::move(rollup).value();
  }

  for (const auto& detector : p->detectors_) {
    for (auto& [name, version] : detector->model_versions()) p->model_versions_[name] = version;
  }
  return p;
}

Decision Pipeline::process(const Post& post) const {
  const NormalizedText text = normalizer_.normalize(post.text);
  std::vector<Finding> findings;
  for (const auto& detector : detectors_) detector->detect(post, text, findings);
  return policy_.decide(post, std::move(findings), model_versions_);
}

std::vector<Decision> Pipeline::process_batch(const std::vector<Post>& posts,
                                              ThreadPool& pool) const {
  return process_batch(posts, pool, nullptr);
}

std::vector<Decision> Pipeline::process_batch(const std::vector<Post>& posts, ThreadPool& pool,
                                              std::vector<TrendPost>* trends) const {
  std::vector<Decision> decisions(posts.size());
  if (trends != nullptr) trends->clear();
  if (trends != nullptr && trend_rollup_) {
    trends->resize(posts.size());
  } else {
    trends = nullptr;
  }
  // The rollup step reads the text the detectors saw: normalizing twice was most of its cost.
  const std::int64_t now = trends != nullptr ? clock_->now_unix() : 0;
  std::vector<std::vector<float>> scratch(trends != nullptr ? pool.size() : 0);
  if (!campaign_ && trends != nullptr) {
    std::vector<NormalizedText> texts(pool.size());  // one per worker, reused across its posts
    pool.parallel_for(posts.size(), [&](std::size_t worker, std::size_t i) {
      NormalizedText& text = texts[worker];
      normalizer_.normalize(posts[i].text, text);
      std::vector<Finding> findings;
      for (const auto& detector : detectors_) detector->detect(posts[i], text, findings);
      decisions[i] = policy_.decide(posts[i], std::move(findings), model_versions_);
      (*trends)[i] =
          trend_rollup_->contribution(posts[i], decisions[i], text, now, scratch[worker]);
    });
    return decisions;
  }
  if (!campaign_) {
    pool.parallel_for(posts.size(), [&](std::size_t /*worker*/, std::size_t i) {
      decisions[i] = process(posts[i]);
    });
    return decisions;
  }
  // Campaigns are stateful: the stateless detectors run in parallel, the campaign index then
  // sees the posts one at a time in input order, and the decisions are made in parallel again.
  std::vector<NormalizedText> texts(posts.size());
  std::vector<std::vector<Finding>> findings(posts.size());
  pool.parallel_for(posts.size(), [&](std::size_t /*worker*/, std::size_t i) {
    texts[i] = normalizer_.normalize(posts[i].text);
    for (const auto& detector : detectors_) detector->detect(posts[i], texts[i], findings[i]);
  });
  {
    const std::lock_guard<std::mutex> lock(campaign_mutex_);
    for (std::size_t i = 0; i < posts.size(); ++i) {
      (void)campaign_->observe(posts[i], texts[i], findings[i]);
    }
  }
  pool.parallel_for(posts.size(), [&](std::size_t worker, std::size_t i) {
    decisions[i] = policy_.decide(posts[i], std::move(findings[i]), model_versions_);
    if (trends != nullptr) {
      (*trends)[i] =
          trend_rollup_->contribution(posts[i], decisions[i], texts[i], now, scratch[worker]);
    }
  });
  return decisions;
}

}  // namespace tincay
