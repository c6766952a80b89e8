// The trend rollup step of tincay scan (docs/trends.md): for each scanned post, what it adds to
// the aggregate rollups — its phrases (from the normalized text), its emotion (from the emotion
// model, when there is one) and its flagged categories. The store counts it once, when new.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tincay/analytics.h"
#include "tincay/core/decision.h"
#include "tincay/core/post.h"
#include "tincay/core/result.h"
#include "tincay/core/thread_pool.h"
#include "tincay/core/trends.h"
#include "tincay/detect/model.h"
#include "tincay/normalize.h"

namespace tincay::cli {

class TrendRollup {
 public:
  // Loads the stop words and the emotion model: `emotion_model` is a path, "" for the bundled
  // <data_dir>/models/emotion/vsmec.model when present, or "none". Errors name the file.
  static Result<std::unique_ptr<TrendRollup>> create(const Normalizer& normalizer,
                                                     const std::string& data_dir,
                                                     const std::string& emotion_model);

  // Fills out[i] for posts[i] on `pool`. Posts without created_at count at `now_unix`.
  void contributions(const std::vector<Post>& posts, const std::vector<Decision>& decisions,
                     ThreadPool& pool, std::int64_t now_unix, std::vector<TrendPost>& out) const;

  // "model:<name>@<version>" of the emotion model, "" without one.
  std::string emotion_model_name() const;

  // Use create(). `normalizer` must outlive the rollup.
  TrendRollup(const Normalizer& normalizer, StopWords stop_words)
      : normalizer_(normalizer), stop_words_(std::move(stop_words)) {}

 private:
  const Normalizer& normalizer_;
  StopWords stop_words_;
  std::unique_ptr<Model> emotion_;
};

// The bundled emotion model's path under `data_dir` (it may not exist).
std::string default_emotion_model_path(const std::string& data_dir);

}  // namespace tincay::cli
