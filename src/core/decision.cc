#include "tincay/core/decision.h"

#include "tincay/core/json_writer.h"
#include "tincay/core/utf8.h"

namespace tincay {

std::string_view action_name(Action action) {
  switch (action) {
    case Action::kAllow:
      return "allow";
    case Action::kLabel:
      return "label";
    case Action::kReview:
      return "review";
    case Action::kRemove:
      return "remove";
    case Action::kEscalate:
      return "escalate";
  }
  return "allow";
}

std::string_view automation_name(Automation automation) {
  switch (automation) {
    case Automation::kFully:
      return "fully";
    case Automation::kPartially:
      return "partially";
    case Automation::kNot:
      return "not";
  }
  return "fully";
}

std::string decision_to_json(const Decision& d, std::string_view original_text) {
  std::string out;
  out.reserve(256 + 128 * d.findings.size());
  JsonWriter w(out);
  w.begin_object();
  w.key("id").string(d.post_id);
  w.key("action").string(action_name(d.action));

  w.key("categories").begin_object();
  for (const Category c : kAllCategories) {
    if (d.score(c) > 0.0) w.key(category_name(c)).score(d.score(c));
  }
  w.end_object();

  utf8::CodePointCounter counter(original_text);
  w.key("findings").begin_array();
  for (const Finding& f : d.findings) {
    w.begin_object();
    w.key("category").string(category_name(f.category));
    w.key("detector").string(f.detector);
    w.key("score").score(f.score);
    w.key("evidence").begin_array();
    for (const ByteSpan& span : f.evidence) {
      const std::size_t begin = std::min<std::size_t>(span.begin, original_text.size());
      const std::size_t end = std::min<std::size_t>(span.end, original_text.size());
      const std::size_t cp_begin = counter.to_code_points(begin);
      const std::size_t cp_end = counter.to_code_points(end);
      w.begin_object();
      w.key("start").number(static_cast<std::int64_t>(cp_begin));
      w.key("end").number(static_cast<std::int64_t>(cp_end));
      w.key("text").string(original_text.substr(begin, end - begin));
      w.end_object();
    }
    w.end_array();
    if (!f.reason.empty()) w.key("reason").string(f.reason);
    if (f.value) w.key("value").string(*f.value);
    if (f.truncated) w.key("truncated").boolean(true);
    w.end_object();
  }
  w.end_array();

  const StatementOfReasons& s = d.statement;
  w.key("statement").begin_object();
  w.key("decision").string(action_name(d.action));
  w.key("categories").begin_array();
  for (const Category c : s.categories) w.string(category_name(c));
  w.end_array();
  w.key("grounds").begin_array();
  for (const std::string& g : s.grounds) w.string(g);
  w.end_array();
  w.key("facts_and_circumstances").string(s.facts);
  w.key("automated_detection").boolean(s.automated_detection);
  w.key("automated_decision").string(automation_name(s.automated_decision));
  w.key("redress").string(s.redress);
  w.end_object();

  w.key("policy_version").string(d.policy_version);
  w.key("model_versions").begin_object();
  for (const auto& [name, version] : d.model_versions) w.key(name).string(version);
  w.end_object();
  w.end_object();
  return out;
}

}  // namespace tincay
