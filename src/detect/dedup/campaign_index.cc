// The streaming campaign index: LSH buckets hold the most recent post per band key, and each post
// links to the previous post of the same bucket, so a bucket is a chain that runs back in time and
// stops at the window's edge. Evicting a post only touches the buckets it heads.
#include <algorithm>
#include <cstdio>
#include <deque>
#include <unordered_map>

#include "tincay/dedup.h"

#include "src/detect/dedup/text_features.h"

namespace tincay {
namespace {

constexpr std::uint64_t kNoSeq = ~0ULL;
constexpr std::uint8_t kNoCategory = 0xFF;

struct Entry {
  std::int64_t time = 0;
  std::uint64_t cluster = 0;
  std::uint64_t author = 0;  // 0: no author key
  std::uint8_t category = kNoCategory;
  std::uint64_t key_hash = 0;  // of the dedup key: finds exact repeats without MinHash
  std::vector<std::uint32_t> signature;
  std::vector<std::uint64_t> band_keys;
  std::vector<std::uint64_t> prev;  // per band: the previous post in the same bucket, or kNoSeq
};

struct Cluster {
  std::size_t size = 0;
  std::unordered_map<std::uint64_t, std::uint32_t> authors;  // hashed author key -> posts
  std::array<std::uint32_t, kCategoryCount> flagged{};
};

// uint64 -> uint64 with open addressing (linear probing, backward-shift deletion): the LSH bucket
// heads number bands x window posts (millions), where std::unordered_map's node per entry and
// rehashing were a fifth of a scan's time. Key 0 lives beside the table (0 marks an empty slot).
class FlatMap64 {
 public:
  FlatMap64() { resize(1024); }

  std::uint64_t* find(std::uint64_t key) {
    if (key == 0) return has_zero_ ? &zero_value_ : nullptr;
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      if (keys_[i] == key) return &values_[i];
      if (keys_[i] == 0) return nullptr;
    }
  }

  void set(std::uint64_t key, std::uint64_t value) {
    if (key == 0) {
      size_ += has_zero_ ? 0 : 1;
      has_zero_ = true;
      zero_value_ = value;
      return;
    }
    if ((size_ + 1) * 10 > keys_.size() * 7) resize(keys_.size() * 2);
    std::size_t i = home(key);
    while (keys_[i] != 0 && keys_[i] != key) i = (i + 1) & mask_;
    if (keys_[i] == 0) ++size_;
    keys_[i] = key;
    values_[i] = value;
  }

  // Removes `key` when it maps to `value` (a bucket head that is being evicted).
  void erase_if(std::uint64_t key, std::uint64_t value) {
    if (key == 0) {
      if (has_zero_ && zero_value_ == value) {
        has_zero_ = false;
        --size_;
      }
      return;
    }
    std::size_t i = home(key);
    while (keys_[i] != key) {
      if (keys_[i] == 0) return;
      i = (i + 1) & mask_;
    }
    if (values_[i] != value) return;
    --size_;
    // Backward shift: pull later members of the probe run into the hole when their home slot is
    // not cyclically inside (hole, slot].
    for (std::size_t j = (i + 1) & mask_; keys_[j] != 0; j = (j + 1) & mask_) {
      const std::size_t h = home(keys_[j]);
      const bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
      if (stays) continue;
      keys_[i] = keys_[j];
      values_[i] = values_[j];
      i = j;
    }
    keys_[i] = 0;
  }

  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const { return keys_.size() * 16; }

 private:
  std::size_t home(std::uint64_t key) const {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift_);
  }

  void resize(std::size_t capacity) {
    std::vector<std::uint64_t> keys(capacity, 0);
    std::vector<std::uint64_t> values(capacity, 0);
    keys.swap(keys_);
    values.swap(values_);
    mask_ = capacity - 1;
    shift_ = 64;
    for (std::size_t c = capacity; c > 1; c >>= 1) --shift_;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == 0) continue;
      std::size_t j = home(keys[i]);
      while (keys_[j] != 0) j = (j + 1) & mask_;
      keys_[j] = keys[i];
      values_[j] = values[i];
    }
  }

  std::vector<std::uint64_t> keys_;
  std::vector<std::uint64_t> values_;
  std::size_t mask_ = 0;
  unsigned shift_ = 64;
  std::size_t size_ = 0;  // including key 0
  bool has_zero_ = false;
  std::uint64_t zero_value_ = 0;
};

std::string hex12(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return std::string(buf, 12);
}

// The category other detectors flagged this post for, if any. Spam is the default category of a
// campaign anyway, and misinformation only ever comes from a matched fact-check, so neither
// counts here.
std::uint8_t flagged_category(const std::vector<Finding>& findings) {
  std::array<double, kCategoryCount> keep{};
  keep.fill(1.0);
  for (const Finding& f : findings) {
    keep[category_index(f.category)] *= 1.0 - std::clamp(f.score, 0.0, 1.0);
  }
  std::uint8_t best = kNoCategory;
  double best_score = 0.5;
  for (const Category c : kAllCategories) {
    if (c == Category::kSpam || c == Category::kMisinformation) continue;
    const double s = 1.0 - keep[category_index(c)];
    if (s >= best_score) {
      if (best == kNoCategory || s > best_score)
        best = static_cast<std::uint8_t>(category_index(c));
      best_score = s;
    }
  }
  return best;
}

}  // namespace

class CampaignIndex::Impl {
 public:
  Impl(const CampaignOptions& options, const Clock& clock)
      : options_(options), clock_(clock), hasher_(options.minhash) {}

  ClusterInfo observe(const Post& post, const NormalizedText& text,
                      std::vector<Finding>& findings) {
    ClusterInfo info;
    const std::string key = dedup_key(text);
    if (key.empty() || key.size() < options_.min_key_bytes) return info;
    const std::int64_t now = post.created_unix ? *post.created_unix : clock_.now_unix();
    if (!has_time_ || now > watermark_) watermark_ = now;
    has_time_ = true;
    evict();

    Entry e;
    e.time = now;
    e.author = post.author_key.empty() ? 0 : features::hash_bytes(post.author_key) | 1;
    e.category = flagged_category(findings);
    e.key_hash = features::hash_bytes(key);
    const std::size_t bands = hasher_.options().bands;
    // Copy-paste campaigns repeat texts exactly: the newest live post with the same key has the
    // same signature and band keys, so reuse them (MinHash is about half of this function).
    const std::uint64_t* same = exact_.find(e.key_hash);
    if (same != nullptr && *same >= first_seq_ && at(*same).key_hash == e.key_hash) {
      e.signature = at(*same).signature;
      e.band_keys = at(*same).band_keys;
    } else {
      e.signature = hasher_.signature(key);
      e.band_keys.resize(bands);
      for (std::size_t b = 0; b < bands; ++b) e.band_keys[b] = hasher_.band_key(e.signature, b);
    }
    e.prev.assign(bands, kNoSeq);

    // Candidates: the most recent posts of each bucket this post falls into.
    double best = 0.0;
    std::uint64_t best_seq = kNoSeq;
    candidates_.clear();
    for (std::size_t b = 0; b < bands; ++b) {
      const std::uint64_t* head = heads_.find(e.band_keys[b]);
      if (head == nullptr) continue;
      e.prev[b] = *head;
      std::uint64_t seq = *head;
      for (std::size_t n = 0; n < options_.max_chain && seq != kNoSeq && seq >= first_seq_; ++n) {
        candidates_.push_back(seq);
        seq = at(seq).prev[b];
      }
    }
    std::sort(candidates_.begin(), candidates_.end());
    candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
    // Newest first, so ties go to the most recent post (the cluster that is alive now).
    for (auto it = candidates_.rbegin(); it != candidates_.rend(); ++it) {
      const double s = MinHasher::similarity(e.signature, at(*it).signature);
      if (s > best) {
        best = s;
        best_seq = *it;
        if (best >= 1.0) break;  // nothing older can beat it: ties go to the newest
      }
    }

    const std::uint64_t seq = first_seq_ + entries_.size();
    if (best_seq != kNoSeq && best >= options_.min_similarity) {
      e.cluster = at(best_seq).cluster;
      info.joined = true;
      info.similarity = best;
    } else {
      e.cluster = features::mix64(features::hash_bytes(post.id) ^ seq) | 1;
      info.similarity = 1.0;
    }
    for (std::size_t b = 0; b < bands; ++b) heads_.set(e.band_keys[b], seq);
    exact_.set(e.key_hash, seq);

    Cluster& c = clusters_[e.cluster];
    ++c.size;
    if (e.author != 0) ++c.authors[e.author];
    if (e.category != kNoCategory) ++c.flagged[e.category];
    info.cluster_id = hex12(e.cluster);
    info.size = c.size;
    info.authors = c.authors.size();
    info.campaign = options_.min_authors > 0 && info.authors >= options_.min_authors;
    if (info.campaign) findings.push_back(campaign_finding(c, info, text));
    bytes_ += entry_bytes(e);
    entries_.push_back(std::move(e));
    return info;
  }

  std::size_t posts() const { return entries_.size(); }
  std::size_t clusters() const { return clusters_.size(); }
  std::size_t memory_bytes() const {
    // Hash-map nodes cost roughly their payload plus two pointers.
    return bytes_ + heads_.memory_bytes() + exact_.memory_bytes() +
           clusters_.size() * (sizeof(Cluster) + 32) + author_slots() * 32 +
           entries_.size() * sizeof(Entry);
  }

 private:
  Entry& at(std::uint64_t seq) { return entries_[seq - first_seq_]; }

  static std::size_t entry_bytes(const Entry& e) {
    return e.signature.capacity() * 4 + (e.band_keys.capacity() + e.prev.capacity()) * 8;
  }

  std::size_t author_slots() const {
    std::size_t n = 0;
    for (const auto& [key, c] : clusters_) n += c.authors.size();
    return n;
  }

  // Forgets posts older than the window, and the oldest posts beyond max_posts.
  void evict() {
    while (!entries_.empty() && (entries_.front().time < watermark_ - options_.window_seconds ||
                                 entries_.size() >= std::max<std::size_t>(1, options_.max_posts))) {
      Entry& e = entries_.front();
      for (std::size_t b = 0; b < e.band_keys.size(); ++b) {
        heads_.erase_if(e.band_keys[b], first_seq_);
      }
      exact_.erase_if(e.key_hash, first_seq_);
      const auto it = clusters_.find(e.cluster);
      if (it != clusters_.end()) {
        Cluster& c = it->second;
        if (e.author != 0) {
          const auto a = c.authors.find(e.author);
          if (a != c.authors.end() && --a->second == 0) c.authors.erase(a);
        }
        if (e.category != kNoCategory && c.flagged[e.category] > 0) --c.flagged[e.category];
        if (--c.size == 0) clusters_.erase(it);
      }
      bytes_ -= entry_bytes(e);
      entries_.pop_front();
      ++first_seq_;
    }
  }

  Finding campaign_finding(const Cluster& c, const ClusterInfo& info,
                           const NormalizedText& text) const {
    Finding f;
    f.category = Category::kSpam;
    std::uint32_t most = 0;
    for (const Category cat : kAllCategories) {
      const std::uint32_t n = c.flagged[category_index(cat)];
      if (n > most) {
        most = n;
        f.category = cat;
      }
    }
    f.detector = "dup:" + info.cluster_id;
    f.score = options_.score;
    f.evidence.push_back({0, static_cast<std::uint32_t>(text.original_bytes_used)});
    f.reason = "copy-paste campaign: " + std::to_string(info.size) + " near-identical posts from " +
               std::to_string(info.authors) + " distinct authors within " +
               std::to_string(options_.window_seconds) + " s";
    f.value = "cluster=" + info.cluster_id + ";size=" + std::to_string(info.size) +
              ";authors=" + std::to_string(info.authors);
    f.truncated = text.truncated;
    return f;
  }

  CampaignOptions options_;
  const Clock& clock_;
  MinHasher hasher_;
  std::deque<Entry> entries_;
  std::uint64_t first_seq_ = 0;  // sequence number of entries_.front()
  FlatMap64 heads_;              // band key -> newest post
  FlatMap64 exact_;              // dedup key hash -> newest post
  std::unordered_map<std::uint64_t, Cluster> clusters_;
  std::vector<std::uint64_t> candidates_;
  std::int64_t watermark_ = 0;  // the latest post time seen
  bool has_time_ = false;
  std::size_t bytes_ = 0;
};

CampaignIndex::CampaignIndex(const CampaignOptions& options, const Clock& clock)
    : options_(options), impl_(std::make_unique<Impl>(options, clock)) {}
CampaignIndex::~CampaignIndex() = default;

ClusterInfo CampaignIndex::observe(const Post& post, const NormalizedText& text,
                                   std::vector<Finding>& findings) {
  return impl_->observe(post, text, findings);
}
std::size_t CampaignIndex::posts_in_window() const { return impl_->posts(); }
std::size_t CampaignIndex::clusters() const { return impl_->clusters(); }
std::size_t CampaignIndex::memory_bytes() const { return impl_->memory_bytes(); }

}  // namespace tincay
