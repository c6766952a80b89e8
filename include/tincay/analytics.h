// tincay/analytics.h — aggregate public-opinion trends over stored posts (docs/trends.md).
//
// Two halves: at scan time, make_trend_post() reduces a post to what the rollups count (its hour,
// platform, flagged categories, emotion and phrases — never its text or author key); at query
// time, compute_trends() reads rollup cells and builds volumes, top phrases, topics, emotion and
// category shares and emerging issues, showing a number only when at least k distinct authors
// back it. A stage over core and normalize; the caller supplies the cells (from a Store).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tincay/core/decision.h"
#include "tincay/core/normalized_text.h"
#include "tincay/core/post.h"
#include "tincay/core/result.h"
#include "tincay/core/trends.h"
#include "tincay/normalize.h"

namespace tincay {

// Vietnamese stop words: single syllables are never part of a phrase, and a two-syllable stop
// phrase ("bởi vì") is never a phrase itself.
class StopWords {
 public:
  // Reads one stop word per line (syllables separated by spaces; '#' starts a comment line),
  // each normalized by `normalizer` when given so it matches normalized post text. Errors name
  // the file and line (a line that is not valid UTF-8).
  static Result<StopWords> load(const std::string& path, const Normalizer* normalizer = nullptr);
  // A short built-in list of function words, for when no list file is found.
  static StopWords builtin();
  // Adds one entry (lower-case, NFC, syllables separated by single spaces).
  void add(std::string_view entry);

  bool is_stop_syllable(std::string_view syllable) const;
  bool is_stop_phrase(std::string_view phrase) const;
  std::size_t size() const { return syllables_.size() + phrases_.size(); }

 private:
  std::set<std::string, std::less<>> syllables_;
  std::set<std::string, std::less<>> phrases_;
};

// A deployment's stop-word list, <data_dir>/data/analytics/stopwords-vi.txt, or the built-in list
// when that file is absent. Errors only for a file that exists but cannot be read.
Result<StopWords> load_default_stop_words(const std::string& data_dir,
                                          const Normalizer* normalizer = nullptr);

// Limits on what one post contributes; bound the rollup cost per post.
inline constexpr std::size_t kMaxPhrasesPerPost = 32;
inline constexpr std::size_t kMaxSyllablesPerPost = 48;
inline constexpr std::size_t kPairPhrasesPerPost = 6;  // pairs among the first 6 phrases

// Fills post.phrases (distinct two-syllable phrases of adjacent content syllables, not across
// punctuation or stop words), post.syllables and post.pairs from the normalized text.
void extract_phrases(const NormalizedText& text, const StopWords& stop_words, TrendPost& post);

// The rollup contribution of one scanned post. `emotion` is the emotion model's label ("" when
// none ran). Posts without created_at count at `fallback_unix` (the scan time).
TrendPost make_trend_post(const Post& post, const Decision& decision, const NormalizedText& text,
                          std::string emotion, const StopWords& stop_words,
                          std::int64_t fallback_unix);

// ---- Query side ----

// Burst detection on one phrase's per-bucket counts: z-score of each bucket against the mean and
// variance of the phrase's own previous `baseline` buckets (buckets inside a burst are left out
// of the baseline), z = (x - mean) / sqrt(max(variance, mean) + 1). With per-bucket totals of
// all posts, the baseline is the phrase's share of all posts and mean/variance are scaled by the
// bucket's total, so the daily cycle of the whole stream raises no alarm. An alarm fires when
// z >= z_alarm, x >= min_posts and x >= min_ratio * (mean + 1) (a rise that matters in size, not
// only in significance: busy phrases drift by tens of percent from day to day); the burst starts at
// the earliest preceding bucket still at z >= z_start and lasts while z >= z_start.
struct BurstOptions {
  std::size_t baseline = 0;  // buckets of baseline; 0: 48 for hours, 14 for days
  double z_alarm = 4.0;
  double z_start = 2.0;
  std::int64_t min_posts = 8;
  double min_ratio = 2.0;
};

struct Burst {
  std::size_t start = 0;   // first bucket of the burst
  std::size_t alarm = 0;   // bucket in which the alarm fired
  std::size_t peak = 0;    // bucket of the highest z
  std::size_t end = 0;     // one past the last bucket
  double z = 0.0;          // peak z
  std::int64_t posts = 0;  // posts in [start, end)
  double baseline = 0.0;   // expected posts in the alarm bucket
};

// Every burst in `counts`, oldest first.
// `totals`, when given, holds all posts per bucket (same size as `counts`).
std::vector<Burst> detect_bursts(const std::vector<std::int64_t>& counts,
                                 const BurstOptions& options,
                                 const std::vector<std::int64_t>* totals = nullptr);

struct TrendsOptions {
  std::int64_t from = 0;  // unix seconds; aligned down to the bucket
  std::int64_t to = 0;    // exclusive; aligned up to the bucket
  TrendLevel bucket = TrendLevel::kDay;
  std::size_t k = 10;    // distinct authors a shown number needs; 5..65
  std::size_t top = 30;  // top phrases, 1..200
  std::size_t max_topics = 15;
  std::size_t max_emerging = 20;
  BurstOptions burst;
  std::string emotion_model;  // "model:<name>@<version>" for the report, "" unknown
};

inline constexpr std::size_t kMinK = 5;
inline constexpr std::size_t kMaxK = AuthorSketch::kExactCap + 1;
inline constexpr std::size_t kMaxBuckets = 2000;

// Parses a range end: "YYYY-MM-DD" (midnight UTC) or RFC 3339. nullopt when malformed.
std::optional<std::int64_t> parse_trend_time(std::string_view text);

// Checks the options (k range, from < to, bucket count); the message names the bad field.
Status validate_trends_options(const TrendsOptions& options);

// A count that is shown only when backed by at least k distinct authors.
struct TrendCount {
  std::int64_t posts = 0;
  bool shown = false;
};

struct TrendSeries {
  std::string name;  // platform, category or emotion label
  std::vector<TrendCount> buckets;
  TrendCount total;
};

struct TrendShare {
  std::string name;
  std::optional<double> share;  // nullopt: suppressed
};

struct TopPhrase {
  std::string phrase;
  std::int64_t posts = 0;
  double score = 0.0;  // log-likelihood ratio G2 of the two syllables' co-occurrence
  int topic = -1;
};

struct TrendTopic {
  int id = 0;
  std::vector<std::string> phrases;  // most mentioned first
  TrendCount mentions;
  std::vector<TrendCount> series;
  std::vector<TrendShare> emotions;
  std::vector<TrendShare> categories;
};

struct EmergingIssue {
  std::string phrase;
  int topic = -1;
  std::int64_t started_at = 0;   // unix start of the burst's first bucket
  std::int64_t detected_at = 0;  // unix end of the alarm bucket
  std::int64_t peak_at = 0;
  double z = 0.0;
  std::int64_t posts = 0;
  double baseline = 0.0;  // expected posts in the alarm bucket from the phrase's baseline
};

struct TrendsReport {
  TrendsOptions options;  // from/to aligned
  std::vector<std::int64_t> buckets;
  std::vector<TrendCount> total;
  std::vector<TrendSeries> platforms;
  std::vector<TrendSeries> categories;
  std::vector<TrendSeries> emotions;
  std::vector<TopPhrase> phrases;
  std::vector<TrendTopic> topics;
  std::vector<EmergingIssue> emerging;
  std::size_t suppressed_cells = 0;
  std::size_t suppressed_phrases = 0;
  std::size_t suppressed_topics = 0;
};

// Reads rollup cells (usually Store::trend_cells).
using TrendCellReader = std::function<Result<std::vector<TrendCell>>(const TrendCellQuery&)>;
// Hands the cells a read selects to a visitor one at a time, in trend_cells order (usually
// Store::visit_trend_cells); an error from the visitor stops the read and is returned.
using TrendCellVisitor = std::function<Status(const TrendCell&)>;
using TrendCellStream = std::function<Status(const TrendCellQuery&, const TrendCellVisitor&)>;

// Builds the report for options.from..options.to. Errors: invalid options, or the stream's.
// Never holds more than a few thousand cells: a month of hour cells streams through.
Result<TrendsReport> compute_trends(const TrendCellStream& stream, const TrendsOptions& options);
// The same report from a reader that returns each read's cells at once (slower on big ranges).
Result<TrendsReport> compute_trends(const TrendCellReader& read, const TrendsOptions& options);

// The report as the JSON of GET /v1/trends (api/openapi.json, schema Trends).
std::string trends_to_json(const TrendsReport& report);
// A short plain-text summary for the terminal.
std::string trends_to_text(const TrendsReport& report);
// A self-contained SVG chart: volume per platform, top topics over time, emerging issues marked.
std::string trends_to_svg(const TrendsReport& report);
// The same chart as a PNG image, 960 pixels wide, drawn with cairo; text in the TrueType font at
// `font_path` (DejaVu Sans has every Vietnamese letter). Errors: the font file cannot be loaded
// (kNotFound, naming it), or drawing or encoding fails (kInternal, naming cairo's reason).
inline constexpr const char* kChartFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
Result<std::string> trends_to_png(const TrendsReport& report,
                                  const std::string& font_path = kChartFont);

}  // namespace tincay
