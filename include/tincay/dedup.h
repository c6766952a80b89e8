// tincay/dedup.h — near-duplicate posts and copy-paste campaigns (part of stage 3, detect).
//
// MinHash signatures over character shingles of a post's diacritics-free normalized text, LSH
// banding for candidates, and a streaming CampaignIndex that groups near-duplicates into clusters
// over a sliding time window. Unlike the stateless detectors of detect.h, the index is stateful:
// the pipeline feeds it posts one at a time, in arrival order (see Pipeline::process_batch).
//
// Safeguards: the index keeps, per cluster, only counts (posts, distinct author keys, flagged
// categories) and forgets every post that leaves the window. Nothing is kept per author.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tincay/core/category.h"
#include "tincay/core/decision.h"
#include "tincay/core/normalized_text.h"
#include "tincay/core/post.h"
#include "tincay/core/time.h"

namespace tincay {

struct MinHashOptions {
  std::size_t shingle_bytes = 4;  // shingle length in bytes of the dedup key (mostly ASCII)
  std::size_t bands = 20;         // LSH bands; bands * rows hash functions in all
  std::size_t rows = 3;           // rows per band: candidates from Jaccard ≈ (1/bands)^(1/rows)
  std::uint64_t seed = 0x7469'6e63'6179'2d31ULL;  // fixed so signatures are stable across runs
};

// The text near-duplicate detection compares: the diacritics-free shadow reduced to its words
// (letters and digits) separated by single spaces, so accents, emoji, punctuation and spacing
// do not matter. Empty when the post has no words.
std::string dedup_key(const NormalizedText& text);
// The same key written into `key` (cleared first), with `words` as scratch: no allocation once
// both have grown to a post's size.
void dedup_key(const NormalizedText& text, std::string& key, std::vector<ByteSpan>& words);

// Computes MinHash signatures. Immutable; signature() may run on many threads at once.
class MinHasher {
 public:
  explicit MinHasher(const MinHashOptions& options = {});

  // bands * rows minima over the key's shingles; empty when the key is empty. A key shorter
  // than one shingle is one shingle.
  std::vector<std::uint32_t> signature(std::string_view key) const;
  // The same signature written to out[0, size()). REQUIRES: `key` is not empty.
  void signature(std::string_view key, std::uint32_t* out) const;

  // The fraction of equal positions: an unbiased estimate of the shingle sets' Jaccard index.
  // REQUIRES: a.size() == b.size().
  static double similarity(const std::vector<std::uint32_t>& a,
                           const std::vector<std::uint32_t>& b);
  static double similarity(const std::uint32_t* a, const std::uint32_t* b, std::size_t n);

  // The hash of band `band` of `signature` (band index mixed in, so bands never collide).
  std::uint64_t band_key(const std::vector<std::uint32_t>& signature, std::size_t band) const;
  std::uint64_t band_key(const std::uint32_t* signature, std::size_t band) const;

  const MinHashOptions& options() const { return options_; }
  std::size_t size() const { return options_.bands * options_.rows; }

 private:
  MinHashOptions options_;
  // The hash functions' odd multipliers (also split into 32-bit halves for the AVX2 loop) and
  // addends, padded with unused functions to a whole number of 8-function blocks.
  std::vector<std::uint64_t> mul_;
  std::vector<std::uint32_t> mul_lo_;
  std::vector<std::uint32_t> mul_hi_;
  std::vector<std::uint64_t> add_;
  bool avx2_ = false;  // the CPU runs the AVX2 signature loop
};

struct CampaignOptions {
  MinHashOptions minhash;
  std::int64_t window_seconds = 86400;  // posts older than this (by post time) are forgotten
  std::size_t min_authors = 5;  // a cluster is a campaign from this many distinct authors on
  double min_similarity = 0.6;  // estimated Jaccard to join a cluster
  // Posts whose dedup key is shorter get no cluster: short stock phrases ("hay quá", "ngu vãi")
  // are written independently by many people and are not copy-paste.
  std::size_t min_key_bytes = 20;
  std::size_t max_posts = 1u << 18;  // hard memory bound (~1.3 KB a post): oldest go first
  std::size_t max_chain = 8;         // candidates read per LSH bucket (the most recent ones)
  double score = 0.7;                // score of a campaign finding (spam: label, below removal)
};

// What the index says about one post.
struct ClusterInfo {
  std::string cluster_id;   // "" when the post has no words to compare
  std::size_t size = 0;     // posts of the cluster inside the window, this one included
  std::size_t authors = 0;  // distinct non-empty author keys among them
  double similarity = 0.0;  // estimated Jaccard with the post it joined; 1 for a new cluster
  bool joined = false;      // true when it joined an existing cluster
  bool campaign = false;    // true when the cluster has reached min_authors
};

// The streaming near-duplicate index. Post time is Post::created_unix; posts without one take
// the clock's now_unix(), which in a stream is their arrival order. Not thread-safe: one caller
// feeds it, in arrival order, so results do not depend on how many threads ran the detectors.
class CampaignIndex {
 public:
  // `clock` must outlive the index.
  CampaignIndex(const CampaignOptions& options, const Clock& clock);
  ~CampaignIndex();
  CampaignIndex(const CampaignIndex&) = delete;
  CampaignIndex& operator=(const CampaignIndex&) = delete;

  // Adds one post and returns its cluster. `findings` are the post's findings from the other
  // detectors (they decide a campaign's category); when the cluster is a campaign, a finding
  // with detector "dup:<cluster id>" is appended to them.
  ClusterInfo observe(const Post& post, const NormalizedText& text, std::vector<Finding>& findings);

  std::size_t posts_in_window() const;
  std::size_t clusters() const;
  // Approximate bytes held by the index (for the memory-bound benchmark and tests).
  std::size_t memory_bytes() const;
  const CampaignOptions& options() const { return options_; }

 private:
  class Impl;
  CampaignOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tincay
