// The claim-file parser: valid records kept, bad ones rejected with file:line and a reason.
#include <gtest/gtest.h>

#include "tincay/claims.h"

namespace tincay {
namespace {

constexpr const char* kGood =
    R"({"id":"c1","claim":"Sóng 5G làm lây lan virus corona","verdict":"false","fact_checker":"Checker","source_url":"https://fc.example/1","published":"2020-04-10","lang":"vi"})";

TEST(ParseClaims, KeepsValidJsonlRecords) {
  const ClaimFileResult r =
      parse_claims(std::string(kGood) + "\n\n", "c.jsonl", ClaimFormat::kJsonl);
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].to_string();
  ASSERT_EQ(r.claims.size(), 1u);
  EXPECT_EQ(r.claims[0].id, "c1");
  EXPECT_EQ(r.claims[0].verdict, ClaimVerdict::kFalse);
  EXPECT_EQ(r.claims[0].source_url, "https://fc.example/1");
  EXPECT_EQ(r.claims[0].published, "2020-04-10");
}

TEST(ParseClaims, RejectsARecordWithoutASourceNamingFileAndLine) {
  const std::string content =
      std::string(kGood) + "\n" +
      R"({"id":"c2","claim":"Uống nước muối chữa Covid","verdict":"false","fact_checker":"Checker"})" +
      "\n";
  const ClaimFileResult r = parse_claims(content, "c.jsonl", ClaimFormat::kJsonl);
  ASSERT_EQ(r.claims.size(), 1u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].where, "c.jsonl:2");
  EXPECT_NE(r.errors[0].message.find("source_url"), std::string::npos);
}

TEST(ParseClaims, RejectsBadRecordsWithReasons) {
  const std::string content =
      R"({"id":"a","claim":"x","verdict":"mostly false","fact_checker":"C","source_url":"https://f.example/a"})"
      "\n"
      R"({"id":"b","claim":"x","verdict":"false","fact_checker":"C","source_url":"ftp://f.example/b"})"
      "\n"
      R"({"id":"c","claim":"x","verdict":"false","fact_checker":"","source_url":"https://f.example/c"})"
      "\n"
      R"({"id":"d d","claim":"x","verdict":"false","fact_checker":"C","source_url":"https://f.example/d"})"
      "\n"
      R"({"id":"e","claim":5,"verdict":"false","fact_checker":"C","source_url":"https://f.example/e"})"
      "\n"
      R"({"id":"f","claim":"x","verdict":"false","fact_checker":"C","source_url":"https://f.example/f","published":"yesterday"})"
      "\n"
      "not json\n"
      R"(["an","array"])"
      "\n"
      R"({"id":"g","claim":"x","verdict":"FALSE","fact_checker":"C","source_url":"https://f.example/g"})"
      "\n"
      R"({"id":"g","claim":"y","verdict":"true","fact_checker":"C","source_url":"https://f.example/g2"})"
      "\n";
  const ClaimFileResult r = parse_claims(content, "bad.jsonl", ClaimFormat::kJsonl);
  ASSERT_EQ(r.claims.size(), 1u);  // only the first "g"
  EXPECT_EQ(r.claims[0].id, "g");
  ASSERT_EQ(r.errors.size(), 9u);
  const char* expected[] = {"unknown verdict", "http(s)",           "fact_checker",
                            "'id' must",       "must be a string",  "'published'",
                            "not valid JSON",  "not a JSON object", "duplicate id"};
  for (std::size_t i = 0; i < 9; ++i) {
    EXPECT_NE(r.errors[i].message.find(expected[i]), std::string::npos) << r.errors[i].message;
  }
  EXPECT_EQ(r.errors[8].where, "bad.jsonl:10");
}

TEST(ParseClaims, ReadsCsvWithQuotedCommasAndNewlines) {
  const std::string content =
      "id,claim,verdict,fact_checker,source_url,published,lang\r\n"
      "c1,\"Sóng 5G, theo tin đồn, làm lây lan "
      "virus\",false,Checker,https://fc.example/1,2020-04-10,vi\r\n"
      "c2,\"Dòng một\nDòng hai\",misleading,\"Checker \"\"A\"\"\",https://fc.example/2,,\r\n"
      "c3,Không có nguồn,false,Checker,,,\r\n";
  const ClaimFileResult r = parse_claims(content, "c.csv", ClaimFormat::kCsv);
  ASSERT_EQ(r.claims.size(), 2u);
  EXPECT_EQ(r.claims[0].claim, "Sóng 5G, theo tin đồn, làm lây lan virus");
  EXPECT_EQ(r.claims[1].claim, "Dòng một\nDòng hai");
  EXPECT_EQ(r.claims[1].fact_checker, "Checker \"A\"");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].where, "c.csv:5");  // the record starts on line 5 (line 3 spans two)
}

TEST(ParseClaims, CsvWithoutRequiredColumnIsRejected) {
  const ClaimFileResult r =
      parse_claims("id,claim,verdict,fact_checker\nc1,x,false,C\n", "c.csv", ClaimFormat::kCsv);
  EXPECT_TRUE(r.claims.empty());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].where, "c.csv:1");
  EXPECT_NE(r.errors[0].message.find("source_url"), std::string::npos);
}

TEST(ParseClaims, FormatGuessedByExtension) {
  EXPECT_EQ(guess_claim_format("x.CSV"), ClaimFormat::kCsv);
  EXPECT_EQ(guess_claim_format("x.jsonl"), ClaimFormat::kJsonl);
}

}  // namespace
}  // namespace tincay
