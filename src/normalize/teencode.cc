// Lexicon file parsing and the open-addressing lookup table.
#include "src/normalize/teencode.h"

#include <string>

#include "tincay/core/utf8.h"

namespace tincay::normalize_internal {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = s.find(sep, start);
    if (at == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, at - start));
    start = at + 1;
  }
}

bool has_space_or_control(std::string_view s) {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20) return true;
  }
  return false;
}

}  // namespace

Status TeencodeLexicon::parse_into(std::string_view path, std::string_view text,
                                   std::vector<LexiconEntry>& entries) {
  if (!utf8::is_valid(text)) {
    return make_error(ErrorCode::kInvalidInput, "invalid UTF-8", std::string(path));
  }
  std::size_t line_no = 0;
  for (std::string_view line : split(text, '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const std::string where = std::string(path) + ":" + std::to_string(line_no);
    const std::vector<std::string_view> fields = split(line, '\t');
    if (fields.size() != 4) {
      return make_error(ErrorCode::kInvalidInput,
                        "expected 4 tab-separated fields (form, expansion, alternatives, "
                        "evidence), got " +
                            std::to_string(fields.size()),
                        where);
    }
    LexiconEntry entry;
    entry.form = std::string(fields[0]);
    if (entry.form.empty() || has_space_or_control(entry.form)) {
      return make_error(ErrorCode::kInvalidInput, "the form must be one word", where);
    }
    if (fields[1] != "-") entry.expansion = std::string(fields[1]);
    if (fields[1].empty()) {
      return make_error(ErrorCode::kInvalidInput, "empty expansion (use '-' for none)", where);
    }
    if (fields[2] != "-") {
      for (std::string_view alt : split(fields[2], '|')) {
        if (alt.empty()) {
          return make_error(ErrorCode::kInvalidInput, "empty alternative", where);
        }
        entry.alternatives.emplace_back(alt);
      }
    }
    if (entry.expansion.empty() && entry.alternatives.size() < 2) {
      return make_error(ErrorCode::kInvalidInput,
                        "a form without expansion must list at least two alternatives", where);
    }
    bool replaced = false;
    for (LexiconEntry& e : entries) {
      if (e.form == entry.form) {
        e = entry;
        replaced = true;
        break;
      }
    }
    if (!replaced) entries.push_back(std::move(entry));
  }
  return ok_status();
}

namespace {

// TeencodeLexicon::step over the code points of UTF-8 `s` (valid: forms are normalized text).
std::uint64_t hash_utf8(std::string_view s) {
  std::uint64_t h = TeencodeLexicon::kSeed;
  for (std::size_t i = 0; i < s.size();) h = TeencodeLexicon::step(h, utf8::decode(s, i));
  return h;
}

}  // namespace

TeencodeLexicon::TeencodeLexicon(std::vector<LexiconEntry> entries) : entries_(std::move(entries)) {
  std::size_t cap = 16;
  while (cap < entries_.size() * 3) cap <<= 1;
  slots_.assign(cap, Slot{});
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    max_form_bytes_ = std::max(max_form_bytes_, entries_[i].form.size());
    const std::uint64_t m = mix(hash_utf8(entries_[i].form));
    for (const std::size_t bit : {(m >> 48) & kFilterMask, (m >> 32) & kFilterMask}) {
      filter_[bit >> 6] |= std::uint64_t{1} << (bit & 63);
    }
    std::size_t at = (m >> 8) & (cap - 1);
    while (slots_[at].index >= 0) {
      if (entries_[static_cast<std::size_t>(slots_[at].index)].form == entries_[i].form) break;
      at = (at + 1) & (cap - 1);
    }
    Slot& slot = slots_[at];
    slot.tag = static_cast<std::uint32_t>(m);
    slot.index = static_cast<std::int32_t>(i);
    const std::string& form = entries_[i].form;
    slot.form_len = form.size() <= kInlineForm ? static_cast<std::uint8_t>(form.size()) : 0xFF;
    if (form.size() <= kInlineForm) form.copy(slot.form, form.size());
  }
}

const LexiconEntry* TeencodeLexicon::find(std::string_view form) const {
  if (form.empty() || form.size() > max_form_bytes_ || !utf8::is_valid(form)) return nullptr;
  return find_hashed(form, hash_utf8(form));
}

const LexiconEntry* TeencodeLexicon::probe(std::string_view form, std::uint64_t m) const {
  if (slots_.empty() || form.size() > max_form_bytes_) return nullptr;
  const std::size_t mask = slots_.size() - 1;
  const auto tag = static_cast<std::uint32_t>(m);
  for (std::size_t at = (m >> 8) & mask; slots_[at].index >= 0; at = (at + 1) & mask) {
    const Slot& slot = slots_[at];
    if (slot.tag != tag) continue;
    if (slot.form_len != 0xFF) {
      if (std::string_view(slot.form, slot.form_len) == form) {
        return &entries_[static_cast<std::size_t>(slot.index)];
      }
      continue;
    }
    const LexiconEntry& e = entries_[static_cast<std::size_t>(slot.index)];
    if (e.form == form) return &e;
  }
  return nullptr;
}

}  // namespace tincay::normalize_internal
