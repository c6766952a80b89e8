// tincay/check.h — checking a draft before it is posted, and explaining what fires on a text.
//
// `tincay check` and `POST /v1/check` both call check_draft(), and `POST /v1/explain` (the rule
// playground) calls explain_text(), so the CLI and the API give the same answer for the same
// pipeline. Both run one text through Pipeline::process; neither stores anything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tincay/core/decision.h"
#include "tincay/core/result.h"
#include "tincay/pipeline.h"

namespace tincay {

// The language of the messages (suggestions) of a check.
enum class MessageLang : std::uint8_t { kVi, kEn };

// "vi" or "en"; anything else is nullopt.
std::optional<MessageLang> parse_message_lang(std::string_view name);

// One problem of a draft: a finding whose category reached the policy's flag threshold.
struct DraftProblem {
  Category category = Category::kSpam;
  std::string detector;   // as in Finding::detector
  double score = 0.0;     // the finding's own score
  ByteSpan bytes;         // its first evidence span on the draft (the whole draft when none)
  std::size_t begin = 0;  // the same span in Unicode code points of the draft
  std::size_t end = 0;
  std::string quote;       // the draft's text in that span
  std::string suggestion;  // what to do about it, in the requested language
};

struct DraftCheck {
  std::vector<DraftProblem> problems;  // in the decision's finding order (most severe first)
};

// Checks `draft` with `pipeline` (Code of Conduct on social networks, Decision 874/QĐ-BTTTT).
// Fails with kInvalidInput when `draft` is not valid UTF-8 (naming the byte).
Result<DraftCheck> check_draft(const Pipeline& pipeline, std::string_view draft, MessageLang lang);

// {"problems":[{"category","detector","score","start","end","text","suggestion"}...],"count":N}
// with start/end in code points: the body of POST /v1/check and of `tincay check --json`.
std::string draft_check_to_json(const DraftCheck& check);

// Everything the pipeline sees and finds for one text (the rule playground).
struct Explanation {
  NormalizedText normalized;
  Decision decision;  // all findings, including those below the flag threshold
  double flag_threshold = 0.5;
};

// Normalizes `text` and runs every detector and the policy on it. Fails with kInvalidInput when
// `text` is not valid UTF-8.
Result<Explanation> explain_text(const Pipeline& pipeline, std::string_view text);

// The body of POST /v1/explain (docs/api.md): normalized text and tokens, each finding with its
// detector kind (rule, pii, model, claim, dup), score, reason and spans in code points of `text`,
// per-category combined scores, the action and the versions.
std::string explanation_to_json(const Explanation& explanation, std::string_view text);

}  // namespace tincay
