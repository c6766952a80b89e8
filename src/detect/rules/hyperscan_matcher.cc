// The Hyperscan matcher (see matcher.h). Built only with TINCAY_WITH_HYPERSCAN; without it the
// factory reports that Hyperscan is unavailable and the engine uses the portable matcher.
#include "src/detect/rules/matcher.h"

#ifdef TINCAY_WITH_HYPERSCAN

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include <hs.h>
#include <unistd.h>

#include "tincay/core/crypto.h"
#include "tincay/core/utf8.h"

namespace tincay::rules {
namespace {

constexpr std::string_view kCacheMagic = "TINCAYHS1 ";

// Terms become expressions with every byte that is not a letter or digit escaped.
std::string escape_literal(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      out += ch;
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The expression without its word-boundary assertions (\b outside classes). It matches wherever
// the expression does, and more: fit for the fast database, whose expression matches only
// decide whether to rescan. A leading \b keeps Hyperscan off its literal paths (it doubles the
// cost of "\b0tp\b"), and the engine checks word boundaries on every hit anyway.
std::string without_word_boundaries(std::string_view e) {
  std::string out;
  out.reserve(e.size());
  bool in_class = false;
  for (std::size_t i = 0; i < e.size(); ++i) {
    const char c = e[i];
    if (c == '\\' && i + 1 < e.size()) {
      if (in_class || e[i + 1] != 'b') {
        out += c;
        out += e[i + 1];
      }
      ++i;
      continue;
    }
    if (!in_class && c == '[') {
      in_class = true;
      out += c;
      // A ']' right after '[' or '[^' is a member, not the end of the class.
      if (i + 1 < e.size() && e[i + 1] == '^') out += e[++i];
      if (i + 1 < e.size() && e[i + 1] == ']') out += e[++i];
      continue;
    }
    if (in_class && c == ']') in_class = false;
    out += c;
  }
  return out;
}

// True when every match of expression `e` holds an ASCII digit: a \d outside any group and class,
// not made optional by its quantifier, in an expression without a top-level '|'. Conservative:
// false whenever unsure.
bool requires_digit(std::string_view e) {
  int depth = 0;
  bool in_class = false;
  bool found = false;
  for (std::size_t i = 0; i < e.size(); ++i) {
    const char c = e[i];
    if (c == '\\' && i + 1 < e.size()) {
      if (!in_class && depth == 0 && e[i + 1] == 'd') {
        const std::size_t q = i + 2;
        const bool optional =
            q < e.size() &&
            (e[q] == '?' || e[q] == '*' ||
             (e[q] == '{' && q + 1 < e.size() && (e[q + 1] == '0' || e[q + 1] == ',')));
        found = found || !optional;
      }
      ++i;
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      continue;
    }
    if (c == '[') {
      in_class = true;
      if (i + 1 < e.size() && e[i + 1] == '^') ++i;
      if (i + 1 < e.size() && e[i + 1] == ']') ++i;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == '|' && depth == 0) {
      return false;
    }
  }
  return found;
}

struct DatabaseDeleter {
  void operator()(hs_database_t* db) const { hs_free_database(db); }
};
struct ScratchDeleter {
  void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
};
using Database = std::unique_ptr<hs_database_t, DatabaseDeleter>;
using Scratch = std::unique_ptr<hs_scratch_t, ScratchDeleter>;

// Reads a cached database; any problem (missing, truncated, wrong hash, incompatible build)
// yields nullptr and the caller compiles afresh.
Database load_cache(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string data = ss.str();
  const std::size_t header = kCacheMagic.size() + 64 + 1;
  if (data.size() <= header || data.compare(0, kCacheMagic.size(), kCacheMagic) != 0) {
    return nullptr;
  }
  const std::string_view body = std::string_view(data).substr(header);
  if (data.compare(kCacheMagic.size(), 64, sha256_hex(body)) != 0) return nullptr;
  hs_database_t* db = nullptr;
  if (hs_deserialize_database(body.data(), body.size(), &db) != HS_SUCCESS) return nullptr;
  return Database(db);
}

// Best effort: a cache that cannot be written only costs the next start a compile.
void store_cache(const std::string& path, const hs_database_t* db) {
  char* bytes = nullptr;
  std::size_t length = 0;
  if (hs_serialize_database(db, &bytes, &length) != HS_SUCCESS) return;
  const std::string body(bytes, length);
  std::free(bytes);
  std::error_code ec;
  const std::filesystem::path target(path);
  std::filesystem::create_directories(target.parent_path(), ec);
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return;
    out << kCacheMagic << sha256_hex(body) << '\n' << body;
    if (!out) {
      out.close();
      std::filesystem::remove(tmp, ec);
      return;
    }
  }
  std::filesystem::rename(tmp, target, ec);
  if (ec) std::filesystem::remove(tmp, ec);
}

// Two databases over the same patterns. `exact` is what the matcher promises: every literal
// occurrence, and each expression's matches with their leftmost start (HS_FLAG_SOM_LEFTMOST).
// Tracking starts keeps Hyperscan off its fast paths (an expression led by a character class such
// as "[a-z0-9][a-z0-9-]*\.top" costs as much as all literals together), and expressions rarely
// match, so the text is first scanned with `fast`: the same literals, the expressions without
// start tracking and reported once. Only a text on which some expression matched (or that hit the
// limit) is scanned again with `exact`, whose hits replace the fast ones; so the result is always
// exactly what `exact` alone reports, in the same order. Expressions that need a digit (prices,
// percentages, incomes) are left out of `digitless`, the fast database for texts without one.
class HyperscanMatcher final : public Matcher {
 public:
  HyperscanMatcher(Database fast, Database exact, bool digit_split, Database digitless,
                   Scratch prototype, std::vector<std::uint32_t> literal_lengths)
      : fast_(std::move(fast)),
        exact_(std::move(exact)),
        digit_split_(digit_split),
        digitless_(std::move(digitless)),
        prototype_(std::move(prototype)),
        literal_lengths_(std::move(literal_lengths)) {}
  ~HyperscanMatcher() override { Scratch(spare_.exchange(nullptr)).reset(); }
  HyperscanMatcher(const HyperscanMatcher&) = delete;
  HyperscanMatcher& operator=(const HyperscanMatcher&) = delete;

  void scan(std::string_view text, HitBuffer& out, std::size_t max_hits) const override {
    if (text.empty()) return;
    const hs_database_t* fast = fast_.get();
    if (digit_split_ && !utf8::has_ascii_digit(text)) {
      if (!digitless_) return;  // every pattern needs a digit
      fast = digitless_.get();
    }
    Scratch scratch = acquire();
    if (!scratch) return;
    const std::size_t start = out.size();
    Context ctx{this, &out, start + max_hits, false};
    const auto length = static_cast<unsigned int>(text.size());
    if (exact_) {
      hs_scan(fast, text.data(), length, 0, scratch.get(), &HyperscanMatcher::on_fast_match, &ctx);
      if (ctx.rescan) {
        out.resize(start);
        hs_scan(exact_.get(), text.data(), length, 0, scratch.get(), &HyperscanMatcher::on_match,
                &ctx);
      }
    } else {
      hs_scan(fast_.get(), text.data(), length, 0, scratch.get(), &HyperscanMatcher::on_match,
              &ctx);
    }
    release(std::move(scratch));
  }

  std::string_view name() const override { return "hyperscan"; }

 private:
  struct Context {
    const HyperscanMatcher* self;
    HitBuffer* out;
    std::size_t limit;
    bool rescan;  // the fast scan saw an expression match or reached the limit
  };

  static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
                      unsigned int /*flags*/, void* user) {
    auto* ctx = static_cast<Context*>(user);
    if (ctx->out->size() >= ctx->limit) return 1;  // stop scanning
    const std::uint32_t len = ctx->self->literal_lengths_[id];
    const auto end = static_cast<std::uint32_t>(to);
    const auto begin = len != 0 ? end - len : static_cast<std::uint32_t>(from);
    ctx->out->push_back({id, begin, end});
    return 0;
  }

  // Literals are recorded as in on_match; the first expression match (whose start the fast
  // database does not know) ends the scan and asks for the exact one.
  static int on_fast_match(unsigned int id, unsigned long long /*from*/, unsigned long long to,
                           unsigned int /*flags*/, void* user) {
    auto* ctx = static_cast<Context*>(user);
    const std::uint32_t len = ctx->self->literal_lengths_[id];
    if (len == 0 || ctx->out->size() >= ctx->limit) {
      ctx->rescan = true;
      return 1;
    }
    const auto end = static_cast<std::uint32_t>(to);
    ctx->out->push_back({id, end - len, end});
    return 0;
  }

  // Scratch space is per thread of execution; a small pool avoids allocating one per scan. The
  // last released scratch waits in an atomic slot, so that a single scanning thread (the common
  // case) takes and returns it without the mutex. Each scratch fits both databases.
  Scratch acquire() const {
    if (hs_scratch_t* s = spare_.exchange(nullptr, std::memory_order_acquire); s != nullptr) {
      return Scratch(s);
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!pool_.empty()) {
        Scratch s = std::move(pool_.back());
        pool_.pop_back();
        return s;
      }
    }
    hs_scratch_t* s = nullptr;
    if (hs_clone_scratch(prototype_.get(), &s) != HS_SUCCESS) return nullptr;
    return Scratch(s);
  }

  void release(Scratch s) const {
    hs_scratch_t* empty = nullptr;
    if (spare_.compare_exchange_strong(empty, s.get(), std::memory_order_release)) {
      (void)s.release();  // now owned by spare_
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    pool_.push_back(std::move(s));
  }

  Database fast_;
  Database exact_;            // null when there are no expressions: `fast_` is then exact
  bool digit_split_ = false;  // some expression needs a digit: `digitless_` serves digit-free text
  Database digitless_;        // null with digit_split_: no pattern can match digit-free text
  Scratch prototype_;
  std::vector<std::uint32_t> literal_lengths_;  // 0 for expressions
  mutable std::mutex mu_;
  mutable std::vector<Scratch> pool_;
  mutable std::atomic<hs_scratch_t*> spare_{nullptr};  // owned; freed by the destructor
};

// Compiles one database; errors name the pattern at fault.
Result<Database> compile(const std::vector<Pattern>& patterns,
                         const std::vector<std::string>& expressions,
                         const std::vector<unsigned int>& flags,
                         const std::vector<unsigned int>& ids) {
  std::vector<const char*> cexprs;
  cexprs.reserve(expressions.size());
  for (const std::string& e : expressions) cexprs.push_back(e.c_str());
  hs_database_t* raw = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(cexprs.data(), flags.data(), ids.data(),
                       static_cast<unsigned int>(cexprs.size()), HS_MODE_BLOCK, nullptr, &raw,
                       &error) != HS_SUCCESS) {
    std::string message =
        error != nullptr && error->message != nullptr ? error->message : "unknown error";
    const int at = error != nullptr ? error->expression : -1;
    hs_free_compile_error(error);
    if (at >= 0 && static_cast<std::size_t>(at) < ids.size() &&
        ids[static_cast<std::size_t>(at)] < patterns.size()) {
      const Pattern& bad = patterns[ids[static_cast<std::size_t>(at)]];
      return make_error(ErrorCode::kInvalidInput,
                        bad.origin + ": invalid regular expression (" + message + ")", bad.where);
    }
    return make_error(ErrorCode::kInternal, "Hyperscan compile failed: " + message);
  }
  return Database(raw);
}

// The cached database at `path` (see load_cache), else a freshly compiled one, then cached.
Result<Database> cached_or_compiled(const std::string& path, const std::vector<Pattern>& patterns,
                                    const std::vector<std::string>& expressions,
                                    const std::vector<unsigned int>& flags,
                                    const std::vector<unsigned int>& ids) {
  Database db = path.empty() ? nullptr : load_cache(path);
  if (db) return db;
  auto compiled = compile(patterns, expressions, flags, ids);
  if (!compiled) return compiled.error();
  if (!path.empty()) store_cache(path, compiled->get());
  return compiled;
}

}  // namespace

bool hyperscan_available() { return hs_valid_platform() == HS_SUCCESS; }

Result<std::unique_ptr<Matcher>> make_hyperscan_matcher(const std::vector<Pattern>& patterns,
                                                        const std::string& cache_path) {
  if (!hyperscan_available()) {
    return make_error(ErrorCode::kInternal, "Hyperscan does not support this CPU");
  }
  std::vector<std::string> expressions;
  std::vector<std::string> fast_expressions;
  std::vector<unsigned int> exact_flags;
  std::vector<unsigned int> fast_flags;
  std::vector<unsigned int> ids;
  std::vector<std::uint32_t> literal_lengths;
  bool any_expression = false;
  std::vector<bool> needs_digit;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    const Pattern& p = patterns[i];
    if (p.expression.empty()) {
      return make_error(ErrorCode::kInvalidInput, p.origin + ": empty pattern", p.where);
    }
    expressions.push_back(p.literal ? escape_literal(p.expression) : p.expression);
    fast_expressions.push_back(p.literal ? expressions.back()
                                         : without_word_boundaries(p.expression));
    const unsigned int f = p.caseless ? HS_FLAG_CASELESS : 0;
    exact_flags.push_back(p.literal ? f : f | HS_FLAG_SOM_LEFTMOST);
    fast_flags.push_back(p.literal ? f : f | HS_FLAG_SINGLEMATCH);
    any_expression = any_expression || !p.literal;
    needs_digit.push_back(!p.literal && requires_digit(p.expression));
    ids.push_back(static_cast<unsigned int>(i));
    literal_lengths.push_back(p.literal ? static_cast<std::uint32_t>(p.expression.size()) : 0);
  }
  // Hyperscan cannot compile an empty set; the portable matcher has nothing to do either.
  if (patterns.empty()) return make_portable_matcher(patterns);

  // Without expressions both databases would be the same: the exact one alone is kept.
  auto exact = cached_or_compiled(cache_path, patterns, expressions, exact_flags, ids);
  if (!exact) return exact.error();
  Database fast;
  if (any_expression) {
    const std::string fast_path = cache_path.empty() ? cache_path : cache_path + ".fast";
    auto compiled = cached_or_compiled(fast_path, patterns, fast_expressions, fast_flags, ids);
    // Should dropping \b leave an expression Hyperscan refuses (one that could match the empty
    // string), the fast database keeps the expressions as written.
    if (!compiled) compiled = cached_or_compiled(fast_path, patterns, expressions, fast_flags, ids);
    if (!compiled) return compiled.error();
    fast = std::move(compiled).value();
  }
  const bool digit_split =
      std::find(needs_digit.begin(), needs_digit.end(), true) != needs_digit.end();
  Database digitless;
  if (digit_split) {
    std::vector<std::string> subset;
    std::vector<std::string> subset_as_written;
    std::vector<unsigned int> subset_flags;
    std::vector<unsigned int> subset_ids;
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      if (needs_digit[i]) continue;
      subset.push_back(fast_expressions[i]);
      subset_as_written.push_back(expressions[i]);
      subset_flags.push_back(fast_flags[i]);
      subset_ids.push_back(ids[i]);
    }
    if (!subset.empty()) {
      const std::string path = cache_path.empty() ? cache_path : cache_path + ".digitless";
      auto compiled = cached_or_compiled(path, patterns, subset, subset_flags, subset_ids);
      if (!compiled) {
        compiled = cached_or_compiled(path, patterns, subset_as_written, subset_flags, subset_ids);
      }
      if (!compiled) return compiled.error();
      digitless = std::move(compiled).value();
    }
  }
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(exact->get(), &scratch) != HS_SUCCESS ||
      (fast && hs_alloc_scratch(fast.get(), &scratch) != HS_SUCCESS) ||
      (digitless && hs_alloc_scratch(digitless.get(), &scratch) != HS_SUCCESS)) {
    if (scratch != nullptr) hs_free_scratch(scratch);
    return make_error(ErrorCode::kInternal, "Hyperscan could not allocate scratch space");
  }
  Scratch prototype(scratch);
  if (!fast) {
    return std::unique_ptr<Matcher>(
        std::make_unique<HyperscanMatcher>(std::move(exact).value(), nullptr, false, nullptr,
                                           std::move(prototype), std::move(literal_lengths)));
  }
  return std::unique_ptr<Matcher>(std::make_unique<HyperscanMatcher>(
      std::move(fast), std::move(exact).value(), digit_split, std::move(digitless),
      std::move(prototype), std::move(literal_lengths)));
}

}  // namespace tincay::rules

#else  // !TINCAY_WITH_HYPERSCAN

namespace tincay::rules {

bool hyperscan_available() { return false; }

Result<std::unique_ptr<Matcher>> make_hyperscan_matcher(const std::vector<Pattern>& /*patterns*/,
                                                        const std::string& /*cache_path*/) {
  return make_error(ErrorCode::kInternal, "this build has no Hyperscan (TINCAY_WITH_HYPERSCAN)");
}

}  // namespace tincay::rules

#endif
