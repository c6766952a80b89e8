// The multi-pattern matcher behind the rule engine: every term and regular expression of every
// loaded pack is compiled once into one database per text form, and each post is scanned once per
// form. Two implementations serve the same interface and pass the same tests: Hyperscan (x86-64,
// TINCAY_WITH_HYPERSCAN) and a portable one (Aho-Corasick for terms, std::regex for expressions).
//
// Regular expressions use the subset both engines agree on: literals, ., [...] classes, (...),
// (?:...), |, ? * + {m,n}, \d \s \w \b, ^ $. They work on bytes, so write non-ASCII letters
// literally (not inside [...]). A pattern that can match the empty string is an error.
#pragma once

#include <cstdint>
#include <memory>
#include <memory_resource>
#include <string>
#include <string_view>
#include <vector>

#include "tincay/core/result.h"

namespace tincay::rules {

struct Pattern {
  std::string expression;  // the term's bytes, or the regular expression
  bool literal = true;     // true: match `expression` byte for byte
  bool caseless = false;   // ASCII case-insensitive (used for the original text)
  std::string where;       // "rules/scam.yaml:42", for errors
  std::string origin;      // "rule scam.otp, pattern ...", for errors
};

// One match: pattern index into the compiled vector, byte range of the scanned text.
struct MatchHit {
  std::uint32_t pattern = 0;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

// The engine keeps a post's hits in a per-call arena (std::pmr), so that scanning allocates
// nothing in the common case.
using HitBuffer = std::pmr::vector<MatchHit>;

class Matcher {
 public:
  virtual ~Matcher() = default;
  // Appends the matches of all patterns in `text` to `out`: every occurrence of a term, and for
  // expressions at least the leftmost match ending at each reported end. At most `max_hits` are
  // appended (a guard against pathological posts). Thread-safe.
  virtual void scan(std::string_view text, HitBuffer& out, std::size_t max_hits) const = 0;
  // "hyperscan" or "portable".
  virtual std::string_view name() const = 0;
};

// Portable matcher; errors name the pattern's origin and the reason.
Result<std::unique_ptr<Matcher>> make_portable_matcher(const std::vector<Pattern>& patterns);

// True when this build has Hyperscan and the CPU supports it.
bool hyperscan_available();

// Hyperscan matcher. `cache_path`, when not empty, is a file that holds the serialized database:
// it is loaded when valid, and written (atomically) after compiling otherwise; a corrupt or stale
// file is ignored. Fails when !hyperscan_available().
Result<std::unique_ptr<Matcher>> make_hyperscan_matcher(const std::vector<Pattern>& patterns,
                                                        const std::string& cache_path);

}  // namespace tincay::rules
