#include <algorithm>
#include <set>

#include "tincay/decide.h"

namespace tincay {
namespace {

// Statement text quotes at most this many code points of evidence per finding.
constexpr std::size_t kQuoteBytes = 80;

std::string fmt_score(double s) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", s);
  return buf;
}

}  // namespace

Policy Policy::defaults() {
  Policy p;
  auto set = [&p](Category c, Action action, double strong_at = 2.0,
                  Action strong_action = Action::kReview) {
    p.table_[category_index(c)] = CategoryPolicy{action, strong_at, strong_action};
  };
  // DESIGN.md, "Categories": default action at high confidence.
  set(Category::kScam, Action::kReview, 0.85, Action::kRemove);
  set(Category::kFalseAdvertising, Action::kReview);
  set(Category::kHarassment, Action::kReview);
  set(Category::kHate, Action::kReview);
  set(Category::kSexual, Action::kReview, 0.85, Action::kRemove);
  set(Category::kViolence, Action::kReview, 0.9, Action::kEscalate);
  set(Category::kSelfHarm, Action::kEscalate);  // never silent removal
  set(Category::kPrivacy, Action::kReview);
  set(Category::kSpam, Action::kLabel, 0.85, Action::kRemove);
  set(Category::kMisinformation, Action::kLabel);  // label with the fact-check, never remove
  set(Category::kProfanity, Action::kLabel);
  return p;
}

Decision Policy::decide(const Post& post, std::vector<Finding> findings,
                        const std::map<std::string, std::string>& model_versions) const {
  Decision d;
  d.post_id = post.id;
  d.policy_version = version_;
  d.model_versions = model_versions;

  // Noisy-OR per category: independent evidence accumulates but never exceeds 1.
  std::array<double, kCategoryCount> keep{};
  keep.fill(1.0);
  for (const Finding& f : findings) {
    keep[category_index(f.category)] *= 1.0 - std::clamp(f.score, 0.0, 1.0);
  }
  for (std::size_t i = 0; i < kCategoryCount; ++i) d.scores[i] = 1.0 - keep[i];

  // Flagged categories, strongest first.
  std::vector<Category> flagged;
  for (const Category c : kAllCategories) {
    if (d.score(c) >= flag_threshold_) flagged.push_back(c);
  }
  std::stable_sort(flagged.begin(), flagged.end(),
                   [&](Category a, Category b) { return d.score(a) > d.score(b); });

  Action action = Action::kAllow;
  for (const Category c : flagged) {
    const CategoryPolicy& cp = for_category(c);
    const Action a = d.score(c) >= cp.strong_at ? cp.strong_action : cp.action;
    action = std::max(action, a);
  }
  d.action = action;

  // Findings of flagged categories first, strongest first, so the record reads top-down.
  std::stable_sort(findings.begin(), findings.end(), [&](const Finding& a, const Finding& b) {
    const bool fa = d.score(a.category) >= flag_threshold_;
    const bool fb = d.score(b.category) >= flag_threshold_;
    if (fa != fb) return fa;
    return a.score > b.score;
  });

  StatementOfReasons& s = d.statement;
  s.categories = flagged;
  s.automated_detection = true;
  // Allow and label are taken by the machine alone; review and escalate hand the decision to a
  // person; remove acts at once and is reviewed afterwards.
  s.automated_decision = (action == Action::kReview || action == Action::kEscalate)
                             ? Automation::kPartially
                             : Automation::kFully;
  std::set<std::string> grounds;
  std::string facts;
  for (const Finding& f : findings) {
    if (d.score(f.category) < flag_threshold_) continue;
    if (grounds.insert(f.detector).second) s.grounds.push_back(f.detector);
    if (!facts.empty()) facts += "; ";
    facts +=
        std::string(category_name(f.category)) + " " + fmt_score(f.score) + " by " + f.detector;
    if (!f.reason.empty()) facts += " (" + f.reason + ")";
    if (!f.evidence.empty()) {
      const ByteSpan e = f.evidence.front();
      std::string_view quote = std::string_view(post.text).substr(e.begin, e.end - e.begin);
      if (quote.size() > kQuoteBytes) {
        std::size_t cut = kQuoteBytes;
        while (cut > 0 && (static_cast<unsigned char>(quote[cut]) & 0xC0) == 0x80) --cut;
        quote = quote.substr(0, cut);
      }
      facts += " at \"" + std::string(quote) + "\"";
    }
  }
  if (flagged.empty()) {
    facts = findings.empty()
                ? "no detector found anything"
                : "findings stayed below the flag threshold " + fmt_score(flag_threshold_);
  }
  if (!findings.empty() && findings.front().truncated) {
    facts += "; only the first part of this long post was scanned";
  }
  s.facts = std::move(facts);
  s.redress = action == Action::kAllow
                  ? "none needed"
                  : "appeal: a reviewer other than the one who decided re-examines the post";
  d.findings = std::move(findings);
  return d;
}

}  // namespace tincay
