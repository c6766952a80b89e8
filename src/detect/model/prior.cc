// The detectors whose findings kMetaRules models take as features (train.h): the rule packs and
// the PII detectors, loaded and run exactly as the pipeline runs them before the model detector,
// so that a model sees the same findings in training, in `tincay eval` and in `tincay scan`.
#include "tincay/detect/train.h"

namespace tincay {

Result<PriorDetectors> load_prior_detectors(const std::string& rules_dir,
                                            const Normalizer& normalizer) {
  auto files = list_rule_pack_files(rules_dir);
  if (!files) return files.error();
  if (files->empty()) return make_error(ErrorCode::kNotFound, "no *.yaml rule packs", rules_dir);
  auto engine = load_rule_engine(*files, normalizer, RuleOptions{});
  if (!engine) return engine.error();
  PriorDetectors d;
  d.rules = std::move(engine).value();
  d.pii = make_pii_detector();
  return d;
}

void attach_prior_findings(const PriorDetectors& detectors,
                           const std::vector<std::string>& originals,
                           std::vector<LabeledText>& data, ThreadPool& pool) {
  TINCAY_CHECK(originals.size() == data.size(), "one original text per example");
  pool.parallel_for(data.size(), [&](std::size_t, std::size_t i) {
    Post post;
    post.text = originals[i];
    std::vector<Finding>& prior = data[i].prior;
    prior.clear();
    // The pipeline's order: rules, then PII (pipeline.cc).
    detectors.rules->detect(post, data[i].text, prior);
    detectors.pii->detect(post, data[i].text, prior);
    // Only what the features read is kept (memory: one entry per finding, no evidence).
    for (Finding& f : prior) {
      f.evidence.clear();
      f.evidence.shrink_to_fit();
      f.reason.clear();
      f.value.reset();
    }
  });
}

}  // namespace tincay
