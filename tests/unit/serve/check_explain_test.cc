// check_draft() and explain_text(): the library behind `tincay check`, POST /v1/check and
// POST /v1/explain. Spans must land on the text the user wrote, in code points.
#include <gtest/gtest.h>

#include "tincay/check.h"
#include "tincay/pipeline.h"

namespace tincay {
namespace {

// The code-point substring [begin, end) of `s`.
std::string cp_substr(std::string_view s, std::size_t begin, std::size_t end) {
  std::string out;
  std::size_t cp = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool lead = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (lead && i > 0) ++cp;
    if (cp >= begin && cp < end) out.push_back(s[i]);
  }
  return out;
}

class CheckExplainTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    PipelineOptions options;
    options.data_dir = TINCAY_SOURCE_DIR;
    options.campaigns = false;
    Claim c;
    c.id = "vaccine-chip";
    c.claim = "vắc xin covid có gắn chip theo dõi người tiêm";
    c.verdict = ClaimVerdict::kFalse;
    c.fact_checker = "Checker Test";
    c.source_url = "https://example.org/fact-check/vaccine-chip";
    options.claims = {c};
    auto created = Pipeline::create(options);
    ASSERT_TRUE(created) << created.error().to_string();
    pipeline_ = std::move(created).value();
  }
  static void TearDownTestSuite() { pipeline_.reset(); }
  static std::unique_ptr<Pipeline> pipeline_;  // loading the rules and models takes a while
};
std::unique_ptr<Pipeline> CheckExplainTest::pipeline_;

TEST_F(CheckExplainTest, ScamDraftIsAProblemWithItsSpanAndSuggestion) {
  const std::string draft = "Tuyển CTV việc nhẹ lương cao, inbox ngay";
  auto vi = check_draft(*pipeline_, draft, MessageLang::kVi);
  ASSERT_TRUE(vi) << vi.error().to_string();
  ASSERT_FALSE(vi->problems.empty());
  const DraftProblem& p = vi->problems.front();
  EXPECT_EQ(p.category, Category::kScam);
  EXPECT_EQ(p.detector.rfind("rule:", 0), 0u) << p.detector;
  EXPECT_EQ(cp_substr(draft, p.begin, p.end), p.quote);
  EXPECT_NE(p.quote.find("lương cao"), std::string::npos) << p.quote;
  EXPECT_NE(p.suggestion.find("OTP"), std::string::npos);

  auto en = check_draft(*pipeline_, draft, MessageLang::kEn);
  ASSERT_TRUE(en);
  ASSERT_EQ(en->problems.size(), vi->problems.size());
  EXPECT_NE(en->problems.front().suggestion, p.suggestion);  // the other language
  const std::string json = draft_check_to_json(*en);
  EXPECT_NE(json.find("\"category\":\"scam\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"count\":" + std::to_string(en->problems.size())), std::string::npos);
}

TEST_F(CheckExplainTest, CleanDraftHasNoProblem) {
  auto r = check_draft(*pipeline_, "Hôm nay trời đẹp quá, đi cà phê không?", MessageLang::kVi);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->problems.empty());
  EXPECT_EQ(draft_check_to_json(*r), "{\"problems\":[],\"count\":0}");
}

TEST_F(CheckExplainTest, KnownFalseClaimNamesTheFactChecker) {
  auto r = check_draft(*pipeline_, "Mọi người ơi, vắc xin covid có gắn chip theo dõi người tiêm đó",
                       MessageLang::kEn);
  ASSERT_TRUE(r);
  bool found = false;
  for (const DraftProblem& p : r->problems) {
    if (p.category != Category::kMisinformation) continue;
    found = true;
    EXPECT_EQ(p.detector, "claim:vaccine-chip");
    EXPECT_NE(p.suggestion.find("Checker Test"), std::string::npos) << p.suggestion;
    EXPECT_NE(p.suggestion.find("https://example.org/fact-check/vaccine-chip"), std::string::npos);
  }
  EXPECT_TRUE(found) << draft_check_to_json(*r);
}

TEST_F(CheckExplainTest, InvalidUtf8IsAnErrorNamingTheByte) {
  auto r = check_draft(*pipeline_, std::string("ab\xff", 3), MessageLang::kVi);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(r.error().message.find("byte 3"), std::string::npos) << r.error().message;
  EXPECT_FALSE(explain_text(*pipeline_, std::string("\xc3", 1)));
}

TEST_F(CheckExplainTest, ExplainGivesNormalizedTextFindingsAndCodePointSpans) {
  // Multi-byte letters before the phone number: byte and code-point offsets differ.
  const std::string text = "Cần gấp, gọi cho chị Hương số 0912345678 nhé, việc nhẹ lương cao";
  auto e = explain_text(*pipeline_, text);
  ASSERT_TRUE(e) << e.error().to_string();
  EXPECT_FALSE(e->normalized.text.empty());
  EXPECT_FALSE(e->normalized.tokens.empty());
  const std::string json = explanation_to_json(*e, text);
  EXPECT_NE(json.find("\"normalized\":"), std::string::npos);
  EXPECT_NE(json.find("\"tokens\":[{"), std::string::npos);
  bool pii = false;
  bool rule = false;
  for (const Finding& f : e->decision.findings) {
    if (f.detector.rfind("pii:", 0) == 0) pii = true;
    if (f.detector.rfind("rule:", 0) == 0) rule = true;
  }
  EXPECT_TRUE(pii) << json;
  EXPECT_TRUE(rule) << json;
  EXPECT_NE(json.find("\"kind\":\"pii\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"kind\":\"rule\""), std::string::npos) << json;
  // The phone number's span, in code points of the original text.
  const std::size_t byte_at = text.find("0912345678");
  const std::size_t cp_at = [&] {
    std::size_t n = 0;
    for (std::size_t i = 0; i < byte_at; ++i) {
      n += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 ? 1 : 0;
    }
    return n;
  }();
  ASSERT_LT(cp_at, byte_at);  // the test means something only if they differ
  EXPECT_NE(json.find("\"start\":" + std::to_string(cp_at) +
                      ",\"end\":" + std::to_string(cp_at + 10) + ",\"text\":\"0912345678\""),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"action\":\"" + std::string(action_name(e->decision.action)) + "\""),
            std::string::npos);
}

}  // namespace
}  // namespace tincay
