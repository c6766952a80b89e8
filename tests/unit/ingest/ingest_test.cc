#include "tincay/ingest.h"

#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "src/ingest/post_builder.h"

namespace tincay {
namespace {

const Pseudonymizer kPseudonymizer("test-secret-0123456789abcdef");

IngestItem parse(std::string_view line) {
  JsonRecordParser parser(kPseudonymizer);
  return parser.parse(line, "t.jsonl", 7);
}

std::string reason(const IngestItem& item) {
  const auto* r = std::get_if<Rejection>(&item);
  return r == nullptr ? "" : r->reason;
}

TEST(JsonRecord, ParsesKnownFieldsAndKeepsUnknownOnes) {
  const auto item = parse(
      R"({"id":"p1","text":"xin chào","platform":"facebook","author":"Lan","created_at":"2026-10-14T08:31:00+07:00","likes":3,"tags":["a"]})");
  const Post& p = std::get<Post>(item);
  EXPECT_EQ(p.id, "p1");
  EXPECT_EQ(p.text, "xin chào");
  EXPECT_EQ(p.platform, "facebook");
  EXPECT_TRUE(p.created_unix.has_value());
  EXPECT_EQ(p.metadata_json, R"({"likes":3,"tags":["a"]})");
  EXPECT_EQ(p.source, "t.jsonl");
  EXPECT_EQ(p.line, 7u);
}

TEST(JsonRecord, AuthorIsPseudonymizedNeverKept) {
  const Post p = std::get<Post>(parse(R"({"text":"a","platform":"zalo","author":"Nguyễn Văn A"})"));
  EXPECT_EQ(p.author_key, kPseudonymizer.author_key("zalo", "Nguyễn Văn A"));
  EXPECT_EQ(p.author_key.size(), 64u);
  EXPECT_EQ(p.metadata_json.find("Nguy"), std::string::npos);
  // Same author on another platform is another key; another secret gives another key.
  EXPECT_NE(p.author_key, kPseudonymizer.author_key("facebook", "Nguyễn Văn A"));
  EXPECT_NE(p.author_key,
            Pseudonymizer("other-secret-xxxxxxxx").author_key("zalo", "Nguyễn Văn A"));
}

TEST(JsonRecord, DerivedIdIsStableAndDependsOnPlatformAndText) {
  const Post a = std::get<Post>(parse(R"({"text":"giống nhau","platform":"fb"})"));
  const Post b = std::get<Post>(parse(R"({"text":"giống nhau","platform":"fb","author":"x"})"));
  const Post c = std::get<Post>(parse(R"({"text":"giống nhau","platform":"zalo"})"));
  EXPECT_TRUE(a.id_derived);
  EXPECT_EQ(a.id, b.id);
  EXPECT_NE(a.id, c.id);
  EXPECT_EQ(a.id.rfind("p-", 0), 0u);
}

TEST(JsonRecord, RejectsWithClearReasons) {
  EXPECT_NE(reason(parse("not json")).find("not valid JSON"), std::string::npos);
  EXPECT_EQ(reason(parse(R"(["text"])")), "not a JSON object");
  EXPECT_EQ(reason(parse(R"({"id":"1"})")), R"(missing required field "text")");
  EXPECT_EQ(reason(parse(R"({"text":5})")), R"(field "text" must be a string)");
  EXPECT_EQ(reason(parse(R"({"text":null})")), R"(field "text" must be a string)");
  EXPECT_NE(reason(parse(R"({"text":"a","created_at":"yesterday"})")).find("RFC 3339"),
            std::string::npos);
  EXPECT_EQ(reason(parse("{\"text\":\"a\xff\"}")), "invalid UTF-8 at byte 11 of the line");
}

TEST(JsonRecord, KeepsNulZeroWidthAndEmoji) {
  const Post p = std::get<Post>(parse(R"({"text":"a\u0000b\u200bc 😀"})"));
  EXPECT_EQ(p.text, std::string("a\0b\xe2\x80\x8b"
                                "c \xf0\x9f\x98\x80",
                                12));
}

TEST(JsonRecord, NumericIdsAreAccepted) {
  const Post p = std::get<Post>(parse(R"({"id":12345,"text":"a"})"));
  EXPECT_EQ(p.id, "12345");
  EXPECT_FALSE(p.id_derived);
}

TEST(Csv, SplitsQuotedFields) {
  std::vector<std::string> f;
  ASSERT_TRUE(split_csv_record(R"(1,"a, ""b""",c)", f));
  EXPECT_EQ(f, (std::vector<std::string>{"1", "a, \"b\"", "c"}));
  EXPECT_FALSE(split_csv_record(R"(1,"open)", f));
  ASSERT_TRUE(split_csv_record("1,", f));
  EXPECT_EQ(f.size(), 2u);
}

std::vector<IngestItem> read_all(const std::string& content, InputFormat format,
                                 std::size_t max_bytes = 1u << 20) {
  std::string copy = content;
  std::FILE* f = fmemopen(copy.data(), copy.size(), "rb");
  IngestOptions options;
  options.max_record_bytes = max_bytes;
  auto reader = make_reader(f, "in", format, options, kPseudonymizer);
  std::vector<IngestItem> items;
  if (reader) {
    while (auto item = (*reader)->next()) items.push_back(std::move(*item));
  }
  std::fclose(f);
  return items;
}

TEST(Reader, JsonlSkipsBlankLinesAndCountsLines) {
  const auto items =
      read_all("{\"text\":\"a\"}\n\n   \nbad\r\n{\"text\":\"b\"}", InputFormat::kJsonl);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(std::get<Post>(items[0]).line, 1u);
  EXPECT_EQ(std::get<Rejection>(items[1]).line, 4u);
  EXPECT_EQ(std::get<Post>(items[2]).text, "b");
  EXPECT_EQ(std::get<Post>(items[2]).line, 5u);
}

TEST(Reader, OverlongRecordIsRejectedAndTheNextOneRead) {
  const std::string big = "{\"text\":\"" + std::string(5000, 'x') + "\"}";
  const auto items = read_all(big + "\n{\"text\":\"ok\"}\n", InputFormat::kJsonl, 1000);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_NE(std::get<Rejection>(items[0]).reason.find("longer than 1000"), std::string::npos);
  EXPECT_EQ(std::get<Post>(items[1]).text, "ok");
}

TEST(Reader, CsvWithMultilineFieldsBomAndMetadata) {
  const auto items = read_all(
      "\xEF\xBB\xBFid,Text,likes\n1,\"dòng một\ndòng hai\",5\n2,short\n3,\"x\",1,extra\n4,ok,\n",
      InputFormat::kCsv);
  ASSERT_EQ(items.size(), 4u);
  const Post& p1 = std::get<Post>(items[0]);
  EXPECT_EQ(p1.text, "dòng một\ndòng hai");
  EXPECT_EQ(p1.metadata_json, R"({"likes":"5"})");
  EXPECT_EQ(std::get<Rejection>(items[1]).reason, "expected 3 fields, found 2");
  EXPECT_EQ(std::get<Rejection>(items[1]).line, 4u);
  EXPECT_EQ(std::get<Rejection>(items[2]).line, 5u);
  EXPECT_EQ(std::get<Post>(items[3]).metadata_json, "{}");
}

TEST(Reader, CsvWithoutTextColumnFailsToOpen) {
  std::string content = "id,body\n1,x\n";
  std::FILE* f = fmemopen(content.data(), content.size(), "rb");
  auto reader = make_reader(f, "in.csv", InputFormat::kCsv, IngestOptions{}, kPseudonymizer);
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error().to_string(), "in.csv:1: CSV header has no \"text\" column");
  std::fclose(f);
}

TEST(Reader, CsvUnterminatedQuoteAtEndIsRejected) {
  const auto items = read_all("id,text\n1,ok\n2,\"never closed\n", InputFormat::kCsv);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_NE(std::get<Rejection>(items[1]).reason.find("not closed"), std::string::npos);
}

TEST(Format, GuessedFromExtension) {
  EXPECT_EQ(guess_format("a/B.CSV"), InputFormat::kCsv);
  EXPECT_EQ(guess_format("posts.jsonl"), InputFormat::kJsonl);
  EXPECT_EQ(guess_format("-"), InputFormat::kJsonl);
}

}  // namespace
}  // namespace tincay
