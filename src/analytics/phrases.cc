// Stop words and the per-post rollup contribution (tincay/analytics.h).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "tincay/analytics.h"
#include "tincay/core/category.h"
#include "tincay/core/utf8.h"

namespace tincay {
namespace {

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// A syllable worth counting: at least two bytes and at least one letter (not "2", "k", "...").
bool is_content(std::string_view syllable) {
  if (syllable.size() < 2) return false;
  for (const char c : syllable) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z')) return true;
  }
  return false;
}

}  // namespace

void StopWords::add(std::string_view entry) {
  // Trim and collapse spaces so "a  lô " and "a lô" are one entry.
  std::string clean;
  bool space = false;
  for (const char c : entry) {
    if (c == ' ' || c == '\t' || c == '\r') {
      space = !clean.empty();
      continue;
    }
    if (space) clean.push_back(' ');
    space = false;
    clean.push_back(c);
  }
  if (clean.empty()) return;
  if (clean.find(' ') == std::string::npos) {
    syllables_.insert(std::move(clean));
  } else {
    phrases_.insert(std::move(clean));
  }
}

bool StopWords::is_stop_syllable(std::string_view syllable) const {
  return syllables_.find(syllable) != syllables_.end();
}

bool StopWords::is_stop_phrase(std::string_view phrase) const {
  return phrases_.find(phrase) != phrases_.end();
}

Result<StopWords> StopWords::load(const std::string& path, const Normalizer* normalizer) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, "cannot read stop words", path);
  StopWords words;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    if (!utf8::is_valid(line)) {
      return make_error(ErrorCode::kInvalidInput, "stop word is not valid UTF-8",
                        path + ":" + std::to_string(number));
    }
    words.add(normalizer != nullptr ? normalizer->normalize_phrase(line) : line);
  }
  if (in.bad()) return make_error(ErrorCode::kIo, "reading stop words failed", path);
  return words;
}

StopWords StopWords::builtin() {
  // Function words only: pronouns, particles, conjunctions, copulas. Used when the bundled
  // list is missing; written here, not copied.
  static constexpr const char* kWords[] = {
      "và",  "là",    "của",  "có",  "không", "được", "cho",  "với", "này",   "thì", "mà",
      "các", "những", "một",  "đã",  "đang",  "sẽ",   "cũng", "rất", "nhưng", "hay", "hoặc",
      "vì",  "nên",   "nếu",  "khi", "thế",   "vậy",  "ạ",    "à",   "ơi",    "nhé", "nha",
      "ừ",   "tôi",   "mình", "bạn", "anh",   "chị",  "em",   "nó",  "họ",    "ở",   "trong",
      "ra",  "vào",   "lại",  "đi",  "rồi",   "thôi", "gì",   "ai",  "đâu",   "nào", "sao",
      "bị",  "để",    "từ",   "đến", "về",    "như",  "lắm",  "quá", "nữa",   "còn", "chỉ",
      "đó",  "đây",   "ấy",   "kia", "nhiều", "ít",   "mọi",  "cả",  "luôn",  "vẫn", "chưa"};
  StopWords words;
  for (const char* w : kWords) words.add(w);
  return words;
}

Result<StopWords> load_default_stop_words(const std::string& data_dir,
                                          const Normalizer* normalizer) {
  const std::string path = data_dir + "/data/analytics/stopwords-vi.txt";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return StopWords::builtin();
  return StopWords::load(path, normalizer);
}

void extract_phrases(const NormalizedText& text, const StopWords& stop_words, TrendPost& post) {
  post.phrases.clear();
  post.syllables.clear();
  post.pairs.clear();
  std::string_view previous;  // the content syllable just before, "" after a break
  for (const Token& token : text.tokens) {
    if (token.kind != TokenKind::kWord) {
      previous = {};
      continue;
    }
    const std::string_view syllable = std::string_view(text.text).substr(
        token.normalized.begin, token.normalized.end - token.normalized.begin);
    if (!is_content(syllable) || syllable.find(' ') != std::string_view::npos ||
        stop_words.is_stop_syllable(syllable)) {
      previous = {};
      continue;
    }
    if (post.syllables.size() < kMaxSyllablesPerPost && !contains(post.syllables, syllable)) {
      post.syllables.emplace_back(syllable);
    }
    if (!previous.empty() && post.phrases.size() < kMaxPhrasesPerPost) {
      std::string phrase;
      phrase.reserve(previous.size() + 1 + syllable.size());
      phrase.append(previous).push_back(' ');
      phrase.append(syllable);
      if (!stop_words.is_stop_phrase(phrase) && !contains(post.phrases, phrase)) {
        post.phrases.push_back(std::move(phrase));
      }
    }
    previous = syllable;
  }
  const std::size_t n = std::min(post.phrases.size(), kPairPhrasesPerPost);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const std::string& a = std::min(post.phrases[i], post.phrases[j]);
      const std::string& b = std::max(post.phrases[i], post.phrases[j]);
      std::string pair;
      pair.reserve(a.size() + 1 + b.size());
      pair.append(a).append(1, '\t').append(b);
      post.pairs.push_back(std::move(pair));
    }
  }
}

TrendPost make_trend_post(const Post& post, const Decision& decision, const NormalizedText& text,
                          std::string emotion, const StopWords& stop_words,
                          std::int64_t fallback_unix) {
  TrendPost t;
  t.created_unix = post.created_unix.value_or(fallback_unix);
  t.platform = post.platform;
  t.has_author = !post.author_key.empty();
  if (t.has_author) t.author = author_hash(post.author_key);
  for (const Category c : decision.statement.categories) {
    t.categories.emplace_back(category_name(c));
  }
  t.emotion = std::move(emotion);
  extract_phrases(text, stop_words, t);
  return t;
}

}  // namespace tincay
