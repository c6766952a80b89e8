// The streaming campaign index: LSH buckets hold the most recent post per band key, and each post
// links to the previous post of the same bucket, so a bucket is a chain that runs back in time and
// stops at the window's edge. Evicting a post only touches the buckets it heads.
//
// Layout, chosen for speed on streams of distinct texts (where every post is new work): posts live
// in flat rings indexed by sequence number, clusters in a slab addressed by slot, and the bucket
// heads in an open-addressing table probed after a prefetch of all of a post's buckets, so adding
// a post allocates nothing in steady state and its bucket lookups overlap their cache misses.
#include <algorithm>
#include <cstdio>
#include <deque>
#include <memory>
#include <unordered_map>

#include "tincay/dedup.h"

#include "src/detect/dedup/text_features.h"

namespace tincay {
namespace {

constexpr std::uint64_t kNoSeq = ~0ULL;
constexpr std::uint8_t kNoCategory = 0xFF;

// The fixed-size fields of a post in the window.
struct EntryMeta {
  std::int64_t time = 0;
  std::uint64_t author = 0;    // 0: no author key
  std::uint64_t key_hash = 0;  // of the dedup key: finds exact repeats without MinHash
  std::uint32_t cluster = 0;   // slot in the cluster slab
  std::uint8_t category = kNoCategory;
};

// The posts of the window in arrival order. Each post has its fields, its MinHash signature, its
// band keys and, per band, the previous post of the same bucket (or kNoSeq), each kind in one flat
// array per block of kBlockPosts consecutive posts: adding a post allocates only when it starts a
// block (and a retired block is reused), and growing never copies.
class EntryRing {
 public:
  EntryRing(std::size_t signature_size, std::size_t bands)
      : signature_size_(signature_size), bands_(bands) {}

  std::uint64_t first() const { return first_; }
  std::uint64_t end() const { return first_ + size_; }
  std::size_t size() const { return size_; }

  EntryMeta& meta(std::uint64_t seq) { return block(seq).meta[offset(seq)]; }
  std::uint32_t* signature(std::uint64_t seq) {
    return &block(seq).signatures[offset(seq) * signature_size_];
  }
  std::uint64_t* band_keys(std::uint64_t seq) {
    return &block(seq).band_keys[offset(seq) * bands_];
  }
  std::uint64_t* prev(std::uint64_t seq) { return &block(seq).prev[offset(seq) * bands_]; }

  // Appends a post whose fields the caller then fills in; returns its sequence number.
  std::uint64_t push_back() {
    const std::uint64_t seq = end();
    if (offset(seq) == 0 || blocks_.empty()) {
      if (spare_) {
        blocks_.push_back(std::move(spare_));
      } else {
        auto fresh = std::make_unique<Block>();
        fresh->meta.resize(kBlockPosts);
        fresh->signatures.resize(kBlockPosts * signature_size_);
        fresh->band_keys.resize(kBlockPosts * bands_);
        fresh->prev.resize(kBlockPosts * bands_);
        blocks_.push_back(std::move(fresh));
      }
      if (blocks_.size() == 1) first_block_ = seq / kBlockPosts;
    }
    ++size_;
    return seq;
  }

  void pop_front() {
    ++first_;
    --size_;
    if (offset(first_) == 0 || size_ == 0) {
      // The front block is done (when the window empties it is the only one): keep it for reuse.
      // An empty ring's next post starts a block again (push_back).
      spare_ = std::move(blocks_.front());
      blocks_.pop_front();
      ++first_block_;
    }
  }

  std::size_t memory_bytes() const {
    const std::size_t blocks = blocks_.size() + (spare_ ? 1 : 0);
    return blocks * kBlockPosts * (sizeof(EntryMeta) + signature_size_ * 4 + bands_ * 16);
  }

 private:
  static constexpr std::size_t kBlockPosts = 4096;

  struct Block {
    std::vector<EntryMeta> meta;
    std::vector<std::uint32_t> signatures;
    std::vector<std::uint64_t> band_keys;
    std::vector<std::uint64_t> prev;
  };

  static std::size_t offset(std::uint64_t seq) {
    return static_cast<std::size_t>(seq % kBlockPosts);
  }
  Block& block(std::uint64_t seq) {
    return *blocks_[static_cast<std::size_t>(seq / kBlockPosts - first_block_)];
  }

  std::size_t signature_size_;
  std::size_t bands_;
  std::deque<std::unique_ptr<Block>> blocks_;
  std::unique_ptr<Block> spare_;
  std::uint64_t first_block_ = 0;  // block number (seq / kBlockPosts) of blocks_.front()
  std::uint64_t first_ = 0;        // sequence number of the oldest post
  std::size_t size_ = 0;
};

// A cluster's posts in the window, their distinct authors and the categories they were flagged
// for. Most clusters hold one post, so the first author is kept inline and a map is made only
// for the second distinct one.
struct Cluster {
  std::uint64_t id = 0;
  std::size_t size = 0;
  std::uint64_t author0 = 0;
  std::uint32_t count0 = 0;  // 0: no author yet (then `more` is empty too)
  std::unique_ptr<std::unordered_map<std::uint64_t, std::uint32_t>> more;
  std::array<std::uint32_t, kCategoryCount> flagged{};

  std::size_t authors() const { return count0 == 0 ? 0 : 1 + (more ? more->size() : 0); }

  void add_author(std::uint64_t author) {
    if (count0 == 0) {
      author0 = author;
      count0 = 1;
    } else if (author0 == author) {
      ++count0;
    } else {
      if (!more) more = std::make_unique<std::unordered_map<std::uint64_t, std::uint32_t>>();
      ++(*more)[author];
    }
  }

  void remove_author(std::uint64_t author) {
    if (count0 > 0 && author0 == author) {
      if (--count0 == 0 && more && !more->empty()) {
        const auto it = more->begin();
        author0 = it->first;
        count0 = it->second;
        more->erase(it);
      }
      return;
    }
    if (!more) return;
    const auto it = more->find(author);
    if (it != more->end() && --it->second == 0) more->erase(it);
  }
};

// 64-bit hash -> post sequence number, with open addressing (linear probing, backward-shift
// deletion): the LSH bucket heads number bands x window posts (millions), where
// std::unordered_map's node per entry and rehashing were a fifth of a scan's time. A slot is 8
// bytes, a 32-bit fingerprint of the key (never 0: 0 marks an empty slot) and the low 32 bits of
// the sequence number, which the window (under 2^32 posts, all newer than `first`) makes whole
// again. Two keys with one fingerprint share a slot; for bucket heads that only adds candidates
// that the signature comparison then rejects, and exact-repeat hits are checked against the full
// key hash.
class SeqTable {
 public:
  SeqTable() { resize(1024); }

  // Starts loading the cache line a lookup of `key` reads first.
  void prefetch(std::uint64_t key) const { __builtin_prefetch(&slots_[home(fingerprint(key))]); }

  // The sequence number stored for `key`, or kNoSeq; `first` is the oldest post in the window.
  std::uint64_t find(std::uint64_t key, std::uint64_t first) const {
    const std::uint32_t fp = fingerprint(key);
    for (std::size_t i = home(fp);; i = (i + 1) & mask_) {
      if (slots_[i].fp == fp) return widen(slots_[i].seq, first);
      if (slots_[i].fp == 0) return kNoSeq;
    }
  }

  void set(std::uint64_t key, std::uint64_t seq) {
    if ((size_ + 1) * 10 > slots_.size() * 7) resize(slots_.size() * 2);
    const std::uint32_t fp = fingerprint(key);
    std::size_t i = home(fp);
    while (slots_[i].fp != 0 && slots_[i].fp != fp) i = (i + 1) & mask_;
    if (slots_[i].fp == 0) ++size_;
    slots_[i] = {fp, static_cast<std::uint32_t>(seq)};
  }

  // Removes `key` when it maps to `seq` (a bucket head that is being evicted).
  void erase_if(std::uint64_t key, std::uint64_t seq) {
    const std::uint32_t fp = fingerprint(key);
    std::size_t i = home(fp);
    while (slots_[i].fp != fp) {
      if (slots_[i].fp == 0) return;
      i = (i + 1) & mask_;
    }
    if (slots_[i].seq != static_cast<std::uint32_t>(seq)) return;
    --size_;
    // Backward shift: pull later members of the probe run into the hole when their home slot is
    // not cyclically inside (hole, slot].
    for (std::size_t j = (i + 1) & mask_; slots_[j].fp != 0; j = (j + 1) & mask_) {
      const std::size_t h = home(slots_[j].fp);
      const bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
      if (stays) continue;
      slots_[i] = slots_[j];
      i = j;
    }
    slots_[i].fp = 0;
  }

  std::size_t memory_bytes() const { return slots_.size() * sizeof(Slot); }

 private:
  struct Slot {
    std::uint32_t fp = 0;
    std::uint32_t seq = 0;
  };

  static std::uint32_t fingerprint(std::uint64_t key) {
    const auto fp = static_cast<std::uint32_t>(key ^ (key >> 32));
    return fp == 0 ? 1 : fp;
  }
  static std::uint64_t widen(std::uint32_t low, std::uint64_t first) {
    return first + static_cast<std::uint32_t>(low - static_cast<std::uint32_t>(first));
  }
  std::size_t home(std::uint32_t fp) const {
    return static_cast<std::size_t>((fp * 0x9E3779B97F4A7C15ULL) >> shift_);
  }

  void resize(std::size_t capacity) {
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    mask_ = capacity - 1;
    shift_ = 64;
    for (std::size_t c = capacity; c > 1; c >>= 1) --shift_;
    for (const Slot& s : old) {
      if (s.fp == 0) continue;
      std::size_t j = home(s.fp);
      while (slots_[j].fp != 0) j = (j + 1) & mask_;
      slots_[j] = s;
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  unsigned shift_ = 64;
  std::size_t size_ = 0;
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
      : options_(options),
        clock_(clock),
        hasher_(options.minhash),
        entries_(hasher_.size(), hasher_.options().bands) {}

  ClusterInfo observe(const Post& post, const NormalizedText& text,
                      std::vector<Finding>& findings) {
    ClusterInfo info;
    dedup_key(text, key_, words_);
    if (key_.empty() || key_.size() < options_.min_key_bytes) return info;
    const std::int64_t now = post.created_unix ? *post.created_unix : clock_.now_unix();
    if (!has_time_ || now > watermark_) watermark_ = now;
    has_time_ = true;
    evict();

    const std::size_t bands = hasher_.options().bands;
    const std::size_t sig_size = hasher_.size();
    const std::uint64_t seq = entries_.push_back();
    EntryMeta& e = entries_.meta(seq);
    e.time = now;
    e.author = post.author_key.empty() ? 0 : features::hash_bytes(post.author_key) | 1;
    e.category = flagged_category(findings);
    e.key_hash = features::hash_bytes(key_);
    std::uint32_t* const signature = entries_.signature(seq);
    std::uint64_t* const band_keys = entries_.band_keys(seq);
    std::uint64_t* const prev = entries_.prev(seq);
    // Copy-paste campaigns repeat texts exactly: the newest live post with the same key has the
    // same signature and band keys, so reuse them (MinHash is about half of this function).
    const std::uint64_t same = exact_.find(e.key_hash, entries_.first());
    if (same != kNoSeq && same < seq && entries_.meta(same).key_hash == e.key_hash) {
      std::copy_n(entries_.signature(same), sig_size, signature);
      std::copy_n(entries_.band_keys(same), bands, band_keys);
    } else {
      hasher_.signature(key_, signature);
      for (std::size_t b = 0; b < bands; ++b) band_keys[b] = hasher_.band_key(signature, b);
    }
    for (std::size_t b = 0; b < bands; ++b) heads_.prefetch(band_keys[b]);

    // Candidates: the most recent posts of each bucket this post falls into. The chains are
    // walked a step of every band at a time, so their (cache-missing) loads overlap.
    candidates_.clear();
    for (std::size_t b = 0; b < bands; ++b) {
      prev[b] = heads_.find(band_keys[b], entries_.first());
    }
    cursors_.assign(prev, prev + bands);
    for (std::size_t n = 0; n < options_.max_chain; ++n) {
      bool more = false;
      for (std::size_t b = 0; b < bands; ++b) {
        const std::uint64_t s = cursors_[b];
        if (s == kNoSeq || s < entries_.first()) continue;
        candidates_.push_back(s);
        cursors_[b] = entries_.prev(s)[b];
        more = true;
      }
      if (!more) break;
    }
    std::sort(candidates_.begin(), candidates_.end());
    candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
    for (const std::uint64_t c : candidates_) {
      const char* sig = reinterpret_cast<const char*>(entries_.signature(c));
      for (std::size_t off = 0; off < sig_size * 4; off += 64) __builtin_prefetch(sig + off);
    }
    // Newest first, so ties go to the most recent post (the cluster that is alive now).
    double best = 0.0;
    std::uint64_t best_seq = kNoSeq;
    for (auto it = candidates_.rbegin(); it != candidates_.rend(); ++it) {
      const double s = MinHasher::similarity(signature, entries_.signature(*it), sig_size);
      if (s > best) {
        best = s;
        best_seq = *it;
        if (best >= 1.0) break;  // nothing older can beat it: ties go to the newest
      }
    }

    if (best_seq != kNoSeq && best >= options_.min_similarity) {
      e.cluster = entries_.meta(best_seq).cluster;
      info.joined = true;
      info.similarity = best;
    } else {
      e.cluster = new_cluster(features::mix64(features::hash_bytes(post.id) ^ seq) | 1);
      info.similarity = 1.0;
    }
    for (std::size_t b = 0; b < bands; ++b) heads_.set(band_keys[b], seq);
    exact_.set(e.key_hash, seq);

    Cluster& c = clusters_[e.cluster];
    ++c.size;
    if (e.author != 0) c.add_author(e.author);
    if (e.category != kNoCategory) ++c.flagged[e.category];
    info.cluster_id = hex12(c.id);
    info.size = c.size;
    info.authors = c.authors();
    info.campaign = options_.min_authors > 0 && info.authors >= options_.min_authors;
    if (info.campaign) findings.push_back(campaign_finding(c, info, text));
    return info;
  }

  std::size_t posts() const { return entries_.size(); }
  std::size_t clusters() const { return clusters_.size() - free_clusters_.size(); }
  std::size_t memory_bytes() const {
    std::size_t author_slots = 0;
    for (const Cluster& c : clusters_) author_slots += c.more ? c.more->size() : 0;
    // Hash-map nodes cost roughly their payload plus two pointers.
    return entries_.memory_bytes() + heads_.memory_bytes() + exact_.memory_bytes() +
           clusters_.capacity() * sizeof(Cluster) + author_slots * 32 +
           free_clusters_.capacity() * sizeof(std::uint32_t);
  }

 private:
  std::uint32_t new_cluster(std::uint64_t id) {
    std::uint32_t slot = 0;
    if (free_clusters_.empty()) {
      slot = static_cast<std::uint32_t>(clusters_.size());
      clusters_.emplace_back();
    } else {
      slot = free_clusters_.back();
      free_clusters_.pop_back();
    }
    clusters_[slot].id = id;
    return slot;
  }

  // Forgets posts older than the window, and the oldest posts beyond max_posts.
  void evict() {
    const std::size_t max_posts = std::max<std::size_t>(1, options_.max_posts);
    while (entries_.size() > 0) {
      const std::uint64_t seq = entries_.first();
      const EntryMeta& e = entries_.meta(seq);
      if (e.time >= watermark_ - options_.window_seconds && entries_.size() < max_posts) break;
      const std::uint64_t* band_keys = entries_.band_keys(seq);
      for (std::size_t b = 0; b < hasher_.options().bands; ++b) heads_.erase_if(band_keys[b], seq);
      exact_.erase_if(e.key_hash, seq);
      Cluster& c = clusters_[e.cluster];
      if (e.author != 0) c.remove_author(e.author);
      if (e.category != kNoCategory && c.flagged[e.category] > 0) --c.flagged[e.category];
      if (--c.size == 0) {
        c = Cluster{};
        free_clusters_.push_back(e.cluster);
      }
      entries_.pop_front();
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
  EntryRing entries_;
  SeqTable heads_;  // band key -> newest post
  SeqTable exact_;  // dedup key hash -> newest post
  std::vector<Cluster> clusters_;
  std::vector<std::uint32_t> free_clusters_;  // slots of clusters_ with no post in the window
  std::vector<std::uint64_t> candidates_;
  std::vector<std::uint64_t> cursors_;  // per band: the next post of its chain to read
  std::string key_;                     // scratch for the dedup key and its words
  std::vector<ByteSpan> words_;
  std::int64_t watermark_ = 0;  // the latest post time seen
  bool has_time_ = false;
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
