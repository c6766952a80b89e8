// The Hyperscan matcher (see matcher.h). Built only with TINCAY_WITH_HYPERSCAN; without it the
// factory reports that Hyperscan is unavailable and the engine uses the portable matcher.
#include "src/detect/rules/matcher.h"

#ifdef TINCAY_WITH_HYPERSCAN

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include <hs.h>
#include <unistd.h>

#include "tincay/core/crypto.h"

namespace tincay::rules {
namespace {

constexpr std::string_view kCacheMagic = "TINCAYHS1 ";

// Terms become expressions with every byte that is not a letter or digit escaped.
std::string escape_literal(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
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

class HyperscanMatcher final : public Matcher {
 public:
  HyperscanMatcher(Database db, Scratch prototype, std::vector<std::uint32_t> literal_lengths)
      : db_(std::move(db)),
        prototype_(std::move(prototype)),
        literal_lengths_(std::move(literal_lengths)) {}
  ~HyperscanMatcher() override { Scratch(spare_.exchange(nullptr)).reset(); }
  HyperscanMatcher(const HyperscanMatcher&) = delete;
  HyperscanMatcher& operator=(const HyperscanMatcher&) = delete;

  void scan(std::string_view text, std::vector<MatchHit>& out,
            std::size_t max_hits) const override {
    if (text.empty()) return;
    Scratch scratch = acquire();
    if (!scratch) return;
    Context ctx{this, &out, out.size() + max_hits};
    hs_scan(db_.get(), text.data(), static_cast<unsigned int>(text.size()), 0, scratch.get(),
            &HyperscanMatcher::on_match, &ctx);
    release(std::move(scratch));
  }

  std::string_view name() const override { return "hyperscan"; }

 private:
  struct Context {
    const HyperscanMatcher* self;
    std::vector<MatchHit>* out;
    std::size_t limit;
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

  // Scratch space is per thread of execution; a small pool avoids allocating one per scan. The
  // last released scratch waits in an atomic slot, so that a single scanning thread (the common
  // case) takes and returns it without the mutex.
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

  Database db_;
  Scratch prototype_;
  std::vector<std::uint32_t> literal_lengths_;  // 0 for expressions
  mutable std::mutex mu_;
  mutable std::vector<Scratch> pool_;
  mutable std::atomic<hs_scratch_t*> spare_{nullptr};  // owned; freed by the destructor
};

}  // namespace

bool hyperscan_available() { return hs_valid_platform() == HS_SUCCESS; }

Result<std::unique_ptr<Matcher>> make_hyperscan_matcher(const std::vector<Pattern>& patterns,
                                                        const std::string& cache_path) {
  if (!hyperscan_available()) {
    return make_error(ErrorCode::kInternal, "Hyperscan does not support this CPU");
  }
  std::vector<std::string> expressions;
  std::vector<unsigned int> flags;
  std::vector<unsigned int> ids;
  std::vector<std::uint32_t> literal_lengths;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    const Pattern& p = patterns[i];
    if (p.expression.empty()) {
      return make_error(ErrorCode::kInvalidInput, p.origin + ": empty pattern", p.where);
    }
    expressions.push_back(p.literal ? escape_literal(p.expression) : p.expression);
    unsigned int f = p.literal ? 0 : HS_FLAG_SOM_LEFTMOST;
    if (p.caseless) f |= HS_FLAG_CASELESS;
    flags.push_back(f);
    ids.push_back(static_cast<unsigned int>(i));
    literal_lengths.push_back(p.literal ? static_cast<std::uint32_t>(p.expression.size()) : 0);
  }
  // Hyperscan cannot compile an empty set; the portable matcher has nothing to do either.
  if (patterns.empty()) return make_portable_matcher(patterns);

  Database db = cache_path.empty() ? nullptr : load_cache(cache_path);
  if (!db) {
    std::vector<const char*> cexprs;
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
      if (at >= 0 && static_cast<std::size_t>(at) < patterns.size()) {
        const Pattern& bad = patterns[static_cast<std::size_t>(at)];
        return make_error(ErrorCode::kInvalidInput,
                          bad.origin + ": invalid regular expression (" + message + ")", bad.where);
      }
      return make_error(ErrorCode::kInternal, "Hyperscan compile failed: " + message);
    }
    db.reset(raw);
    if (!cache_path.empty()) store_cache(cache_path, db.get());
  }
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(db.get(), &scratch) != HS_SUCCESS) {
    return make_error(ErrorCode::kInternal, "Hyperscan could not allocate scratch space");
  }
  return std::unique_ptr<Matcher>(std::make_unique<HyperscanMatcher>(
      std::move(db), Scratch(scratch), std::move(literal_lengths)));
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
