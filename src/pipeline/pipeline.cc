#include "tincay/pipeline.h"

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

  auto keywords = load_keyword_detector(options.data_dir + "/rules/keywords.tsv", p->normalizer_);
  if (!keywords) return keywords.error();
  p->detectors_.push_back(std::move(keywords).value());

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
  pool.parallel_for(posts.size(), [&](std::size_t /*worker*/, std::size_t i) {
    decisions[i] = process(posts[i]);
  });
  return decisions;
}

}  // namespace tincay
