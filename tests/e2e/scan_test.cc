// End-to-end: the real tincay binary on small files; checks output, exit codes and stored rows.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "tests/support/subprocess.h"

namespace tincay {
namespace {

using testing::CommandResult;
using testing::TempDir;

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The secret is fixed per test through the environment unless a test checks the file.
CommandResult scan(const std::vector<std::string>& args, const std::string& input = "",
                   std::vector<std::string> env = {"TINCAY_SECRET=e2e-secret-0123456789"}) {
  std::vector<std::string> argv = {TINCAY_BINARY, "scan"};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing::run_command(argv, input, env);
}

std::int64_t query_int(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return -1;
  sqlite3_stmt* s = nullptr;
  std::int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK &&
      sqlite3_step(s) == SQLITE_ROW) {
    v = sqlite3_column_int64(s, 0);
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

const char* kPosts =
    R"({"id":"s1","platform":"facebook","author":"Trần Thị Bí Mật","created_at":"2026-10-14T08:31:00+07:00","text":"Tuyển CTV việc nhẹ lương cao, cho xin mã OTP nhé"})"
    "\n"
    R"({"id":"s2","platform":"facebook","author":"Trần Thị Bí Mật","text":"Hôm nay trời Hà Nội đẹp quá 😀"})"
    "\n"
    R"({"platform":"zalo","text":"mày đúng là đồ ngu"})"
    "\n";

TEST(Scan, WritesOneDecisionPerPostAndStoresThem) {
  TempDir dir;
  const std::string input = dir.write("posts.jsonl", kPosts);
  const std::string db = dir.file("t.db");
  const CommandResult r = scan({input, "--db", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = lines(r.out);
  ASSERT_EQ(out.size(), 3u);

  simdjson::dom::parser parser;
  simdjson::dom::element first = parser.parse(out[0]);
  EXPECT_EQ(std::string_view(first["id"]), "s1");
  EXPECT_EQ(std::string_view(first["action"]), "remove");  // two scam rules: 1-(0.4*0.3) = 0.88
  EXPECT_GE(double(first["categories"]["scam"]), 0.85);
  simdjson::dom::array findings = first["findings"];
  ASSERT_GE(findings.size(), 2u);
  simdjson::dom::element evidence = findings.at(0)["evidence"].at(0);
  // Offsets count code points of the original text, and the text is what the author wrote.
  const std::string original = "Tuyển CTV việc nhẹ lương cao, cho xin mã OTP nhé";
  const auto start = std::size_t(int64_t(evidence["start"]));
  const auto end = std::size_t(int64_t(evidence["end"]));
  const std::string_view quoted = evidence["text"];
  ASSERT_EQ(quoted, "mã OTP");  // the stronger rule (0.7) comes first
  EXPECT_EQ(start, 38u);
  EXPECT_EQ(end, 44u);
  EXPECT_NE(original.find(quoted), std::string::npos);
  EXPECT_NE(std::string_view(first["statement"]["facts_and_circumstances"]).find("rule:"),
            std::string::npos);
  EXPECT_EQ(std::string_view(first["statement"]["automated_decision"]), "fully");
  EXPECT_EQ(std::string_view(first["policy_version"]).empty(), false);

  simdjson::dom::element second = parser.parse(out[1]);
  EXPECT_EQ(std::string_view(second["action"]), "allow");

  simdjson::dom::element third = parser.parse(out[2]);
  EXPECT_EQ(std::string_view(third["id"]).substr(0, 2), "p-");  // derived id
  EXPECT_EQ(std::string_view(third["action"]), "review");

  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM posts"), 3);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM decisions"), 3);
  EXPECT_EQ(
      query_int(db, "SELECT COUNT(*) FROM decision_categories WHERE flagged=1 AND category='scam'"),
      1);
  EXPECT_NE(r.err.find("3 accepted, 0 rejected"), std::string::npos) << r.err;
}

TEST(Scan, EvidenceOffsetsAreCodePoints) {
  const CommandResult r = scan({"--no-db", "--quiet"}, R"({"text":"Ừ, mã OTP đây"})"
                                                       "\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(R"("evidence":[{"start":3,"end":9,"text":"mã OTP"}])"), std::string::npos)
      << r.out;
}

TEST(Scan, RescanningDoesNotDuplicateRows) {
  TempDir dir;
  const std::string input = dir.write("posts.jsonl", kPosts);
  const std::string db = dir.file("t.db");
  ASSERT_EQ(scan({input, "--db", db, "--quiet"}).exit_code, 0);
  ASSERT_EQ(scan({input, "--db", db, "--quiet"}).exit_code, 0);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM posts"), 3);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM decisions"), 3);
}

TEST(Scan, RawAuthorNeverReachesOutputDatabaseOrLog) {
  TempDir dir;
  const std::string input = dir.write("posts.jsonl", kPosts);
  const std::string db = dir.file("t.db");
  const CommandResult r = scan({input, "--db", db});
  ASSERT_EQ(r.exit_code, 0);
  for (const std::string& s : {r.out, r.err, read_file(db), read_file(db + "-wal")}) {
    EXPECT_EQ(s.find("Bí Mật"), std::string::npos);
  }
  // Both posts of the same author share one pseudonymous key.
  EXPECT_EQ(query_int(db, "SELECT COUNT(DISTINCT author_key) FROM posts WHERE id IN ('s1','s2')"),
            1);
  EXPECT_EQ(query_int(db, "SELECT length(author_key) FROM posts WHERE id='s1'"), 64);
}

TEST(Scan, SecretIsCreatedNextToTheDatabaseWithMode0600) {
  TempDir dir;
  const std::string input = dir.write("posts.jsonl", kPosts);
  const CommandResult r = scan({input, "--db", dir.file("t.db"), "--quiet"}, "", {});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("tincay.secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // The same secret gives the same author keys on the next run.
  const std::string key1 = std::to_string(
      query_int(dir.file("t.db"), "SELECT unicode(author_key) FROM posts WHERE id='s1'"));
  ASSERT_EQ(scan({input, "--db", dir.file("t2.db"), "--quiet"}, "", {}).exit_code, 0);
  EXPECT_EQ(std::to_string(query_int(dir.file("t2.db"),
                                     "SELECT unicode(author_key) FROM posts WHERE id='s1'")),
            key1);
}

TEST(Scan, MalformedLinesAreReportedAndTheRestProcessed) {
  TempDir dir;
  const std::string input =
      dir.write("bad.jsonl",
                "{\"id\":\"g1\",\"text\":\"ok một\"}\n"
                "{not json\n"
                "[1,2]\n"
                "{\"id\":\"x\"}\n"
                "{\"text\":42}\n"
                "{\"text\":\"bad \xff byte\"}\n"
                "\n"
                "{\"text\":\"t\",\"created_at\":\"yesterday\"}\n"
                "{\"id\":\"g2\",\"text\":\"nul\\u0000 zero\\u200bwidth 😀\"}\n");
  const std::string rejects = dir.file("rejects.jsonl");
  const CommandResult r = scan({input, "--no-db", "--rejects", rejects});
  EXPECT_EQ(r.exit_code, 3);
  const auto out = lines(r.out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_NE(out[0].find("\"g1\""), std::string::npos);
  EXPECT_NE(out[1].find("\"g2\""), std::string::npos);
  for (const char* expected :
       {":2: not valid JSON", ":3: not a JSON object", ":4: missing required field \"text\"",
        ":5: field \"text\" must be a string", ":6: invalid UTF-8", ":8: created_at"}) {
    EXPECT_NE(r.err.find(input + expected), std::string::npos) << expected << "\n" << r.err;
  }
  EXPECT_NE(r.err.find("2 accepted, 6 rejected"), std::string::npos) << r.err;
  const auto rejected = lines(read_file(rejects));
  ASSERT_EQ(rejected.size(), 6u);
  simdjson::dom::parser parser;
  simdjson::dom::element first = parser.parse(rejected[0]);
  EXPECT_EQ(int64_t(first["line"]), 2);
  EXPECT_EQ(std::string_view(first["record"]), "{not json");
  // Every rejects line is valid JSON, even the one holding invalid UTF-8.
  for (const auto& line : rejected) EXPECT_FALSE(parser.parse(line).error()) << line;
}

TEST(Scan, CsvInput) {
  TempDir dir;
  const std::string input = dir.write("posts.csv",
                                      "id,platform,author,text\nc1,forum,an,\"Có ai biết, mã OTP "
                                      "\"\"là gì\"\"?\"\nc2,forum,binh,\"dòng 1\ndòng 2\"\n");
  const CommandResult r = scan({input, "--no-db", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = lines(r.out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_NE(out[0].find(R"("text":"mã OTP")"), std::string::npos) << out[0];
}

TEST(Scan, StdinAndThreadsGiveTheSameDecisions) {
  const CommandResult one = scan({"-", "--no-db", "--quiet", "--threads", "1"}, kPosts);
  const CommandResult many = scan({"--no-db", "--quiet", "--threads", "4"}, kPosts);
  ASSERT_EQ(one.exit_code, 0);
  EXPECT_EQ(one.out, many.out);
  EXPECT_EQ(lines(one.out).size(), 3u);
}

TEST(Scan, HugePostIsProcessedAndSaysItWasTruncated) {
  std::string text = "mã OTP ";
  while (text.size() < (1u << 20)) text += "nội dung rất dài ";
  const std::string input = "{\"id\":\"big\",\"text\":\"" + text + "\"}\n";
  const CommandResult r = scan({"--no-db", "--quiet"}, input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"truncated\":true"), std::string::npos);
  EXPECT_NE(r.out.find("only the first part"), std::string::npos);
}

TEST(Scan, ExitStatusesForUsageAndFatalErrors) {
  EXPECT_EQ(scan({"--bogus"}).exit_code, 2);
  EXPECT_EQ(scan({"--threads", "many"}).exit_code, 2);
  EXPECT_EQ(scan({"--db", "x.db", "--no-db"}).exit_code, 2);
  const CommandResult missing = scan({"/nonexistent/posts.jsonl", "--no-db"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/posts.jsonl: cannot open"), std::string::npos);
  const CommandResult baddb = scan({"--db", "/nonexistent/dir/t.db"}, kPosts);
  EXPECT_EQ(baddb.exit_code, 1);
  EXPECT_EQ(lines(baddb.err).size(), 1u) << baddb.err;
}

TEST(Scan, EmptyInputIsFine) {
  TempDir dir;
  const CommandResult r = scan({dir.write("empty.jsonl", ""), "--no-db"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("0 accepted, 0 rejected"), std::string::npos);
}

TEST(Scan, NoDbCreatesNoDatabase) {
  TempDir dir;
  const std::string input = dir.write("posts.jsonl", kPosts);
  const CommandResult r = scan({input, "--no-db", "--quiet", "--out", dir.file("out.jsonl")});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(lines(read_file(dir.file("out.jsonl"))).size(), 3u);
  EXPECT_FALSE(std::filesystem::exists(dir.file("tincay.db")));
}

}  // namespace
}  // namespace tincay

namespace tincay {
namespace {

// examples/malformed.README.md lists each line's expected outcome; this keeps the two in step.
TEST(ScanExamples, MalformedSampleMatchesItsReadme) {
  const std::string input = std::string(TINCAY_SOURCE_DIR) + "/examples/malformed.jsonl";
  const CommandResult r = scan({input, "--no-db"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(lines(r.out).size(), 7u);
  std::vector<int> rejected;
  for (const std::string& line : lines(r.err)) {
    if (line.rfind(input + ":", 0) == 0)
      rejected.push_back(std::stoi(line.substr(input.size() + 1)));
  }
  EXPECT_EQ(rejected, (std::vector<int>{2, 3, 4, 5, 6, 8, 12, 14, 15, 16, 19}));
  EXPECT_NE(r.err.find("7 accepted, 11 rejected"), std::string::npos) << r.err;
}

TEST(ScanExamples, BundledSampleIsAcceptedWhole) {
  const CommandResult r =
      scan({std::string(TINCAY_SOURCE_DIR) + "/examples/posts.jsonl", "--no-db"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(lines(r.out).size(), 300u);
  const CommandResult csv =
      scan({std::string(TINCAY_SOURCE_DIR) + "/examples/posts.csv", "--no-db", "--quiet"});
  EXPECT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(lines(csv.out).size(), 20u);
}

}  // namespace
}  // namespace tincay

namespace tincay {
namespace {

std::string many_posts(int n) {
  std::string input;
  for (int i = 0; i < n; ++i) {
    input += "{\"id\":\"m" + std::to_string(i) + "\",\"text\":\"xin chào\"}\n";
  }
  return input;
}

TEST(ScanProgress, NothingWhenStderrIsNotATerminal) {
  const CommandResult r = scan({"--no-db"}, many_posts(3000));
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err.find('\r'), std::string::npos);
  EXPECT_NE(r.err.find("throughput:"), std::string::npos);  // the summary is still there
}

TEST(ScanProgress, ShownOnATerminal) {
  // script(1) from util-linux gives the command a pseudo-terminal.
  TempDir dir;
  const std::string input = dir.write("p.jsonl", many_posts(3000));
  const CommandResult r = testing::run_command(
      {"/usr/bin/script", "-qec",
       std::string(TINCAY_BINARY) + " scan --no-db --out /dev/null " + input, "/dev/null"},
      "", {"TINCAY_SECRET=e2e-secret-0123456789"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("read, 0 rejected"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("posts/s"), std::string::npos);
}

TEST(ScanProgress, QuietPrintsNoSummary) {
  const CommandResult r = scan({"--no-db", "--quiet"}, many_posts(10));
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.err.empty()) << r.err;
}

}  // namespace
}  // namespace tincay
