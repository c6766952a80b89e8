#include "tincay/trend_rollup.h"

#include <algorithm>
#include <filesystem>

namespace tincay {

std::string default_emotion_model_path(const std::string& data_dir) {
  return data_dir + "/models/emotion/vsmec.model";
}

Result<std::unique_ptr<TrendRollup>> TrendRollup::create(const Normalizer& normalizer,
                                                         const std::string& data_dir,
                                                         const std::string& emotion_model) {
  auto stop_words = load_default_stop_words(data_dir, &normalizer);
  if (!stop_words) return stop_words.error();
  auto rollup = std::make_unique<TrendRollup>(normalizer, std::move(*stop_words));
  std::string path = emotion_model;
  std::error_code ec;
  if (path.empty()) {
    path = default_emotion_model_path(data_dir);
    if (!std::filesystem::exists(path, ec)) path = "none";
  }
  if (path != "none") {
    auto model = Model::load(path);
    if (!model) return model.error();
    if ((*model)->info().head != ModelHead::kSoftmax) {
      return make_error(ErrorCode::kInvalidArgument,
                        "the emotion model must have a softmax head (one label per post)", path);
    }
    rollup->emotion_ = std::move(*model);
  }
  return rollup;
}

std::string TrendRollup::emotion_model_name() const {
  return emotion_ ? emotion_->detector_name() : std::string();
}

TrendPost TrendRollup::contribution(const Post& post, const Decision& decision,
                                    const NormalizedText& text, std::int64_t fallback_unix,
                                    std::vector<float>& scratch) const {
  std::string emotion;
  if (emotion_) {
    scratch.resize(emotion_->label_count());
    emotion_->predict(text, scratch.data());
    const auto best = static_cast<std::size_t>(std::max_element(scratch.begin(), scratch.end()) -
                                               scratch.begin());
    emotion = emotion_->info().labels[best];
  }
  return make_trend_post(post, decision, text, std::move(emotion), stop_words_, fallback_unix);
}

void TrendRollup::contributions(const std::vector<Post>& posts,
                                const std::vector<Decision>& decisions, ThreadPool& pool,
                                std::int64_t fallback_unix, std::vector<TrendPost>& out) const {
  out.resize(posts.size());
  // One normalized-text buffer and probability vector per worker, reused across its posts.
  std::vector<NormalizedText> texts(pool.size());
  std::vector<std::vector<float>> scratch(pool.size());
  pool.parallel_for(posts.size(), [&](std::size_t worker, std::size_t i) {
    normalizer_.normalize(posts[i].text, texts[worker]);
    out[i] = contribution(posts[i], decisions[i], texts[worker], fallback_unix, scratch[worker]);
  });
}

}  // namespace tincay
