// The claim index: BM25 candidate retrieval over hashed syllable 1-/2-grams (accented and
// shadow forms), re-ranked by idf-weighted coverage of the claim's shadow terms and by character
// 4-gram containment of the claim in the post.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "tincay/claims.h"
#include "tincay/dedup.h"

#include "src/detect/dedup/text_features.h"

namespace tincay {
namespace {

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
constexpr double kStopWeight = 0.1;
constexpr std::uint64_t kTagAccented = 0xA1;
constexpr std::uint64_t kTagShadow = 0x5E;
constexpr std::size_t kGramBytes = 4;

struct Term {
  std::uint64_t hash = 0;
  bool shadow = false;
  bool stop = false;  // every syllable of it is a stopword
};

std::uint64_t word_hash(std::string_view w, std::uint64_t tag) {
  return features::hash_bytes(w, tag);
}
std::uint64_t bigram_hash(std::uint64_t a, std::uint64_t b) {
  return features::mix64(a * 0x9E3779B97F4A7C15ULL + b);
}

// Unigram and bigram terms of the words of `s` (at most `max_bytes` of it), tagged by form.
void terms_of(std::string_view s, std::size_t max_bytes, std::uint64_t tag, bool shadow,
              const std::unordered_set<std::uint64_t>& stop, std::vector<Term>& out,
              std::vector<ByteSpan>& words) {
  words.clear();
  features::word_spans(s.substr(0, std::min(max_bytes, s.size())), words);
  std::uint64_t prev = 0;
  bool prev_stop = false;
  bool prev_plain = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string_view w = s.substr(words[i].begin, words[i].end - words[i].begin);
    const std::uint64_t h = word_hash(w, tag);
    const bool is_stop = stop.count(h) != 0;
    // A word without diacritics is its own shadow: the shadow term already stands for it, so
    // the accented pass leaves it out (half the postings for unaccented text).
    bool plain = !shadow;
    for (const char c : w) plain = plain && static_cast<unsigned char>(c) < 0x80;
    if (!plain) out.push_back({h, shadow, is_stop});
    if (i > 0 && !(plain && prev_plain)) {
      out.push_back({bigram_hash(prev, h), shadow, is_stop && prev_stop});
    }
    prev = h;
    prev_stop = is_stop;
    prev_plain = plain;
  }
}

// Sorted, unique hashes of the 4-byte windows of `key`.
std::vector<std::uint32_t> char_grams(std::string_view key) {
  std::vector<std::uint32_t> grams;
  if (key.empty()) return grams;
  const std::size_t k = std::min(kGramBytes, key.size());
  grams.reserve(key.size());
  for (std::size_t i = 0; i + k <= key.size(); ++i) {
    grams.push_back(static_cast<std::uint32_t>(features::hash_bytes(key.substr(i, k))));
  }
  std::sort(grams.begin(), grams.end());
  grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
  return grams;
}

std::size_t intersect_count(const std::vector<std::uint32_t>& a,
                            const std::vector<std::uint32_t>& b) {
  std::size_t n = 0;
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i < *j) {
      ++i;
    } else if (*j < *i) {
      ++j;
    } else {
      ++n;
      ++i;
      ++j;
    }
  }
  return n;
}

bool contains_phrase(const std::string& padded_key, const std::string& padded_phrase) {
  return padded_key.find(padded_phrase) != std::string::npos;
}

struct Posting {
  std::uint32_t claim = 0;
  std::uint32_t tf = 0;
  float bm25 = 0.0f;  // this term's BM25 contribution to the claim, precomputed by build()
};

struct IndexedTerm {
  double idf = 0.0;
  double weight = 0.0;  // idf, times kStopWeight for stopwords; used for coverage
  bool shadow = false;
  std::vector<Posting> postings;
};

struct ClaimData {
  double length = 0.0;         // number of term occurrences
  double shadow_weight = 0.0;  // sum of the weights of its distinct shadow terms
  std::vector<std::uint32_t> grams;
  std::vector<std::uint64_t> shadow_words;  // sorted hashes of its shadow unigrams
  std::vector<std::uint32_t> markers;       // sorted indices of the debunk markers it contains
};

}  // namespace

class ClaimIndex::Impl {
 public:
  std::vector<Claim> claims;
  ClaimMatchOptions options;
  std::vector<ClaimData> data;
  std::unordered_map<std::uint64_t, IndexedTerm> terms;
  std::unordered_set<std::uint64_t> stop;  // accented and shadow unigram hashes
  std::vector<std::string> debunk;         // padded shadow keys
  double avg_length = 1.0;

  void build(const Normalizer& normalizer) {
    for (const std::string& s : options.stopwords) {
      const NormalizedText n = normalizer.normalize(s);
      std::vector<ByteSpan> w;
      features::word_spans(n.text, w);
      if (w.size() == 1)
        stop.insert(word_hash(n.text.substr(w[0].begin, w[0].end - w[0].begin), kTagAccented));
      w.clear();
      features::word_spans(n.shadow, w);
      if (w.size() == 1)
        stop.insert(word_hash(n.shadow.substr(w[0].begin, w[0].end - w[0].begin), kTagShadow));
    }
    for (const std::string& s : options.debunk_markers) {
      const std::string key = dedup_key(normalizer.normalize(s));
      if (!key.empty()) debunk.push_back(" " + key + " ");
    }
    data.resize(claims.size());
    std::vector<Term> t;
    std::vector<ByteSpan> words;
    double total_length = 0.0;
    std::vector<std::vector<std::pair<std::uint64_t, std::uint32_t>>> tfs(claims.size());
    for (std::size_t c = 0; c < claims.size(); ++c) {
      const NormalizedText n = normalizer.normalize(claims[c].claim);
      t.clear();
      terms_of(n.text, n.text.size(), kTagAccented, false, stop, t, words);
      terms_of(n.shadow, n.shadow.size(), kTagShadow, true, stop, t, words);
      for (std::size_t i = 0; i < words.size(); ++i) {  // words: the shadow's, from the last call
        data[c].shadow_words.push_back(word_hash(
            std::string_view(n.shadow).substr(words[i].begin, words[i].end - words[i].begin),
            kTagShadow));
      }
      std::sort(data[c].shadow_words.begin(), data[c].shadow_words.end());
      const std::string key = dedup_key(n);
      data[c].grams = char_grams(key);
      const std::string padded = " " + key + " ";
      for (std::size_t m = 0; m < debunk.size(); ++m) {
        if (contains_phrase(padded, debunk[m]))
          data[c].markers.push_back(static_cast<std::uint32_t>(m));
      }
      data[c].length = static_cast<double>(t.size());
      total_length += data[c].length;
      std::sort(t.begin(), t.end(), [](const Term& a, const Term& b) { return a.hash < b.hash; });
      for (std::size_t i = 0; i < t.size();) {
        std::size_t j = i;
        while (j < t.size() && t[j].hash == t[i].hash) ++j;
        IndexedTerm& it = terms[t[i].hash];
        it.shadow = t[i].shadow;
        it.weight = t[i].stop ? kStopWeight : 1.0;  // scaled by idf below
        it.postings.push_back({static_cast<std::uint32_t>(c), static_cast<std::uint32_t>(j - i)});
        i = j;
      }
    }
    if (!claims.empty())
      avg_length = std::max(1.0, total_length / static_cast<double>(claims.size()));
    const double n = static_cast<double>(claims.size());
    for (auto it = terms.begin(); it != terms.end();) {
      const double df = static_cast<double>(it->second.postings.size());
      // Terms in more than 2% of a large database (and over 32 claims) say little about which
      // claim a post restates; they would only make every query walk long posting lists.
      if (claims.size() >= 50 && df > std::max(32.0, 0.02 * n)) {
        it = terms.erase(it);
        continue;
      }
      it->second.idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
      it->second.weight *= it->second.idf;
      for (Posting& p : it->second.postings) {
        const double tf = p.tf;
        const double norm = kK1 * (1.0 - kB + kB * data[p.claim].length / avg_length);
        p.bm25 = static_cast<float>(it->second.idf * tf * (kK1 + 1.0) / (tf + norm) + 1e-6);
      }
      if (it->second.shadow) {
        for (const Posting& p : it->second.postings)
          data[p.claim].shadow_weight += it->second.weight;
      }
      ++it;
    }
  }

  std::vector<ClaimMatch> candidates(const NormalizedText& text) const {
    std::vector<ClaimMatch> out;
    if (claims.empty()) return out;
    std::vector<Term> t;
    std::vector<ByteSpan> words;
    terms_of(text.text, options.max_query_bytes, kTagAccented, false, stop, t, words);
    terms_of(text.shadow, options.max_query_bytes, kTagShadow, true, stop, t, words);
    const std::vector<ByteSpan> shadow_words = words;
    std::sort(t.begin(), t.end(), [](const Term& a, const Term& b) { return a.hash < b.hash; });
    // Scores live in arrays indexed by claim; only the `seen` bitmap needs clearing, so a post
    // costs what its postings cost, not what the database's size costs.
    const std::size_t n = claims.size();
    const auto bm25 = std::make_unique_for_overwrite<float[]>(n);
    const auto cover = std::make_unique_for_overwrite<float[]>(n);
    std::vector<std::uint64_t> seen((n + 63) / 64, 0);
    std::vector<std::uint32_t> touched;
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (i > 0 && t[i].hash == t[i - 1].hash) continue;
      const auto found = terms.find(t[i].hash);
      if (found == terms.end()) continue;
      const IndexedTerm& it = found->second;
      const auto weight = static_cast<float>(it.shadow ? it.weight : 0.0);
      for (const Posting& p : it.postings) {
        std::uint64_t& word = seen[p.claim / 64];
        const std::uint64_t bit = std::uint64_t{1} << (p.claim % 64);
        if ((word & bit) == 0) {
          word |= bit;
          touched.push_back(p.claim);
          bm25[p.claim] = 0.0f;
          cover[p.claim] = 0.0f;
        }
        bm25[p.claim] += p.bm25;
        cover[p.claim] += weight;
      }
    }
    if (touched.empty()) return out;
    const std::size_t k = std::min(options.candidates, touched.size());
    std::partial_sort(touched.begin(), touched.begin() + static_cast<std::ptrdiff_t>(k),
                      touched.end(), [&](std::uint32_t a, std::uint32_t b) {
                        return bm25[a] != bm25[b] ? bm25[a] > bm25[b] : a < b;
                      });
    touched.resize(k);

    std::string key = dedup_key(text);
    if (key.size() > options.max_query_bytes) key.resize(options.max_query_bytes);
    const std::vector<std::uint32_t> grams = char_grams(key);
    // The debunk markers this post carries, found once per post rather than per candidate.
    std::vector<std::uint32_t> post_markers;
    {
      const std::string padded = " " + key + " ";
      for (std::size_t i = 0; i < debunk.size(); ++i) {
        if (contains_phrase(padded, debunk[i]))
          post_markers.push_back(static_cast<std::uint32_t>(i));
      }
    }
    for (const std::uint32_t c : touched) {
      const ClaimData& d = data[c];
      ClaimMatch m;
      m.claim = c;
      m.bm25 = bm25[c];
      m.coverage = d.shadow_weight > 0 ? std::min(1.0, cover[c] / d.shadow_weight) : 0.0;
      m.chars = d.grams.empty() ? 0.0
                                : static_cast<double>(intersect_count(d.grams, grams)) /
                                      static_cast<double>(d.grams.size());
      m.score = 0.5 * m.coverage + 0.5 * m.chars;
      for (const std::uint32_t marker : post_markers) {
        if (!std::binary_search(d.markers.begin(), d.markers.end(), marker)) {
          m.debunked = true;
          break;
        }
      }
      m.evidence = evidence(text, shadow_words, d);
      out.push_back(m);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const ClaimMatch& a, const ClaimMatch& b) { return a.score > b.score; });
    return out;
  }

  // Original bytes from the first to the last word of the post that is also a word of the claim.
  static ByteSpan evidence(const NormalizedText& text, const std::vector<ByteSpan>& words,
                           const ClaimData& d) {
    std::size_t first = words.size();
    std::size_t last = 0;
    for (std::size_t i = 0; i < words.size(); ++i) {
      const std::uint64_t h = word_hash(
          std::string_view(text.shadow).substr(words[i].begin, words[i].end - words[i].begin),
          kTagShadow);
      if (!std::binary_search(d.shadow_words.begin(), d.shadow_words.end(), h)) continue;
      if (first == words.size()) first = i;
      last = i;
    }
    if (first == words.size()) return {0, static_cast<std::uint32_t>(text.original_bytes_used)};
    return text.shadow_to_original(words[first].begin, words[last].end);
  }
};

ClaimIndex::ClaimIndex(Token /*only build()*/) : impl_(std::make_unique<Impl>()) {}
ClaimIndex::~ClaimIndex() = default;

std::unique_ptr<ClaimIndex> ClaimIndex::build(std::vector<Claim> claims,
                                              const Normalizer& normalizer,
                                              ClaimMatchOptions options) {
  auto index = std::make_unique<ClaimIndex>(Token{});
  index->impl_->claims = std::move(claims);
  index->impl_->options = std::move(options);
  index->impl_->build(normalizer);
  return index;
}

std::vector<ClaimMatch> ClaimIndex::candidates(const NormalizedText& text) const {
  return impl_->candidates(text);
}

std::vector<ClaimMatch> ClaimIndex::match(const NormalizedText& text) const {
  std::vector<ClaimMatch> all = impl_->candidates(text);
  std::vector<ClaimMatch> out;
  for (const ClaimMatch& m : all) {
    if (m.score >= impl_->options.threshold && !m.debunked) out.push_back(m);
  }
  return out;
}

const std::vector<Claim>& ClaimIndex::claims() const { return impl_->claims; }
const ClaimMatchOptions& ClaimIndex::options() const { return impl_->options; }

namespace {

Status read_word_list(const std::string& path, std::vector<std::string>& out) {
  std::ifstream in(path);
  if (!in) return ok_status();  // optional
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    out.push_back(line);
  }
  if (in.bad()) return make_error(ErrorCode::kIo, "cannot read word list", path);
  return ok_status();
}

class ClaimDetector final : public Detector {
 public:
  explicit ClaimDetector(std::unique_ptr<ClaimIndex> index) : index_(std::move(index)) {}

  void detect(const Post& /*post*/, const NormalizedText& text,
              std::vector<Finding>& out) const override {
    for (const ClaimMatch& m : index_->match(text)) {
      const Claim& c = index_->claims()[m.claim];
      if (!verdict_flags(c.verdict)) continue;  // unproven and true claims never label a post
      Finding f;
      f.category = Category::kMisinformation;
      f.detector = "claim:" + c.id;
      const double t = index_->options().threshold;
      f.score = std::min(1.0, 0.5 + 0.5 * (m.score - t) / std::max(1e-9, 1.0 - t));
      f.evidence.push_back(m.evidence);
      f.reason = "restates a claim rated " + std::string(verdict_name(c.verdict)) + " by " +
                 c.fact_checker + " (" + c.source_url + ")";
      f.value = "verdict=" + std::string(verdict_name(c.verdict)) +
                ";fact_checker=" + c.fact_checker + ";source_url=" + c.source_url;
      f.truncated = text.truncated;
      out.push_back(std::move(f));
      break;  // the best match is enough; more would only repeat the label
    }
  }

 private:
  std::unique_ptr<ClaimIndex> index_;
};

}  // namespace

Status load_claim_word_lists(const std::string& data_dir, ClaimMatchOptions& options) {
  TINCAY_TRY(read_word_list(data_dir + "/claims/debunk_markers.txt", options.debunk_markers));
  return read_word_list(data_dir + "/claims/stopwords.txt", options.stopwords);
}

std::unique_ptr<Detector> make_claim_detector(std::unique_ptr<ClaimIndex> index) {
  return std::make_unique<ClaimDetector>(std::move(index));
}

}  // namespace tincay
