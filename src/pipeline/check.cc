// Checking drafts and explaining findings: shared by `tincay check`, POST /v1/check and
// POST /v1/explain, so the CLI and the API cannot drift apart.
#include "tincay/check.h"

#include <algorithm>
#include <cctype>

#include "tincay/core/json_writer.h"
#include "tincay/core/utf8.h"

namespace tincay {
namespace {

const char* pick(MessageLang lang, const char* vi_text, const char* en_text) {
  return lang == MessageLang::kVi ? vi_text : en_text;
}

// The value of `key` in a "k=v;k=v" finding value.
std::string value_field(const std::optional<std::string>& value, const std::string& key) {
  if (!value) return "";
  const std::string& v = *value;
  const std::string needle = key + "=";
  std::size_t pos = 0;
  while (pos < v.size()) {
    std::size_t end = v.find(';', pos);
    if (end == std::string::npos) end = v.size();
    if (v.compare(pos, needle.size(), needle) == 0) {
      return v.substr(pos + needle.size(), end - pos - needle.size());
    }
    pos = end + 1;
  }
  return "";
}

// Masks all but the first two and last two digits or letters of `s` (for personal data).
std::string mask(std::string_view s) {
  std::size_t total = 0;
  for (const char c : s) total += std::isalnum(static_cast<unsigned char>(c)) != 0 ? 1 : 0;
  std::string out;
  std::size_t seen = 0;
  for (const char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      out.push_back(seen < 2 || seen + 2 >= total ? c : '*');
      ++seen;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string suggestion(const Finding& f, std::string_view quote, MessageLang lang) {
  switch (f.category) {
    case Category::kPrivacy:
      return std::string(pick(
                 lang,
                 "Đây là dữ liệu cá nhân của người khác. Gợi ý: xoá đi, hoặc che bớt, ví dụ \"",
                 "This is someone's personal data. Suggestion: remove it, or mask it, e.g. \"")) +
             mask(quote) + "\".";
    case Category::kHarassment:
      return pick(
          lang,
          "Lời lẽ xúc phạm người khác. Gợi ý: viết lại, góp ý về việc làm hay ý kiến, không "
          "nhắm vào con người.",
          "Insulting someone. Suggestion: rephrase; criticise the act or the idea, not the "
          "person.");
    case Category::kProfanity:
      return pick(lang, "Từ ngữ tục tĩu. Gợi ý: bỏ hoặc thay bằng từ ngữ lịch sự.",
                  "Offensive words. Suggestion: remove them or use polite wording.");
    case Category::kHate:
      return pick(
          lang,
          "Công kích một nhóm người vì dân tộc, tôn giáo, giới, vùng miền... Gợi ý: bỏ đoạn này.",
          "Attacks a group for ethnicity, religion, gender, region... Suggestion: remove this "
          "part.");
    case Category::kMisinformation: {
      const std::string checker = value_field(f.value, "fact_checker");
      const std::string url = value_field(f.value, "source_url");
      const std::string verdict = value_field(f.value, "verdict");
      if (lang == MessageLang::kVi) {
        return "Nội dung này lặp lại một thông tin đã được " + checker + " kết luận là " +
               (verdict == "misleading" ? "gây hiểu lầm" : "sai") + " (" + url +
               "). Gợi ý: đọc bài kiểm chứng, dẫn nguồn đáng tin cậy hoặc bỏ thông tin này.";
      }
      return "This repeats a claim rated " + verdict + " by " + checker + " (" + url +
             "). Suggestion: read the fact-check, cite a reliable source, or drop the claim.";
    }
    case Category::kScam:
      return pick(lang,
                  "Giống mẫu lừa đảo (đặt cọc, OTP, việc nhẹ lương cao, trúng thưởng...). Gợi ý: "
                  "không yêu cầu chuyển tiền hay mã OTP; nêu rõ danh tính và kênh chính thức.",
                  "Looks like a scam pattern (deposits, OTP codes, easy jobs, prizes). Suggestion: "
                  "do not ask for money or codes; state who you are and an official channel.");
    case Category::kFalseAdvertising:
      return pick(lang,
                  "Quảng cáo có thể sai sự thật (chữa khỏi 100%, thần dược...). Gợi ý: bỏ lời hứa "
                  "tuyệt đối, dẫn giấy phép hoặc nguồn kiểm chứng.",
                  "Possibly false advertising (100% cure, miracle product). Suggestion: drop "
                  "absolute promises; cite a licence or evidence.");
    case Category::kSpam:
      return pick(lang,
                  "Giống nội dung rác hoặc đăng lặp lại. Gợi ý: viết nội dung riêng, tránh đăng "
                  "hàng loạt.",
                  "Looks like spam or repeated posting. Suggestion: write your own text; avoid "
                  "mass posting.");
    case Category::kSexual:
      return pick(lang, "Nội dung tình dục. Gợi ý: bỏ đoạn này.",
                  "Sexual content. Suggestion: remove this part.");
    case Category::kViolence:
      return pick(lang, "Lời đe doạ hoặc kích động bạo lực. Gợi ý: bỏ đoạn này.",
                  "A threat or incitement to violence. Suggestion: remove this part.");
    case Category::kSelfHarm:
      return pick(lang,
                  "Nội dung về tự hại. Nếu bạn đang gặp khó khăn, hãy gọi Tổng đài quốc gia bảo vệ "
                  "trẻ em 111 hoặc tìm người bạn tin tưởng.",
                  "Self-harm content. If you are struggling, please reach out to someone you trust "
                  "or a local helpline.");
  }
  return "";
}

Status require_utf8(std::string_view text, std::string_view what) {
  if (const std::size_t bad = utf8::first_invalid(text); bad != text.size()) {
    return make_error(ErrorCode::kInvalidInput, std::string(what) + " is not valid UTF-8 (byte " +
                                                    std::to_string(bad + 1) + ")");
  }
  return ok_status();
}

// A span clamped to `size` bytes (evidence always lies in the text; this keeps quoting safe).
ByteSpan clamp(ByteSpan span, std::size_t size) {
  span.end = std::min<std::uint32_t>(span.end, static_cast<std::uint32_t>(size));
  span.begin = std::min(span.begin, span.end);
  return span;
}

// "rule" for "rule:scam.x", "model" for "model:name@v1", ...
std::string_view detector_kind(std::string_view detector) {
  return detector.substr(0, detector.find(':'));
}

}  // namespace

std::optional<MessageLang> parse_message_lang(std::string_view name) {
  if (name == "vi") return MessageLang::kVi;
  if (name == "en") return MessageLang::kEn;
  return std::nullopt;
}

Result<DraftCheck> check_draft(const Pipeline& pipeline, std::string_view draft, MessageLang lang) {
  TINCAY_TRY(require_utf8(draft, "the draft"));
  Post post;
  post.id = "draft";
  post.text = std::string(draft);
  post.lang = lang == MessageLang::kVi ? "vi" : "en";
  const Decision d = pipeline.process(post);
  DraftCheck out;
  utf8::CodePointCounter counter(draft);
  for (const Finding& f : d.findings) {
    if (d.score(f.category) < pipeline.policy().flag_threshold()) continue;
    DraftProblem p;
    p.category = f.category;
    p.detector = f.detector;
    p.score = f.score;
    p.bytes = clamp(f.evidence.empty() ? ByteSpan{0, static_cast<std::uint32_t>(draft.size())}
                                       : f.evidence.front(),
                    draft.size());
    p.quote = std::string(draft.substr(p.bytes.begin, p.bytes.end - p.bytes.begin));
    p.begin = counter.to_code_points(p.bytes.begin);
    p.end = counter.to_code_points(p.bytes.end);
    p.suggestion = suggestion(f, p.quote, lang);
    out.problems.push_back(std::move(p));
  }
  return out;
}

std::string draft_check_to_json(const DraftCheck& check) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("problems").begin_array();
  for (const DraftProblem& p : check.problems) {
    w.begin_object().key("category").string(category_name(p.category));
    w.key("detector").string(p.detector).key("score").score(p.score);
    w.key("start").number(static_cast<std::int64_t>(p.begin));
    w.key("end").number(static_cast<std::int64_t>(p.end));
    w.key("text").string(p.quote).key("suggestion").string(p.suggestion).end_object();
  }
  w.end_array().key("count").number(static_cast<std::int64_t>(check.problems.size()));
  w.end_object();
  return out;
}

Result<Explanation> explain_text(const Pipeline& pipeline, std::string_view text) {
  TINCAY_TRY(require_utf8(text, "the text"));
  Post post;
  post.id = "explain";
  post.text = std::string(text);
  Explanation out;
  // The same normalizer the detectors run behind; process() normalizes again internally, which
  // costs one extra pass on a text typed by hand.
  out.normalized = pipeline.normalizer().normalize(text);
  out.decision = pipeline.process(post);
  out.flag_threshold = pipeline.policy().flag_threshold();
  return out;
}

std::string explanation_to_json(const Explanation& explanation, std::string_view text) {
  const NormalizedText& n = explanation.normalized;
  const Decision& d = explanation.decision;
  std::string out;
  JsonWriter w(out);
  utf8::CodePointCounter counter(text);
  auto span = [&](ByteSpan s) {
    s = clamp(s, text.size());
    w.key("start").number(static_cast<std::int64_t>(counter.to_code_points(s.begin)));
    w.key("end").number(static_cast<std::int64_t>(counter.to_code_points(s.end)));
    w.key("text").string(text.substr(s.begin, s.end - s.begin));
  };
  w.begin_object().key("normalized").string(n.text).key("shadow").string(n.shadow);
  w.key("truncated").boolean(n.truncated).key("tokens").begin_array();
  for (const Token& t : n.tokens) {
    const ByteSpan ns = clamp(t.normalized, n.text.size());
    w.begin_object().key("kind").string(token_kind_name(t.kind));
    w.key("normalized").string(std::string_view(n.text).substr(ns.begin, ns.end - ns.begin));
    span(t.original);
    if (t.flags != 0) {
      w.key("flags").begin_array();
      if ((t.flags & token_flags::kExpanded) != 0) w.string("expanded");
      if ((t.flags & token_flags::kAmbiguous) != 0) w.string("ambiguous");
      if ((t.flags & token_flags::kDeobfuscated) != 0) w.string("deobfuscated");
      w.end_array();
    }
    w.end_object();
  }
  w.end_array().key("findings").begin_array();
  for (const Finding& f : d.findings) {
    w.begin_object().key("detector").string(f.detector);
    w.key("kind").string(detector_kind(f.detector));
    w.key("category").string(category_name(f.category)).key("score").score(f.score);
    w.key("flagged").boolean(d.score(f.category) >= explanation.flag_threshold);
    w.key("reason").string(f.reason);
    if (f.value) w.key("value").string(*f.value);
    w.key("spans").begin_array();
    for (const ByteSpan& e : f.evidence) {
      w.begin_object();
      span(e);
      w.end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().key("scores").begin_object();
  for (const Category c : kAllCategories) {
    if (d.score(c) > 0) w.key(category_name(c)).score(d.score(c));
  }
  w.end_object().key("flag_threshold").score(explanation.flag_threshold);
  w.key("action").string(action_name(d.action));
  w.key("categories").begin_array();
  for (const Category c : d.statement.categories) w.string(category_name(c));
  w.end_array().key("policy_version").string(d.policy_version);
  w.key("model_versions").begin_object();
  for (const auto& [name, version] : d.model_versions) w.key(name).string(version);
  w.end_object().end_object();
  return out;
}

}  // namespace tincay
