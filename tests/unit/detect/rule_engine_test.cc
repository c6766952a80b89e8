// The rule engine, run against both matchers (Hyperscan where this build has it, and the portable
// one): the same packs must give the same findings.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "tincay/detect/rules.h"

#include "src/detect/rules/matcher.h"

namespace tincay {
namespace {

const Normalizer& normalizer() {
  static const Normalizer n = Normalizer::create(NormalizeOptions{}).value();
  return n;
}

class RuleEngineTest : public ::testing::TestWithParam<MatcherKind> {
 protected:
  void SetUp() override {
    if (GetParam() == MatcherKind::kHyperscan && !rules::hyperscan_available()) {
      GTEST_SKIP() << "no Hyperscan in this build or on this CPU";
    }
  }

  Result<std::unique_ptr<RuleEngine>> load(const std::string& yaml) const {
    RuleOptions o;
    o.matcher = GetParam();
    o.use_cache = false;
    return parse_rule_engine({{"t.yaml", yaml}}, normalizer(), o);
  }

  static std::vector<Finding> run(const RuleEngine& e, const std::string& text) {
    Post post;
    post.text = text;
    std::vector<Finding> out;
    e.detect(post, normalizer().normalize(text), out);
    return out;
  }

  static std::string quote(const std::string& text, ByteSpan s) {
    return text.substr(s.begin, s.end - s.begin);
  }
};

constexpr const char* kPack = R"(pack: t
contexts:
  - name: warn
    accents: optional
    any: [cảnh báo]
  - name: neg
    before: 3
    any: [không, đừng]
  - name: soft
    effect: weaken
    factor: 0.5
    any: [nghe nói]
lists:
  verbs: [gửi, cho]
rules:
  - id: t.job
    category: scam
    severity: high
    description: job lure
    weight: 0.6
    accents: optional
    any: [việc nhẹ lương cao]
    unless: [warn, quotation, soft]
  - id: t.otp
    category: scam
    severity: critical
    description: otp request
    weight: 0.75
    any: [mã otp]
    near: {a: [{list: verbs}], b: [mã otp], within: 2}
    unless: [neg]
  - id: t.both
    category: spam
    severity: low
    description: both groups
    weight: 0.3
    all: [[inbox, ib], [ngay]]
    none: [không phải quảng cáo]
  - id: t.re
    category: scam
    severity: low
    description: tld
    weight: 0.4
    any: [{re: "[a-z0-9]+\\.(?:top|xyz)\\b"}]
  - id: t.orig
    category: profanity
    severity: medium
    description: original text
    weight: 0.5
    text: original
    any: [{re: "v\\.c\\.l"}, LOL]
)";

TEST_P(RuleEngineTest, AccentsOptionalMatchesWithAndWithoutDiacriticsOnTheOriginal) {
  auto e = load(kPack);
  ASSERT_TRUE(e) << e.error().to_string();
  for (const std::string text :
       {"Tuyển gấp VIỆC NHẸ LƯƠNG CAO!!", "tuyen gap viec nhe luong cao"}) {
    const auto f = run(**e, text);
    ASSERT_EQ(f.size(), 1u) << text;
    EXPECT_EQ(f[0].detector, "rule:t.job");
    EXPECT_EQ(f[0].category, Category::kScam);
    EXPECT_DOUBLE_EQ(f[0].score, 0.6);
    ASSERT_EQ(f[0].evidence.size(), 1u);
    EXPECT_EQ(quote(text, f[0].evidence[0]),
              text[0] == 'T' ? "VIỆC NHẸ LƯƠNG CAO" : "viec nhe luong cao");
    EXPECT_NE(f[0].reason.find("job lure"), std::string::npos);
  }
}

TEST_P(RuleEngineTest, WarningsQuotationsSuppressAndMentionsWeaken) {
  auto e = load(kPack);
  ASSERT_TRUE(e);
  EXPECT_TRUE(run(**e, "Cảnh báo: chiêu việc nhẹ lương cao").empty());
  EXPECT_TRUE(run(**e, "canh bao viec nhe luong cao").empty());
  EXPECT_TRUE(run(**e, "Họ hứa \"việc nhẹ lương cao\" rồi lừa").empty());
  const auto f = run(**e, "nghe nói việc nhẹ lương cao");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_DOUBLE_EQ(f[0].score, 0.3);
  EXPECT_NE(f[0].reason.find("weakened by soft"), std::string::npos);
}

TEST_P(RuleEngineTest, NearNeedsBothWithinTheWindowAndEvidenceLeadsWithTheSubject) {
  auto e = load(kPack);
  ASSERT_TRUE(e);
  const std::string text = "Cho xin mã OTP nhé";
  const auto f = run(**e, text);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].detector, "rule:t.otp");
  ASSERT_EQ(f[0].evidence.size(), 2u);
  EXPECT_EQ(quote(text, f[0].evidence[0]), "mã OTP");
  EXPECT_EQ(quote(text, f[0].evidence[1]), "Cho");
  EXPECT_TRUE(run(**e, "cho mình hỏi cái này với, à mà mã otp là gì").empty());
  EXPECT_TRUE(run(**e, "đừng bao giờ gửi mã otp").empty());  // negation before
}

TEST_P(RuleEngineTest, AllAndNone) {
  auto e = load(kPack);
  ASSERT_TRUE(e);
  EXPECT_EQ(run(**e, "ib ngay nhé").size(), 1u);
  EXPECT_TRUE(run(**e, "ib cho mình").empty());
  EXPECT_TRUE(run(**e, "ib ngay, không phải quảng cáo").empty());
}

TEST_P(RuleEngineTest, WordBoundariesAndRegexes) {
  auto e = load(kPack);
  ASSERT_TRUE(e);
  EXPECT_TRUE(run(**e, "inboxngay").empty());
  const std::string text = "vào vcb-diem.top nhé";
  const auto f = run(**e, text);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(quote(text, f[0].evidence[0]), "diem.top");
  EXPECT_TRUE(run(**e, "topic hay").empty());
}

TEST_P(RuleEngineTest, OriginalTextIsCaseInsensitive) {
  auto e = load(kPack);
  ASSERT_TRUE(e);
  EXPECT_EQ(run(**e, "hay V.C.L").size(), 1u);
  EXPECT_EQ(run(**e, "lol").size(), 1u);
}

// Where the normalized text differs from the original in ASCII case only, the engine finds the
// original's patterns in the same scan as the text's; elsewhere it scans the original on its own.
// Both ways must report the same rules with evidence on the original.
TEST_P(RuleEngineTest, OriginalTextRulesFireWhateverTheNormalizerChanged) {
  auto e = load(kPack);
  ASSERT_TRUE(e);
  for (const std::string text : {"hay V.C.L", "hay v.c.l nha", "ĐẸP V.C.L", "hayyyyyy quá v.c.l",
                                 "ko hiểu v.c.l luôn", "LOL vào vcb-diem.top"}) {
    const auto f = run(**e, text);
    bool orig = false;
    for (const Finding& x : f) {
      if (x.detector != "rule:t.orig") continue;
      orig = true;
      ASSERT_EQ(x.evidence.size(), 1u) << text;
      const std::string quoted = quote(text, x.evidence[0]);
      EXPECT_TRUE(quoted == "V.C.L" || quoted == "v.c.l" || quoted == "LOL")
          << text << ": " << quoted;
    }
    EXPECT_TRUE(orig) << text;
  }
  // The text's own patterns still see the normalized text in the same post.
  const std::string both = "LOL vào vcb-diem.top";
  EXPECT_EQ(run(**e, both).size(), 2u);
  EXPECT_TRUE(run(**e, "hay v.c.lx").empty());
}

TEST_P(RuleEngineTest, ExpressionsKeepTheirWordBoundariesAndLeftmostStart) {
  auto e = load(R"(rules:
  - id: t.code
    category: spam
    severity: low
    description: code
    weight: 0.3
    any: [{re: "\\bab[0-9]+\\b"}, {re: "[a-z]+-[0-9]+\\.top"}]
)");
  ASSERT_TRUE(e) << e.error().to_string();
  const std::string text = "mã ab123 ở abc-12.top";
  const auto f = run(**e, text);
  ASSERT_EQ(f.size(), 1u);
  ASSERT_EQ(f[0].evidence.size(), 2u);
  EXPECT_EQ(quote(text, f[0].evidence[0]), "ab123");
  EXPECT_EQ(quote(text, f[0].evidence[1]), "abc-12.top");
  EXPECT_TRUE(run(**e, "xab123").empty());
  EXPECT_TRUE(run(**e, "x_ab123").empty());  // '_' is a word character for \b
  EXPECT_TRUE(run(**e, "ab123x").empty());
}

TEST_P(RuleEngineTest, ExplainSaysWhyARuleDidNotFire) {
  auto e = load(kPack);
  ASSERT_TRUE(e);
  Post post;
  post.text = "cảnh báo việc nhẹ lương cao";
  const auto traces = (*e)->explain(post, normalizer().normalize(post.text));
  ASSERT_EQ(traces.size(), 1u);
  EXPECT_FALSE(traces[0].fired);
  EXPECT_NE(traces[0].outcome.find("suppressed by context warn"), std::string::npos);
}

TEST_P(RuleEngineTest, LoadErrorsNameFileLineRuleAndReason) {
  struct Case {
    std::string yaml;
    std::string where;
    std::string message;
  };
  const std::string head = "rules:\n  - id: a.b\n    severity: high\n    description: d\n";
  const std::vector<Case> cases = {
      {head + "    category: politics\n    weight: 0.5\n    any: [x]\n", "t.yaml:5",
       "rule a.b: unknown category \"politics\""},
      {head + "    category: scam\n    weight: 1.5\n    any: [x]\n", "t.yaml:6", "weight"},
      {"rules:\n  - id: a.b\n    severity: low\n    description: d\n    category: scam\n"
       "    weight: 0.6\n    any: [x]\n",
       "t.yaml:6", "weak signal"},
      {head + "    category: scam\n    weight: 0.5\n    any: [{re: \"a(\"}]\n", "t.yaml:7",
       "invalid regular expression"},
      {head + "    category: scam\n    weight: 0.5\n    any: [{re: \"a*\"}]\n", "t.yaml:7",
       "empty"},
      {head + "    category: scam\n    weight: 0.5\n    colour: red\n    any: [x]\n", "t.yaml:7",
       "unknown key \"colour\""},
      {head + "    category: scam\n    weight: 0.5\n    any: [{list: nope}]\n", "t.yaml:7",
       "undefined list \"nope\""},
      {head + "    category: scam\n    weight: 0.5\n    any: [x]\n    unless: [nope]\n", "t.yaml:8",
       "undefined context \"nope\""},
      {head + "    category: scam\n    weight: 0.5\n    none: [x]\n", "t.yaml:2", "none alone"},
      {"rules:\n  - id: Bad Id\n", "t.yaml:2", "dotted"},
      {"rules: [\n", "t.yaml:", "YAML syntax error"},
      {head + "    category: scam\n    weight: 0.5\n    any: [x]\n  - id: a.b\n    severity: high\n"
              "    description: d\n    category: scam\n    weight: 0.5\n    any: [y]\n",
       "t.yaml:8", "duplicate rule id"},
  };
  for (const Case& c : cases) {
    auto e = load(c.yaml);
    ASSERT_FALSE(e) << c.yaml;
    EXPECT_EQ(e.error().where.rfind(c.where, 0), 0u) << e.error().to_string();
    EXPECT_NE(e.error().message.find(c.message), std::string::npos) << e.error().to_string();
  }
}

TEST_P(RuleEngineTest, BundledPacksPassTheirOwnExamples) {
  auto files = list_rule_pack_files(std::string(TINCAY_SOURCE_DIR) + "/rules");
  ASSERT_TRUE(files);
  RuleOptions o;
  o.matcher = GetParam();
  o.use_cache = false;
  auto e = load_rule_engine(*files, normalizer(), o);
  ASSERT_TRUE(e) << e.error().to_string();
  EXPECT_GE((*e)->rules().size(), 40u);
  for (const ExampleFailure& f : run_rule_examples(**e, normalizer(), {})) {
    ADD_FAILURE() << f.where << " " << f.rule_id << ": " << f.problem << ": " << f.example;
  }
}

INSTANTIATE_TEST_SUITE_P(Matchers, RuleEngineTest,
                         ::testing::Values(MatcherKind::kHyperscan, MatcherKind::kPortable),
                         [](const auto& param_info) {
                           return param_info.param == MatcherKind::kHyperscan ? "hyperscan"
                                                                              : "portable";
                         });

TEST(RuleEngineCache, CorruptCacheIsIgnoredAndRebuilt) {
  if (!rules::hyperscan_available()) GTEST_SKIP() << "no Hyperscan";
  const auto dir =
      std::filesystem::temp_directory_path() / ("tincay-rules-cache-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  RuleOptions o;
  o.matcher = MatcherKind::kHyperscan;
  o.cache_dir = dir.string();
  const std::string pack = kPack;
  auto first = parse_rule_engine({{"t.yaml", pack}}, normalizer(), o);
  ASSERT_TRUE(first) << first.error().to_string();
  std::vector<std::filesystem::path> cached;
  for (const auto& f : std::filesystem::directory_iterator(dir)) cached.push_back(f.path());
  ASSERT_FALSE(cached.empty());
  for (const auto& p : cached) {
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.write("garbage!", 8);
  }
  auto second = parse_rule_engine({{"t.yaml", pack}}, normalizer(), o);
  ASSERT_TRUE(second) << second.error().to_string();
  Post post;
  post.text = "viec nhe luong cao";
  std::vector<Finding> out;
  (*second)->detect(post, normalizer().normalize(post.text), out);
  EXPECT_EQ(out.size(), 1u);
  // A truncated file too.
  for (const auto& p : cached) std::filesystem::resize_file(p, 10);
  auto third = parse_rule_engine({{"t.yaml", pack}}, normalizer(), o);
  ASSERT_TRUE(third);
  out.clear();
  (*third)->detect(post, normalizer().normalize(post.text), out);
  EXPECT_EQ(out.size(), 1u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tincay
