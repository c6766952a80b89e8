// The minimal keyword rule detector (see detect.h). The rule-pack issue replaces it with YAML packs
// compiled into one Hyperscan database; until then, this gives real, explainable findings.
#include <fstream>
#include <sstream>

#include "tincay/core/utf8.h"
#include "tincay/detect.h"

namespace tincay {
namespace {

struct KeywordRule {
  std::string id;
  Category category = Category::kSpam;
  double weight = 0.0;
  std::vector<std::string> terms;       // normalized
  std::vector<std::string> raw_terms;   // as written in the file, for the reason text
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

// A match must not continue a word on either side: "lừa" must not fire inside "lừachọn".
bool is_word_byte_boundary(std::string_view text, std::size_t begin, std::size_t end) {
  auto is_word_cp = [](char32_t cp) {
    return (cp >= U'0' && cp <= U'9') || (cp >= U'a' && cp <= U'z') || (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 && cp < 0x2000);
  };
  if (begin > 0) {
    std::size_t p = begin - 1;
    while (p > 0 && (static_cast<unsigned char>(text[p]) & 0xC0) == 0x80) --p;
    std::size_t q = p;
    if (is_word_cp(utf8::decode(text, q))) return false;
  }
  if (end < text.size()) {
    std::size_t q = end;
    if (is_word_cp(utf8::decode(text, q))) return false;
  }
  return true;
}

class KeywordDetector final : public Detector {
 public:
  explicit KeywordDetector(std::vector<KeywordRule> rules) : rules_(std::move(rules)) {}

  void detect(const Post& /*post*/, const NormalizedText& text,
              std::vector<Finding>& out) const override {
    for (const KeywordRule& rule : rules_) {
      Finding finding;
      std::string matched;
      for (const std::string& term : rule.terms) {
        for (std::size_t at = text.text.find(term); at != std::string::npos;
             at = text.text.find(term, at + 1)) {
          if (!is_word_byte_boundary(text.text, at, at + term.size())) continue;
          finding.evidence.push_back(text.text_to_original(at, at + term.size()));
          if (matched.find(term) == std::string::npos) {
            if (!matched.empty()) matched += ", ";
            matched += "\"" + term + "\"";
          }
        }
      }
      if (finding.evidence.empty()) continue;
      finding.category = rule.category;
      finding.detector = "rule:" + rule.id;
      finding.score = rule.weight;
      finding.reason = "matched " + matched;
      finding.truncated = text.truncated;
      out.push_back(std::move(finding));
    }
  }

 private:
  std::vector<KeywordRule> rules_;
};

}  // namespace

Result<std::unique_ptr<Detector>> parse_keyword_detector(std::string_view content,
                                                         std::string_view source,
                                                         const Normalizer& normalizer) {
  std::vector<KeywordRule> rules;
  std::size_t line_no = 0;
  for (std::string_view line : split(content, '\n')) {
    ++line_no;
    const std::string where = std::string(source) + ":" + std::to_string(line_no);
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    const auto cols = split(line, '\t');
    if (cols.size() != 4) {
      return make_error(ErrorCode::kInvalidInput,
                        "expected 4 tab-separated columns (id, category, weight, terms), found " +
                            std::to_string(cols.size()),
                        where);
    }
    KeywordRule rule;
    rule.id = std::string(trim(cols[0]));
    const auto category = parse_category(trim(cols[1]));
    if (!category) {
      return make_error(ErrorCode::kInvalidInput,
                        "rule " + rule.id + ": unknown category \"" + std::string(trim(cols[1])) +
                            "\" (the category set is closed; see docs/decision-format.md)",
                        where);
    }
    rule.category = *category;
    const std::string weight(trim(cols[2]));
    char* end = nullptr;
    rule.weight = std::strtod(weight.c_str(), &end);
    if (weight.empty() || *end != '\0' || !(rule.weight > 0.0 && rule.weight <= 1.0)) {
      return make_error(ErrorCode::kInvalidInput,
                        "rule " + rule.id + ": weight \"" + weight + "\" is not a number in (0, 1]",
                        where);
    }
    for (std::string_view term : split(cols[3], '|')) {
      term = trim(term);
      if (term.empty()) continue;
      std::string normalized = normalizer.normalize_phrase(term);
      if (normalized.empty()) continue;
      rule.raw_terms.emplace_back(term);
      rule.terms.push_back(std::move(normalized));
    }
    if (rule.id.empty() || rule.terms.empty()) {
      return make_error(ErrorCode::kInvalidInput, "rule without an id or without terms", where);
    }
    for (const KeywordRule& other : rules) {
      if (other.id == rule.id) {
        return make_error(ErrorCode::kInvalidInput, "duplicate rule id " + rule.id, where);
      }
    }
    rules.push_back(std::move(rule));
  }
  return std::unique_ptr<Detector>(std::make_unique<KeywordDetector>(std::move(rules)));
}

Result<std::unique_ptr<Detector>> load_keyword_detector(const std::string& path,
                                                        const Normalizer& normalizer) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, "cannot open keyword rules", path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_keyword_detector(ss.str(), path, normalizer);
}

}  // namespace tincay
