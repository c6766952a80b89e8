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
  if (options.campaigns) {
    p->campaign_ = std::make_unique<CampaignIndex>(
        options.campaign, options.clock != nullptr ? *options.clock : p->system_clock_);
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
  std::vector<Decision> decisions(posts.size());
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
  pool.parallel_for(posts.size(), [&](std::size_t /*worker*/, std::size_t i) {
    decisions[i] = policy_.decide(posts[i], std::move(findings[i]), model_versions_);
  });
  return decisions;
}

}  // namespace tincay
