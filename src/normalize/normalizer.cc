// The Normalizer: loads the tables and lexicon once, then runs the two passes per post
// (cleaner.h: Unicode clean-up; tokenizer.h: tokens, de-obfuscation, teencode) into reused
// buffers.
#include <fstream>
#include <sstream>

#include "tincay/core/utf8.h"
#include "tincay/normalize.h"

#include "src/normalize/chars.h"
#include "src/normalize/cleaner.h"
#include "src/normalize/teencode.h"
#include "src/normalize/tokenizer.h"

namespace tincay {

using normalize_internal::CharTable;
using normalize_internal::LexiconEntry;
using normalize_internal::TeencodeLexicon;
using normalize_internal::TokenizeOptions;

struct Normalizer::Data {
  CharTable chars;
  TeencodeLexicon lexicon;
};

namespace {

Result<std::string> read_file(const std::string& path, bool& exists) {
  std::ifstream in(path, std::ios::binary);
  exists = static_cast<bool>(in);
  if (!in) return make_error(ErrorCode::kNotFound, "cannot open file", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return make_error(ErrorCode::kIo, "read error", path);
  return ss.str();
}

// Lexicon forms and expansions are written by people; they get the same Unicode clean-up and
// tone placement as post text, so that "Đc" or an NFD form in the file still matches.
std::string base_normalize(const CharTable& chars, std::string_view s) {
  NormalizedText out;
  normalize_internal::clean_text(chars, s, out.work_chars, out.work_spans);
  const TeencodeLexicon empty;
  TokenizeOptions options;
  options.expand_teencode = false;
  options.deobfuscate = false;
  normalize_internal::tokenize(chars, empty, options, out.work_chars, out.work_spans, out);
  return out.text;
}

}  // namespace

Result<Normalizer> Normalizer::create(const NormalizeOptions& options) {
  auto data = std::make_shared<Data>();
  if (!options.data_dir.empty()) {
    std::vector<LexiconEntry> entries;
    const std::string main_path = options.data_dir + "/data/normalize/teencode.tsv";
    const std::string extra_path = options.data_dir + "/data/normalize/teencode-extra.tsv";
    bool exists = false;
    auto text = read_file(main_path, exists);
    if (!text) {
      return make_error(text.error().code,
                        "teencode lexicon missing or unreadable (regenerate it with "
                        "`tincay lexnorm build`)",
                        main_path);
    }
    TINCAY_TRY(TeencodeLexicon::parse_into(main_path, *text, entries));
    auto extra = read_file(extra_path, exists);
    if (extra) {
      TINCAY_TRY(TeencodeLexicon::parse_into(extra_path, *extra, entries));
    } else if (exists) {
      return extra.error();
    }
    std::vector<LexiconEntry> normalized;
    normalized.reserve(entries.size());
    for (LexiconEntry& e : entries) {
      LexiconEntry n;
      n.form = base_normalize(data->chars, e.form);
      if (n.form.empty() || n.form.find(' ') != std::string::npos) continue;
      n.expansion = base_normalize(data->chars, e.expansion);
      for (const std::string& alt : e.alternatives) {
        n.alternatives.push_back(base_normalize(data->chars, alt));
      }
      if (n.expansion == n.form) continue;  // nothing to do
      normalized.push_back(std::move(n));
    }
    data->lexicon = TeencodeLexicon(std::move(normalized));
  }
  return Normalizer(options, std::move(data));
}

void Normalizer::normalize(std::string_view original, NormalizedText& out) const {
  const std::size_t used = utf8::prefix_at_boundary(original, options_.max_input_bytes);
  out.truncated = used < original.size();
  out.original_bytes_used = used;
  const std::string_view input = original.substr(0, used);
  out.text.clear();
  out.text_map.clear();
  out.shadow.clear();
  out.shadow_map.clear();
  out.tokens.clear();
  out.alternatives.clear();
  out.alternative_text.clear();
  normalize_internal::clean_text(data_->chars, input, out.work_chars, out.work_spans);
  TokenizeOptions options;
  options.expand_teencode = options_.expand_teencode;
  options.deobfuscate = options_.deobfuscate;
  normalize_internal::tokenize(data_->chars, data_->lexicon, options, out.work_chars,
                               out.work_spans, out);
}

NormalizedText Normalizer::normalize(std::string_view original) const {
  NormalizedText out;
  out.text.reserve(original.size() + 16);
  out.text_map.reserve(original.size() + 16);
  out.shadow.reserve(original.size() + 16);
  out.shadow_map.reserve(original.size() + 16);
  normalize(original, out);
  // Callers of this overload keep the result around: drop the working buffers.
  out.work_chars = {};
  out.work_spans = {};
  return out;
}

std::string Normalizer::normalize_phrase(std::string_view phrase) const {
  NormalizedText out;
  normalize(phrase, out);
  return std::move(out.text);
}

std::size_t Normalizer::lexicon_size() const { return data_->lexicon.size(); }

}  // namespace tincay
