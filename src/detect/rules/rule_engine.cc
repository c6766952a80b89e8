// The rule engine (see tincay/detect/rules.h): scans each text form once with its matcher, keeps
// the hits that sit on word boundaries, and evaluates only the rules those hits touch.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory_resource>
#include <set>
#include <sstream>

#include "tincay/core/crypto.h"
#include "tincay/core/utf8.h"

#include "src/detect/rules/rule_model.h"

namespace tincay {

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "low";
}

namespace rules {
namespace {

// At most this many raw matches per text form: a guard against posts built to flood the engine.
constexpr std::size_t kMaxHitsPerText = 4096;
constexpr std::size_t kMaxEvidence = 8;

// Shown with every self_harm finding whose pack gives no note of its own.
constexpr std::string_view kSupportLine =
    "Hỗ trợ: hãy nói chuyện với người bạn tin tưởng; khẩn cấp gọi 115. "
    "Support: talk to someone you trust; in an emergency call 115.";

bool is_word_cp(char32_t cp) {
  return (cp >= U'0' && cp <= U'9') || (cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z') ||
         (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x300 && cp <= 0x36F) ||
         (cp >= 0x1E00 && cp <= 0x1EFF);
}

char32_t cp_before(std::string_view s, std::size_t at) {
  std::size_t p = at - 1;
  while (p > 0 && (static_cast<unsigned char>(s[p]) & 0xC0) == 0x80) --p;
  return utf8::decode(s, p);
}

char32_t cp_at(std::string_view s, std::size_t at) { return utf8::decode(s, at); }

constexpr std::array<bool, 256> kAsciiAlnum = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = true;
  return t;
}();

bool is_ascii_alnum(char c) { return kAsciiAlnum[static_cast<unsigned char>(c)]; }

// A match must not cut a word: where the match starts (ends) with a letter or digit, the
// character before (after) it must not be one. "vl" does not fire inside "vlog"; ".top" may
// follow a letter. Where both bytes at an edge are ASCII (most edges), they are the characters.
bool on_word_boundary(std::string_view text, std::size_t begin, std::size_t end) {
  if (begin > 0) {
    const auto before = static_cast<unsigned char>(text[begin - 1]);
    const auto first = static_cast<unsigned char>(text[begin]);
    if ((before | first) < 0x80) {
      if (kAsciiAlnum[before] && kAsciiAlnum[first]) return false;
    } else if (is_word_cp(cp_at(text, begin)) && is_word_cp(cp_before(text, begin))) {
      return false;
    }
  }
  if (end < text.size()) {
    const auto last = static_cast<unsigned char>(text[end - 1]);
    const auto after = static_cast<unsigned char>(text[end]);
    if ((last | after) < 0x80) {
      if (kAsciiAlnum[last] && kAsciiAlnum[after]) return false;
    } else if (is_word_cp(cp_before(text, end)) && is_word_cp(cp_at(text, end))) {
      return false;
    }
  }
  return true;
}

struct Hit {
  std::uint32_t atom;
  ByteSpan original;
};

// Per-call working sets live in a stack arena (see Engine::evaluate): a post's hits, candidate
// rules and evidence need no heap allocation unless the post is unusually rich in matches.
using Hits = std::pmr::vector<Hit>;
using Spans = std::pmr::vector<ByteSpan>;
using Names = std::pmr::vector<std::string_view>;  // views of Atom::display

// Token positions on the original text: NormalizedText::tokens when the normalizer gives them,
// else whitespace-separated words.
class TokenIndex {
 public:
  TokenIndex(const Post& post, const NormalizedText& text) : post_(post), text_(text) {}

  std::uint32_t at(std::uint32_t original_offset) {
    if (!text_.tokens.empty()) {
      const auto it = std::upper_bound(
          text_.tokens.begin(), text_.tokens.end(), original_offset,
          [](std::uint32_t off, const Token& t) { return off < t.original.begin; });
      return it == text_.tokens.begin() ? 0
                                        : static_cast<std::uint32_t>(it - text_.tokens.begin() - 1);
    }
    if (!built_) build();
    const auto it = std::upper_bound(starts_.begin(), starts_.end(), original_offset);
    return it == starts_.begin() ? 0 : static_cast<std::uint32_t>(it - starts_.begin() - 1);
  }

 private:
  void build() {
    built_ = true;
    const std::string_view s(post_.text);
    bool in_word = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
      if (!space && !in_word) starts_.push_back(static_cast<std::uint32_t>(i));
      in_word = !space;
    }
  }

  const Post& post_;
  const NormalizedText& text_;
  bool built_ = false;
  std::vector<std::uint32_t> starts_;
};

bool overlaps(ByteSpan a, ByteSpan b) { return a.begin < b.end && b.begin < a.end; }

// A one-letter term ("m", "t", "k"): found by the engine itself rather than the matcher. Such
// a letter occurs many times in every post but almost never as a word of its own, so handing
// every occurrence through the matcher's callback only to drop it at the word-boundary check
// costs more than the rest of the scan; here only whole-word occurrences become hits.
struct LetterTerm {
  char byte = 0;          // as written in the pattern (a letter or digit)
  bool caseless = false;  // also the other ASCII case
  std::uint32_t atom = 0;
};

// What is scanned on one text form: the matcher's patterns (atoms[i]: the atom of the
// matcher's pattern i) and the one-letter terms.
struct TargetScan {
  std::unique_ptr<Matcher> matcher;
  std::vector<std::uint32_t> atoms;
  std::vector<LetterTerm> letters;
};

// True when `a` and `b` have the same length and bytes, ASCII letters compared without case.
// Eight bytes at a time: most posts differ from their normalized text in a few capitals only.
bool same_but_ascii_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  auto same_byte = [](unsigned char x, unsigned char y) {
    const unsigned char lower = x | 0x20;
    return x == y || ((x ^ y) == 0x20 && lower >= 'a' && lower <= 'z');
  };
  std::size_t i = 0;
  for (; i + 8 <= a.size(); i += 8) {
    std::uint64_t x = 0;
    std::uint64_t y = 0;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    const std::uint64_t d = x ^ y;
    if (d == 0) continue;
    if ((d & ~0x2020202020202020ULL) != 0) return false;
    for (std::size_t k = i; k < i + 8; ++k) {
      if (!same_byte(static_cast<unsigned char>(a[k]), static_cast<unsigned char>(b[k]))) {
        return false;
      }
    }
  }
  for (; i < a.size(); ++i) {
    if (!same_byte(static_cast<unsigned char>(a[i]), static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

class Engine final : public RuleEngine {
 public:
  // `text_and_original` (may be null) matches the text form's matcher patterns, then the
  // original form's: pattern i >= `text_patterns` is the original's pattern i - text_patterns.
  Engine(CompiledRules compiled, std::array<TargetScan, kTargetCount> scans,
         std::unique_ptr<Matcher> text_and_original, std::uint32_t text_patterns)
      : c_(std::move(compiled)),
        scans_(std::move(scans)),
        text_and_original_(std::move(text_and_original)),
        text_patterns_(text_patterns) {
    for (const Rule& r : c_.rules) infos_.push_back(r.info);
    content_hash_ = c_.content_hash;
  }

  std::string_view matcher_name() const override {
    for (const TargetScan& t : scans_) {
      if (t.matcher) return t.matcher->name();
    }
    return "portable";
  }

  std::map<std::string, std::string> model_versions() const override {
    return {{"rules", "sha256:" + content_hash_.substr(0, 12)}};
  }

  void detect(const Post& post, const NormalizedText& text,
              std::vector<Finding>& out) const override {
    evaluate(post, text, &out, nullptr);
  }

  std::vector<RuleTrace> explain(const Post& post, const NormalizedText& text) const override {
    std::vector<RuleTrace> traces;
    evaluate(post, text, nullptr, &traces);
    return traces;
  }

 private:
  // Asks for the post's text forms and the heads of their offset maps at once, so that their
  // cache misses overlap. Otherwise, on a post that is not in the cache, the shadow is first read
  // only after the text's scan and the maps after both scans, one miss after another.
  static void prefetch_forms(const Post& post, const NormalizedText& text) {
    __builtin_prefetch(text.shadow.data());
    __builtin_prefetch(text.text.data());
    __builtin_prefetch(post.text.data());
    __builtin_prefetch(text.text_map.data());
    __builtin_prefetch(text.shadow_map.data());
  }

  void collect(const Post& post, const NormalizedText& text, Hits& hits) const {
    HitBuffer raw(hits.get_allocator());
    raw.reserve(64);
    const std::array<std::string_view, kTargetCount> forms = {
        text.text, text.shadow, std::string_view(post.text).substr(0, text.original_bytes_used)};
    // Most posts' normalized text differs from the original in ASCII case only; the original's
    // expressions, all caseless, then match the text exactly where they match the original, so
    // one scan with the merged matcher serves both forms. A scan that reaches the hit limit is
    // redone form by form, each with its own limit, as without the merged matcher.
    if (text_and_original_ && !forms[0].empty() && same_but_ascii_case(forms[0], forms[2])) {
      text_and_original_->scan(forms[0], raw, kMaxHitsPerText);
      if (raw.size() < kMaxHitsPerText) {
        HitBuffer original(hits.get_allocator());
        std::size_t kept = 0;
        for (const MatchHit& h : raw) {
          if (h.pattern < text_patterns_) {
            raw[kept++] = h;
          } else {
            original.push_back({h.pattern - text_patterns_, h.begin, h.end});
          }
        }
        raw.resize(kept);
        add_hits(Target::kText, forms[0], text, raw, hits);
        add_hits(Target::kOriginal, forms[2], text, original, hits);
        raw.clear();
        const Matcher* shadow = scans_[1].matcher.get();
        if (shadow != nullptr && !forms[1].empty()) shadow->scan(forms[1], raw, kMaxHitsPerText);
        add_hits(Target::kShadow, forms[1], text, raw, hits);
        sort_hits(hits);
        return;
      }
      raw.clear();
    }
    for (std::size_t t = 0; t < kTargetCount; ++t) {
      const Matcher* m = scans_[t].matcher.get();
      raw.clear();
      if (m != nullptr && !forms[t].empty()) m->scan(forms[t], raw, kMaxHitsPerText);
      add_hits(static_cast<Target>(t), forms[t], text, raw, hits);
    }
    sort_hits(hits);
  }

  // By atom, then position: a total order, so that the order of a post's hits (and so of its
  // evidence) does not depend on the order in which the matchers reported them.
  static void sort_hits(Hits& hits) {
    std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
      if (a.atom != b.atom) return a.atom < b.atom;
      if (a.original.begin != b.original.begin) return a.original.begin < b.original.begin;
      return a.original.end < b.original.end;
    });
  }

  // Appends to `hits` the matches on word boundaries among `raw` (the matcher's hits on form
  // `s` of `target`) and the one-letter terms' whole-word occurrences, on the original text.
  void add_hits(Target target, std::string_view s, const NormalizedText& text, HitBuffer& raw,
                Hits& hits) const {
    const TargetScan& scan = scans_[static_cast<std::size_t>(target)];
    if (s.empty()) return;
    const std::size_t from_matcher = raw.size();
    if (!scan.letters.empty()) find_letters(s, scan.letters, raw);
    for (std::size_t k = 0; k < raw.size(); ++k) {
      const MatchHit& h = raw[k];
      if (h.end <= h.begin || h.end > s.size()) continue;
      if (!on_word_boundary(s, h.begin, h.end)) continue;
      ByteSpan orig;
      if (target == Target::kText) {
        orig = text.text_to_original(h.begin, h.end);
      } else if (target == Target::kShadow) {
        orig = text.shadow_to_original(h.begin, h.end);
      } else {
        orig = {h.begin, h.end};
      }
      hits.push_back({k < from_matcher ? scan.atoms[h.pattern] : h.pattern, orig});
    }
  }

  // Appends the whole-word occurrences of the one-letter terms (MatchHit::pattern holds the
  // atom). memchr finds each letter; one next to an ASCII letter or digit is never a whole word,
  // so only lone ones get the full word-boundary check.
  static void find_letters(std::string_view s, const std::vector<LetterTerm>& letters,
                           HitBuffer& out) {
    for (const LetterTerm& l : letters) {
      for (int pass = 0; pass < (l.caseless ? 2 : 1); ++pass) {
        const char c = pass == 0 ? l.byte : static_cast<char>(l.byte ^ 0x20);
        for (std::size_t i = s.find(c); i != std::string_view::npos; i = s.find(c, i + 1)) {
          if ((i > 0 && is_ascii_alnum(s[i - 1])) ||
              (i + 1 < s.size() && is_ascii_alnum(s[i + 1]))) {
            continue;
          }
          if (out.size() >= 2 * kMaxHitsPerText || !on_word_boundary(s, i, i + 1)) continue;
          out.push_back({l.atom, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + 1)});
        }
      }
    }
  }

  struct HitRange {
    const Hit* begin;
    const Hit* end;
    bool empty() const { return begin == end; }
  };

  static HitRange hits_of(const Hits& hits, std::uint32_t atom) {
    const auto lo = std::lower_bound(hits.begin(), hits.end(), atom,
                                     [](const Hit& h, std::uint32_t a) { return h.atom < a; });
    auto hi = lo;
    while (hi != hits.end() && hi->atom == atom) ++hi;
    return {hits.data() + (lo - hits.begin()), hits.data() + (hi - hits.begin())};
  }

  // Appends the hits of `group` to `evidence`/`matched`; true when any.
  bool group_hits(const Hits& hits, const Group& group, Spans& evidence, Names& matched) const {
    bool any = false;
    for (const std::uint32_t atom : group) {
      const HitRange r = hits_of(hits, atom);
      if (r.empty()) continue;
      any = true;
      matched.push_back(c_.atoms[atom].display);
      for (const Hit* h = r.begin; h != r.end; ++h) evidence.push_back(h->original);
    }
    return any;
  }

  bool near_hits(const Hits& hits, const Near& n, TokenIndex& tokens, Spans& evidence,
                 Names& matched) const {
    for (const std::uint32_t a : n.a) {
      const HitRange ra = hits_of(hits, a);
      for (const Hit* ha = ra.begin; ha != ra.end; ++ha) {
        const std::uint32_t ta = tokens.at(ha->original.begin);
        for (const std::uint32_t b : n.b) {
          const HitRange rb = hits_of(hits, b);
          for (const Hit* hb = rb.begin; hb != rb.end; ++hb) {
            if (overlaps(ha->original, hb->original)) continue;
            const std::uint32_t tb = tokens.at(hb->original.begin);
            const std::uint32_t d = ta > tb ? ta - tb : tb - ta;
            if (d > n.within) continue;
            evidence.push_back(ha->original);
            evidence.push_back(hb->original);
            matched.push_back(c_.atoms[a].display);
            matched.push_back(c_.atoms[b].display);
            return true;
          }
        }
      }
    }
    return false;
  }

  static bool inside_quotes(std::string_view s, ByteSpan e) {
    // Straight quotes pair up in order; curly and guillemet quotes open and close explicitly.
    int straight = 0;
    int curly = 0;
    for (std::size_t i = 0; i < e.begin && i < s.size();) {
      const char32_t cp = utf8::decode(s, i);
      if (cp == U'"') straight ^= 1;
      if (cp == 0x201C || cp == 0xAB) ++curly;
      if ((cp == 0x201D || cp == 0xBB) && curly > 0) --curly;
    }
    if (straight == 0 && curly == 0) return false;
    for (std::size_t i = e.end; i < s.size();) {
      const char32_t cp = utf8::decode(s, i);
      if ((straight != 0 && cp == U'"') || (curly != 0 && (cp == 0x201D || cp == 0xBB))) {
        return true;
      }
    }
    return false;
  }

  bool context_fires(const Context& ctx, const Hits& hits, const Post& post, const Spans& evidence,
                     TokenIndex& tokens, std::string& matched) const {
    if (ctx.quotation) {
      for (const ByteSpan e : evidence) {
        if (!inside_quotes(post.text, e)) return false;
      }
      matched = "quotation marks";
      return !evidence.empty();
    }
    for (const std::uint32_t atom : ctx.atoms) {
      const HitRange r = hits_of(hits, atom);
      for (const Hit* h = r.begin; h != r.end; ++h) {
        bool ok = ctx.window < 0;
        for (std::size_t i = 0; !ok && i < evidence.size(); ++i) {
          const ByteSpan e = evidence[i];
          if (overlaps(e, h->original)) continue;
          const std::uint32_t te = tokens.at(e.begin);
          const std::uint32_t tc = tokens.at(h->original.begin);
          const auto w = static_cast<std::uint32_t>(ctx.window);
          if (ctx.before_only) {
            ok = h->original.begin < e.begin && te - tc <= w;
          } else {
            ok = (te > tc ? te - tc : tc - te) <= w;
          }
        }
        if (ok) {
          matched = c_.atoms[atom].display;
          return true;
        }
      }
    }
    return false;
  }

  void evaluate(const Post& post, const NormalizedText& text, std::vector<Finding>* out,
                std::vector<RuleTrace>* traces) const {
    prefetch_forms(post, text);
    // Enough for the hits and evidence of nearly every post; more spills to the heap.
    std::array<std::byte, 8192> arena_bytes;
    std::pmr::monotonic_buffer_resource arena(arena_bytes.data(), arena_bytes.size());
    Hits hits(&arena);
    hits.reserve(64);
    collect(post, text, hits);
    if (hits.empty()) return;
    std::pmr::vector<std::uint32_t> candidates(&arena);
    for (std::size_t i = 0; i < hits.size(); ++i) {
      if (i > 0 && hits[i].atom == hits[i - 1].atom) continue;
      const auto& rs = c_.atom_rules[hits[i].atom];
      candidates.insert(candidates.end(), rs.begin(), rs.end());
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    TokenIndex tokens(post, text);
    // Which atoms hit at all: a cheap first test that spares most candidates the full evaluation.
    std::pmr::vector<bool> present(c_.atoms.size(), false, &arena);
    for (const Hit& h : hits) present[h.atom] = true;
    auto any_present = [&](const Group& g) {
      for (const std::uint32_t a : g) {
        if (present[a]) return true;
      }
      return false;
    };

    for (const std::uint32_t ri : candidates) {
      const Rule& rule = c_.rules[ri];
      if (traces == nullptr) {
        bool possible = rule.any.empty() || any_present(rule.any);
        for (std::size_t g = 0; possible && g < rule.all.size(); ++g) {
          possible = any_present(rule.all[g]);
        }
        for (std::size_t k = 0; possible && k < rule.near.size(); ++k) {
          possible = any_present(rule.near[k].a) && any_present(rule.near[k].b);
        }
        if (!possible) continue;
      }
      Spans evidence(&arena);
      Names matched(&arena);
      std::string outcome;
      bool ok = true;
      if (!rule.any.empty() && !group_hits(hits, rule.any, evidence, matched)) {
        ok = false;
        outcome = "no term of any";
      }
      for (std::size_t g = 0; ok && g < rule.all.size(); ++g) {
        if (!group_hits(hits, rule.all[g], evidence, matched)) {
          ok = false;
          if (traces != nullptr) outcome = "missing all[" + std::to_string(g + 1) + "]";
        }
      }
      for (std::size_t k = 0; ok && k < rule.near.size(); ++k) {
        if (!near_hits(hits, rule.near[k], tokens, evidence, matched)) {
          ok = false;
          if (traces != nullptr) {
            outcome = "near[" + std::to_string(k + 1) + "] not within " +
                      std::to_string(rule.near[k].within) + " tokens";
          }
        }
      }
      if (ok && !rule.none.empty()) {
        Spans ignored(&arena);
        Names excluded(&arena);
        if (group_hits(hits, rule.none, ignored, excluded)) {
          ok = false;
          if (traces != nullptr) {
            outcome = "excluded by none: \"" + std::string(excluded.front()) + "\"";
          }
        }
      }
      // Evidence in clause order, without repeats or spans nested in an earlier one.
      Spans spans(&arena);
      for (const ByteSpan e : evidence) {
        bool covered = false;
        for (ByteSpan& s : spans) {
          if (s.begin <= e.begin && e.end <= s.end) covered = true;
          if (e.begin <= s.begin && s.end <= e.end && !(s == e)) {
            s = e;
            covered = true;
          }
        }
        if (!covered && spans.size() < kMaxEvidence) spans.push_back(e);
      }
      std::sort(matched.begin(), matched.end());
      matched.erase(std::unique(matched.begin(), matched.end()), matched.end());

      double score = rule.info.weight;
      std::string weakened;
      for (std::size_t u = 0; ok && u < rule.unless.size(); ++u) {
        const Context& ctx = c_.contexts[rule.unless[u]];
        std::string what;
        if (!context_fires(ctx, hits, post, spans, tokens, what)) continue;
        if (ctx.effect == Effect::kSuppress) {
          ok = false;
          outcome = "suppressed by context " + ctx.name + " (\"" + what + "\")";
        } else {
          score *= ctx.factor;
          if (!weakened.empty()) weakened += ", ";
          weakened += ctx.name + " (\"" + what + "\")";
        }
      }
      if (traces != nullptr) {
        RuleTrace t;
        t.rule_id = rule.info.id;
        t.category = rule.info.category;
        t.fired = ok;
        t.score = ok ? score : 0.0;
        t.matched.assign(matched.begin(), matched.end());
        t.evidence.assign(spans.begin(), spans.end());
        t.outcome = ok ? (weakened.empty() ? "fired" : "fired, weakened by " + weakened) : outcome;
        traces->push_back(std::move(t));
      }
      if (!ok || out == nullptr) continue;
      Finding f;
      f.category = rule.info.category;
      f.detector = "rule:" + rule.info.id;
      f.score = std::clamp(score, 0.0, 1.0);
      f.evidence.assign(spans.begin(), spans.end());
      f.truncated = text.truncated;
      f.reason = rule.info.description + " [" + std::string(severity_name(rule.info.severity)) +
                 "]: matched ";
      for (std::size_t i = 0; i < matched.size() && i < 4; ++i) {
        if (i > 0) f.reason += ", ";
        f.reason += '"';
        f.reason += matched[i];
        f.reason += '"';
      }
      if (!weakened.empty()) f.reason += "; weakened by " + weakened;
      if (!rule.note.empty()) {
        f.reason += ". " + rule.note;
      } else if (rule.info.category == Category::kSelfHarm) {
        f.reason += ". " + std::string(kSupportLine);
      }
      out->push_back(std::move(f));
    }
  }

  CompiledRules c_;
  std::array<TargetScan, kTargetCount> scans_;
  std::unique_ptr<Matcher> text_and_original_;
  std::uint32_t text_patterns_ = 0;
};

std::string default_cache_dir() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x == '/') {
    return std::string(x) + "/tincay";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home == '/') {
    return std::string(home) + "/.cache/tincay";
  }
  return {};
}

std::string patterns_key(const std::vector<Pattern>& patterns) {
  // The version names the cache's layout: v2 adds the fast database (hyperscan_matcher.cc).
  std::string all = "tincay-hs-v2";
  for (const Pattern& p : patterns) {
    all += p.literal ? 'L' : 'R';
    all += p.caseless ? 'i' : '-';
    all += std::to_string(p.expression.size());
    all += ':';
    all += p.expression;
  }
  return sha256_hex(all);
}

}  // namespace

}  // namespace rules

Result<std::unique_ptr<RuleEngine>> parse_rule_engine(
    const std::vector<std::pair<std::string, std::string>>& packs, const Normalizer& normalizer,
    const RuleOptions& options) {
  using namespace rules;
  auto compiled = load_rules(packs, normalizer);
  if (!compiled) return compiled.error();
  const bool use_hs = options.matcher == MatcherKind::kHyperscan ||
                      (options.matcher == MatcherKind::kAuto && hyperscan_available());
  std::array<TargetScan, kTargetCount> scans;
  const std::string cache_dir =
      options.use_cache ? (options.cache_dir.empty() ? default_cache_dir() : options.cache_dir)
                        : std::string();
  auto make_matcher = [&](const std::vector<Pattern>& patterns) {
    return use_hs ? make_hyperscan_matcher(
                        patterns, cache_dir.empty()
                                      ? std::string()
                                      : cache_dir + "/rules-" + patterns_key(patterns) + ".hsdb")
                  : make_portable_matcher(patterns);
  };
  std::array<std::vector<Pattern>, kTargetCount> matched_patterns;
  for (std::size_t t = 0; t < kTargetCount; ++t) {
    std::vector<Pattern>& patterns = matched_patterns[t];
    for (std::size_t i = 0; i < compiled->patterns[t].size(); ++i) {
      const Pattern& p = compiled->patterns[t][i];
      const std::uint32_t atom = compiled->atom_of[t][i];
      if (p.literal && p.expression.size() == 1 && is_ascii_alnum(p.expression[0])) {
        scans[t].letters.push_back({p.expression[0], p.caseless && p.expression[0] > '9', atom});
      } else {
        patterns.push_back(p);
        scans[t].atoms.push_back(atom);
      }
    }
    if (patterns.empty()) continue;
    Result<std::unique_ptr<Matcher>> m = make_matcher(patterns);
    if (!m) return m.error();
    scans[t].matcher = std::move(m).value();
  }
  // The merged matcher for posts whose text and original differ only in case (see collect).
  std::unique_ptr<Matcher> text_and_original;
  const auto& text_patterns = matched_patterns[static_cast<std::size_t>(Target::kText)];
  const auto& original_patterns = matched_patterns[static_cast<std::size_t>(Target::kOriginal)];
  if (!text_patterns.empty() && !original_patterns.empty()) {
    std::vector<Pattern> both = text_patterns;
    both.insert(both.end(), original_patterns.begin(), original_patterns.end());
    Result<std::unique_ptr<Matcher>> m = make_matcher(both);
    if (!m) return m.error();
    text_and_original = std::move(m).value();
  }
  return std::unique_ptr<RuleEngine>(std::make_unique<Engine>(
      std::move(compiled).value(), std::move(scans), std::move(text_and_original),
      static_cast<std::uint32_t>(text_patterns.size())));
}

Result<std::unique_ptr<RuleEngine>> load_rule_engine(const std::vector<std::string>& files,
                                                     const Normalizer& normalizer,
                                                     const RuleOptions& options) {
  std::vector<std::pair<std::string, std::string>> packs;
  for (const std::string& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::kNotFound, "cannot open rule pack", path);
    std::stringstream ss;
    ss << in.rdbuf();
    packs.emplace_back(path, ss.str());
  }
  return parse_rule_engine(packs, normalizer, options);
}

Result<std::vector<std::string>> list_rule_pack_files(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> files;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const auto& p = it->path();
    if (p.extension() == ".yaml" && it->is_regular_file(ec)) files.push_back(p.string());
  }
  if (ec)
    return make_error(ErrorCode::kNotFound, "cannot read rule directory: " + ec.message(), dir);
  std::sort(files.begin(), files.end());
  return files;
}

Result<std::unique_ptr<Detector>> load_rule_packs(const std::string& dir,
                                                  const Normalizer& normalizer) {
  auto files = list_rule_pack_files(dir);
  if (!files) return files.error();
  if (files->empty()) return make_error(ErrorCode::kNotFound, "no *.yaml rule packs", dir);
  auto engine = load_rule_engine(*files, normalizer, RuleOptions{});
  if (!engine) return engine.error();
  return std::unique_ptr<Detector>(std::move(engine).value());
}

std::vector<ExampleFailure> run_rule_examples(const RuleEngine& engine,
                                              const Normalizer& normalizer,
                                              const std::vector<std::string>& packs) {
  std::vector<ExampleFailure> failures;
  const std::set<std::string> wanted(packs.begin(), packs.end());
  for (const RuleInfo& info : engine.rules()) {
    if (!wanted.empty() && wanted.count(info.pack) == 0) continue;
    if (info.match_examples.empty()) {
      failures.push_back({info.id, info.where, "", "rule has no match example"});
    }
    auto fires = [&](const std::string& example) {
      Post post;
      post.text = example;
      std::vector<Finding> found;
      engine.detect(post, normalizer.normalize(example), found);
      for (const Finding& f : found) {
        if (f.detector == "rule:" + info.id) return true;
      }
      return false;
    };
    for (const std::string& e : info.match_examples) {
      if (!fires(e)) failures.push_back({info.id, info.where, e, "expected a match"});
    }
    for (const std::string& e : info.no_match_examples) {
      if (fires(e)) failures.push_back({info.id, info.where, e, "expected no match"});
    }
  }
  return failures;
}

}  // namespace tincay
