// The portable matcher (see matcher.h): Aho-Corasick over bytes for terms, std::regex for
// expressions. Slower than Hyperscan but available everywhere, and held to the same tests.
#include <algorithm>
#include <array>
#include <deque>
#include <exception>
#include <regex>
#include <utility>

#include "src/detect/rules/matcher.h"

namespace tincay::rules {
namespace {

unsigned char fold(unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

// Aho-Corasick automaton with sparse edges; the root has a dense table since most bytes of a
// post leave the root at once.
class AhoCorasick {
 public:
  explicit AhoCorasick(bool caseless) : caseless_(caseless) { nodes_.emplace_back(); }

  void add(std::string_view word, std::uint32_t pattern) {
    std::size_t state = 0;
    for (const char ch : word) {
      const unsigned char c =
          caseless_ ? fold(static_cast<unsigned char>(ch)) : static_cast<unsigned char>(ch);
      const int next = child(state, c);
      if (next >= 0) {
        state = static_cast<std::size_t>(next);
        continue;
      }
      nodes_.emplace_back();
      nodes_[state].edges.emplace_back(c, static_cast<std::uint32_t>(nodes_.size() - 1));
      std::sort(nodes_[state].edges.begin(), nodes_[state].edges.end());
      state = nodes_.size() - 1;
    }
    nodes_[state].outputs.push_back({pattern, static_cast<std::uint32_t>(word.size())});
  }

  void build() {
    root_.fill(0);
    std::deque<std::uint32_t> queue;
    for (const auto& [c, next] : nodes_[0].edges) {
      root_[c] = next;
      nodes_[next].fail = 0;
      queue.push_back(next);
    }
    while (!queue.empty()) {
      const std::uint32_t s = queue.front();
      queue.pop_front();
      for (const auto& [c, next] : nodes_[s].edges) {
        nodes_[next].fail = step(nodes_[s].fail, c);
        // Outputs reachable through the failure chain are found at scan time via `dict`.
        const std::uint32_t fl = nodes_[next].fail;
        nodes_[next].dict = nodes_[fl].outputs.empty() ? nodes_[fl].dict : fl;
        queue.push_back(next);
      }
    }
  }

  bool empty() const { return nodes_.size() == 1; }

  void scan(std::string_view text, HitBuffer& out, std::size_t max_hits) const {
    std::uint32_t state = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const unsigned char raw = static_cast<unsigned char>(text[i]);
      state = step(state, caseless_ ? fold(raw) : raw);
      for (std::uint32_t s = nodes_[state].outputs.empty() ? nodes_[state].dict : state; s != 0;
           s = nodes_[s].dict) {
        for (const Output& o : nodes_[s].outputs) {
          if (out.size() >= max_hits) return;
          const auto end = static_cast<std::uint32_t>(i + 1);
          out.push_back({o.pattern, end - o.length, end});
        }
      }
    }
  }

 private:
  struct Output {
    std::uint32_t pattern;
    std::uint32_t length;
  };
  struct Node {
    std::vector<std::pair<unsigned char, std::uint32_t>> edges;  // sorted by byte
    std::vector<Output> outputs;
    std::uint32_t fail = 0;
    std::uint32_t dict = 0;  // nearest state on the failure chain with outputs (0: none)
  };

  int child(std::size_t state, unsigned char c) const {
    const auto& e = nodes_[state].edges;
    const auto it = std::lower_bound(e.begin(), e.end(), std::make_pair(c, std::uint32_t{0}));
    return (it != e.end() && it->first == c) ? static_cast<int>(it->second) : -1;
  }

  // The goto/failure transition; root_ is filled before any failure link is computed.
  std::uint32_t step(std::uint32_t state, unsigned char c) const {
    while (state != 0) {
      const int next = child(state, c);
      if (next >= 0) return static_cast<std::uint32_t>(next);
      state = nodes_[state].fail;
    }
    return root_[c];
  }

  bool caseless_;
  std::vector<Node> nodes_;
  std::array<std::uint32_t, 256> root_{};
};

struct CompiledRegex {
  std::uint32_t pattern;
  std::regex re;
};

class PortableMatcher final : public Matcher {
 public:
  PortableMatcher() : exact_(false), caseless_(true) {}

  Status add(const Pattern& p, std::uint32_t index) {
    if (p.expression.empty()) {
      return make_error(ErrorCode::kInvalidInput, p.origin + ": empty pattern", p.where);
    }
    if (p.literal) {
      (p.caseless ? caseless_ : exact_).add(p.expression, index);
      return ok_status();
    }
    try {
      auto flags = std::regex::ECMAScript | std::regex::optimize;
      if (p.caseless) flags |= std::regex::icase;
      std::regex re(p.expression, flags);
      if (std::regex_search(std::string(), re)) {
        return make_error(ErrorCode::kInvalidInput,
                          p.origin + ": the expression matches the empty string", p.where);
      }
      regexes_.push_back({index, std::move(re)});
    } catch (const std::exception& e) {
      return make_error(ErrorCode::kInvalidInput,
                        p.origin + ": invalid regular expression (" + e.what() + ")", p.where);
    }
    return ok_status();
  }

  void build() {
    exact_.build();
    caseless_.build();
  }

  void scan(std::string_view text, HitBuffer& out, std::size_t max_hits) const override {
    const std::size_t limit = out.size() + max_hits;
    if (!exact_.empty()) exact_.scan(text, out, limit);
    if (!caseless_.empty()) caseless_.scan(text, out, limit);
    for (const CompiledRegex& r : regexes_) {
      try {
        auto begin = text.begin();
        while (begin != text.end() && out.size() < limit) {
          std::match_results<std::string_view::const_iterator> m;
          const auto flags = begin == text.begin() ? std::regex_constants::match_default
                                                   : std::regex_constants::match_prev_avail;
          if (!std::regex_search(begin, text.end(), m, r.re, flags)) break;
          const auto s = static_cast<std::uint32_t>(m[0].first - text.begin());
          const auto e = static_cast<std::uint32_t>(m[0].second - text.begin());
          if (e > s) out.push_back({r.pattern, s, e});
          begin = text.begin() + s + 1;  // look for overlapping matches too
        }
      } catch (const std::exception&) {
        // std::regex gave up (complexity or stack): this expression reports nothing for this text.
      }
    }
  }

  std::string_view name() const override { return "portable"; }

 private:
  AhoCorasick exact_;
  AhoCorasick caseless_;
  std::vector<CompiledRegex> regexes_;
};

}  // namespace

Result<std::unique_ptr<Matcher>> make_portable_matcher(const std::vector<Pattern>& patterns) {
  auto m = std::make_unique<PortableMatcher>();
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    TINCAY_TRY(m->add(patterns[i], static_cast<std::uint32_t>(i)));
  }
  m->build();
  return std::unique_ptr<Matcher>(std::move(m));
}

}  // namespace tincay::rules
