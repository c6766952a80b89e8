// ViLexNorm support: token alignment, ERR scoring and lexicon counting.
#include "tincay/normalize/lexnorm.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <unordered_map>

#include <utf8proc.h>

#include "tincay/core/utf8.h"

#include "src/normalize/chars.h"

namespace tincay::lexnorm {
namespace {

using normalize_internal::CharClass;
using normalize_internal::CharTable;

const CharTable& chars() {
  static const CharTable table;  // immutable after construction
  return table;
}

// NFC + case fold: the comparison key of MultiLexNorm-style evaluation.
std::string fold(std::string_view s) {
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(s.data()), static_cast<utf8proc_ssize_t>(s.size()),
      &out, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
  if (n < 0) return std::string(s);
  std::string r(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
  std::free(out);
  return r;
}

// Letters and digits only, diacritics removed: what "looks the same" for alignment costs.
std::u32string skeleton(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    const char32_t c = utf8::decode(s, i);
    const normalize_internal::CharInfo info = chars().info(c);
    if (info.cls == CharClass::kLetter || info.cls == CharClass::kDigit) out.push_back(info.shadow);
  }
  return out;
}

bool is_subsequence(const std::u32string& a, const std::u32string& b) {
  std::size_t j = 0;
  for (std::size_t i = 0; i < b.size() && j < a.size(); ++i) {
    if (b[i] == a[j]) ++j;
  }
  return j == a.size();
}

double similarity_cost(const std::string& a, const std::string& b) {
  if (a == b) return 0.0;
  const std::u32string sa = skeleton(a);
  const std::u32string sb = skeleton(b);
  if (sa == sb) return 0.2;
  if (sa.empty() || sb.empty()) return 1.0;
  if (sa[0] == sb[0]) return is_subsequence(sa, sb) ? 0.4 : 0.6;
  return is_subsequence(sa, sb) ? 0.8 : 1.0;
}

struct Word {
  ByteSpan span;
  std::string key;
};

std::vector<Word> split_words(std::string_view s) {
  std::vector<Word> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    const std::size_t b = i;
    while (i < s.size() && !(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    if (i > b) {
      out.push_back({{static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(i)},
                     fold(s.substr(b, i - b))});
    }
  }
  return out;
}

std::string join(const std::vector<Word>& w, std::size_t b, std::size_t e, const char* sep) {
  std::string out;
  for (std::size_t k = b; k < e; ++k) {
    if (k > b) out += sep;
    out += w[k].key;
  }
  return out;
}

// Strips punctuation at both ends ("k," → "k"), for lexicon keys.
std::string_view strip_punct(std::string_view s) {
  auto punct_at = [&](std::size_t i, std::size_t& len) {
    std::size_t j = i;
    const char32_t c = utf8::decode(s, j);
    len = j - i;
    const CharClass k = chars().info(c).cls;
    return k == CharClass::kPunct || k == CharClass::kEmoji;
  };
  std::size_t b = 0;
  std::size_t len = 0;
  while (b < s.size() && punct_at(b, len)) b += len;
  std::size_t e = s.size();
  while (e > b) {
    std::size_t p = e - 1;
    while (p > b && (static_cast<unsigned char>(s[p]) & 0xC0) == 0x80) --p;
    if (!punct_at(p, len)) break;
    e = p;
  }
  return s.substr(b, e - b);
}

}  // namespace

std::vector<AlignedToken> align(std::string_view original, std::string_view gold) {
  const std::vector<Word> o = split_words(original);
  const std::vector<Word> g = split_words(gold);
  const std::size_t n = o.size();
  const std::size_t m = g.size();
  constexpr double kInf = 1e18;
  constexpr double kGap = 1.0;
  // dp[i][j]: cost of aligning o[0,i) with g[0,j); back[i][j]: (di, dj) of the last move.
  std::vector<double> dp((n + 1) * (m + 1), kInf);
  std::vector<std::pair<int, int>> back((n + 1) * (m + 1), {0, 0});
  auto at = [&](std::size_t i, std::size_t j) { return i * (m + 1) + j; };
  dp[at(0, 0)] = 0;
  for (std::size_t i = 0; i <= n; ++i) {
    for (std::size_t j = 0; j <= m; ++j) {
      const double here = dp[at(i, j)];
      if (here >= kInf) continue;
      auto relax = [&](std::size_t di, std::size_t dj, double cost) {
        if (i + di > n || j + dj > m) return;
        double& t = dp[at(i + di, j + dj)];
        if (here + cost < t) {
          t = here + cost;
          back[at(i + di, j + dj)] = {static_cast<int>(di), static_cast<int>(dj)};
        }
      };
      if (i < n) relax(1, 0, kGap);
      if (j < m) relax(0, 1, kGap);
      if (i < n && j < m) {
        relax(1, 1, similarity_cost(o[i].key, g[j].key));
        for (std::size_t k = 2; k <= 4 && j + k <= m; ++k) {
          relax(1, k, similarity_cost(o[i].key, join(g, j, j + k, "")) + 0.3 * double(k - 1));
        }
        if (i + 2 <= n) relax(2, 1, similarity_cost(o[i].key + o[i + 1].key, g[j].key) + 0.3);
      }
    }
  }
  std::vector<AlignedToken> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i].original = o[i].span;
  std::size_t i = n;
  std::size_t j = m;
  std::vector<std::pair<std::size_t, std::size_t>> inserted;  // (token index, gold index)
  while (i > 0 || j > 0) {
    const auto [di, dj] = back[at(i, j)];
    const std::size_t pi = i - static_cast<std::size_t>(di);
    const std::size_t pj = j - static_cast<std::size_t>(dj);
    if (di == 0) {
      inserted.emplace_back(pi, pj);  // gold word with no original token
    } else if (dj > 0) {
      out[pi].gold = join(g, pj, j, " ");  // 1:1, 1:n, or 2:1 (to the first token)
    }
    i = pi;
    j = pj;
  }
  for (auto it = inserted.rbegin(); it != inserted.rend(); ++it) {
    const std::size_t tok = it->first;
    if (tok == 0) {
      if (n > 0) out[0].gold = g[it->second].key + (out[0].gold.empty() ? "" : " " + out[0].gold);
      continue;
    }
    std::string& target = out[tok - 1].gold;
    target += (target.empty() ? "" : " ") + g[it->second].key;
  }
  return out;
}

double Score::baseline_accuracy() const {
  return tokens == 0 ? 0.0 : static_cast<double>(baseline_correct) / static_cast<double>(tokens);
}
double Score::system_accuracy() const {
  return tokens == 0 ? 0.0 : static_cast<double>(system_correct) / static_cast<double>(tokens);
}
double Score::err() const {
  if (tokens == baseline_correct) return 0.0;
  return (static_cast<double>(system_correct) - static_cast<double>(baseline_correct)) /
         static_cast<double>(tokens - baseline_correct);
}

Score evaluate(const Normalizer& normalizer, const std::vector<Pair>& pairs,
               AmbiguityPolicy policy) {
  Score score;
  NormalizedText t;
  std::string out;
  for (const Pair& p : pairs) {
    ++score.sentences;
    const std::vector<AlignedToken> tokens = align(p.original, p.normalized);
    normalizer.normalize(p.original, t);
    for (const AlignedToken& tok : tokens) {
      ++score.tokens;
      const std::string orig =
          fold(std::string_view(p.original)
                   .substr(tok.original.begin, tok.original.end - tok.original.begin));
      // The normalizer's output for this token: text bytes that map into its span, with the
      // first reading in place of ambiguous words when asked.
      out.clear();
      for (std::size_t k = 0; k < t.tokens.size(); ++k) {
        const Token& tk = t.tokens[k];
        if (tk.original.begin < tok.original.begin || tk.original.begin >= tok.original.end) {
          continue;
        }
        const bool first_reading = policy == AmbiguityPolicy::kFirstAlternative &&
                                   (tk.flags & token_flags::kAmbiguous) != 0 &&
                                   tk.alternatives_count > 0;
        // Keep the spacing of the normalized text between tokens of the same original token.
        if (!out.empty() && tk.normalized.begin > 0 && t.text[tk.normalized.begin - 1] == ' ') {
          out += ' ';
        }
        if (first_reading) {
          out += t.alternative(tk, 0);
        } else {
          out += t.text.substr(tk.normalized.begin, tk.normalized.end - tk.normalized.begin);
        }
      }
      const std::string sys = fold(out);
      const bool base_ok = orig == tok.gold;
      if (base_ok) ++score.baseline_correct;
      if (sys == tok.gold) ++score.system_correct;
      if (!base_ok) ++score.needs_change;
      if (sys != orig) ++score.changed;
    }
  }
  return score;
}

std::string build_lexicon(const Normalizer& base, const std::vector<Pair>& train,
                          const LexiconBuildOptions& options, std::string_view source_note) {
  // form → (reading → count)
  std::map<std::string, std::map<std::string, std::size_t>> counts;
  for (const Pair& p : train) {
    for (const AlignedToken& tok : align(p.original, p.normalized)) {
      const std::string_view raw =
          strip_punct(std::string_view(p.original)
                          .substr(tok.original.begin, tok.original.end - tok.original.begin));
      if (raw.empty()) continue;
      bool letters = true;
      for (std::size_t i = 0; i < raw.size() && letters;) {
        letters = chars().info(utf8::decode(raw, i)).cls == CharClass::kLetter;
      }
      if (!letters) continue;
      const std::string form = base.normalize_phrase(raw);
      const std::string reading = base.normalize_phrase(strip_punct(tok.gold));
      if (form.empty() || reading.empty()) continue;
      ++counts[form][reading];
    }
  }
  std::string out;
  out += "# tincay teencode lexicon, generated by `tincay lexnorm build` (do not edit by hand;\n";
  out += "# put corrections in teencode-extra.tsv). Source: ";
  out += source_note;
  out += "\n# Columns: form, expansion ('-': ambiguous, kept as written), alternatives ('|'),\n";
  out += "# evidence (count of the top reading / occurrences of the form).\n";
  for (const auto& [form, readings] : counts) {
    std::size_t total = 0;
    for (const auto& [r, c] : readings) total += c;
    std::vector<std::pair<std::size_t, std::string>> sorted;
    std::size_t identity = 0;
    for (const auto& [r, c] : readings) {
      if (r == form) {
        identity = c;
      } else {
        sorted.emplace_back(c, r);
      }
    }
    if (sorted.empty()) continue;
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    const auto [best_count, best] = sorted.front();
    if (best_count < options.min_count || best_count <= identity) continue;
    const double share = static_cast<double>(best_count) / static_cast<double>(total);
    const double changed = static_cast<double>(total - identity) / static_cast<double>(total);
    std::vector<std::string> alternatives;
    for (const auto& [c, r] : sorted) {
      if (c >= options.min_count &&
          static_cast<double>(c) / static_cast<double>(total) >= options.alternative_share) {
        alternatives.push_back(r);
      }
    }
    const std::string evidence = std::to_string(best_count) + "/" + std::to_string(total);
    if (share >= options.expand_share) {
      out.append(form).append("\t").append(best).append("\t-\t").append(evidence).append("\n");
    } else if (changed >= options.ambiguous_share && alternatives.size() >= 2) {
      std::string alts;
      for (const std::string& a : alternatives) alts += (alts.empty() ? "" : "|") + a;
      out.append(form).append("\t-\t").append(alts).append("\t").append(evidence).append("\n");
    }
  }
  return out;
}

}  // namespace tincay::lexnorm
