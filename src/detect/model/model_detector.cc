// The model detector: runs each loaded model on a post and turns the labels that map to a
// category into findings named "model:<name>@<version>", scored by the calibrated probability.
#include <algorithm>
#include <cstdio>

#include "tincay/detect/model.h"

namespace tincay {
namespace {

class ModelDetector final : public Detector {
 public:
  ModelDetector(std::vector<std::unique_ptr<Model>> models, double min_score)
      : models_(std::move(models)), min_score_(min_score) {}

  void detect(const Post& post, const NormalizedText& text,
              std::vector<Finding>& out) const override {
    float probs[kMaxModelLabels];
    // The rule and PII findings made before this detector ran (kMetaRules models read them);
    // this detector's own findings, appended below, are not among them.
    const std::size_t prior_count = out.size();
    for (const auto& model : models_) {
      model->predict(text, post.text, std::span<const Finding>(out.data(), prior_count), probs);
      const ModelInfo& info = model->info();
      const bool softmax = info.head == ModelHead::kSoftmax;
      for (std::size_t k = 0; k < info.labels.size(); ++k) {
        if (!info.categories[k]) continue;
        // Several labels may map to one category (e.g. SPAM_1..SPAM_3 → spam): the finding
        // is per category, scored by the sum of their probabilities (softmax labels exclude
        // each other) or the largest (independent labels); the first such label reports it.
        bool first = true;
        float score = probs[k];
        for (std::size_t j = 0; j < info.labels.size(); ++j) {
          if (j == k || info.categories[j] != info.categories[k]) continue;
          if (j < k) first = false;
          score = softmax ? score + probs[j] : std::max(score, probs[j]);
        }
        if (!first || score < min_score_) continue;
        std::string names = info.labels[k];
        for (std::size_t j = k + 1; j < info.labels.size(); ++j) {
          if (info.categories[j] == info.categories[k]) names += "/" + info.labels[j];
        }
        Finding f;
        f.category = *info.categories[k];
        f.detector = model->detector_name();
        f.score = std::min(1.0, static_cast<double>(score));
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%.2f", f.score);
        f.reason =
            "classifier " + info.name + " labels the text " + names + " with probability " + buf;
        f.truncated = text.truncated;
        out.push_back(std::move(f));
      }
    }
  }

  std::map<std::string, std::string> model_versions() const override {
    std::map<std::string, std::string> versions;
    for (const auto& m : models_) versions[m->info().name] = m->info().version;
    return versions;
  }

 private:
  std::vector<std::unique_ptr<Model>> models_;
  double min_score_;
};

}  // namespace

Result<std::unique_ptr<Detector>> load_model_detector(const std::vector<std::string>& paths,
                                                      double min_score) {
  std::vector<std::unique_ptr<Model>> models;
  for (const std::string& path : paths) {
    auto model = Model::load(path);
    if (!model) return model.error();
    for (const auto& other : models) {
      if (other->info().name == (*model)->info().name) {
        return make_error(ErrorCode::kInvalidInput,
                          "two model files are named " + other->info().name, path);
      }
    }
    // A model none of whose labels maps to a category can flag nothing: validated, not run.
    const auto& categories = (*model)->info().categories;
    if (std::none_of(categories.begin(), categories.end(),
                     [](const auto& c) { return c.has_value(); })) {
      continue;
    }
    models.push_back(std::move(model).value());
  }
  return std::unique_ptr<Detector>(std::make_unique<ModelDetector>(std::move(models), min_score));
}

}  // namespace tincay
