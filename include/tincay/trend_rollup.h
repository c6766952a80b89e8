// tincay/trend_rollup.h — the trend rollup step of the pipeline (docs/trends.md): what a scanned
// post adds to the aggregate rollups — its phrases (from the text the pipeline normalized
// anyway), its emotion (the emotion model's label) and its flagged categories. Every writer
// (tincay scan, POST /v1/scan, tincay worker) gets these from Pipeline::process_batch; the Store
// counts each post once, when it is new. `tincay trends rebuild` uses it on stored posts.
//
// Thread safety: immutable after create(); contribution() may run on many threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tincay/analytics.h"
#include "tincay/core/decision.h"
#include "tincay/core/normalized_text.h"
#include "tincay/core/post.h"
#include "tincay/core/result.h"
#include "tincay/core/thread_pool.h"
#include "tincay/core/trends.h"
#include "tincay/detect/model.h"
#include "tincay/normalize.h"

namespace tincay {

// The bundled emotion model's path under `data_dir` (it may not exist).
std::string default_emotion_model_path(const std::string& data_dir);

class TrendRollup {
 public:
  // Loads the stop words (<data_dir>/data/analytics/stopwords-vi.txt, else the built-in list)
  // and the emotion model: `emotion_model` is a path, "" for the bundled
  // default_emotion_model_path(data_dir) when present, or "none". Errors name the file.
  // `normalizer` must outlive the rollup.
  static Result<std::unique_ptr<TrendRollup>> create(const Normalizer& normalizer,
                                                     const std::string& data_dir,
                                                     const std::string& emotion_model);

  // One post's contribution, from `text`, the post's text as `normalizer` normalized it. Posts
  // without created_at count at `fallback_unix`. `scratch` is reused across calls.
  TrendPost contribution(const Post& post, const Decision& decision, const NormalizedText& text,
                         std::int64_t fallback_unix, std::vector<float>& scratch) const;

  // Normalizes each post and fills out[i] for posts[i] on `pool`: for callers that did not run
  // the pipeline (rebuilding from stored posts). Scanning gets these from process_batch.
  void contributions(const std::vector<Post>& posts, const std::vector<Decision>& decisions,
                     ThreadPool& pool, std::int64_t fallback_unix,
                     std::vector<TrendPost>& out) const;

  // "model:<name>@<version>" of the emotion model, "" without one.
  std::string emotion_model_name() const;

  // Use create().
  TrendRollup(const Normalizer& normalizer, StopWords stop_words)
      : normalizer_(normalizer), stop_words_(std::move(stop_words)) {}

 private:
  const Normalizer& normalizer_;
  StopWords stop_words_;
  std::unique_ptr<Model> emotion_;
};

}  // namespace tincay
