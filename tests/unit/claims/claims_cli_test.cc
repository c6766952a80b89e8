// tincay claims and tincay check, run as a user would.
#include <gtest/gtest.h>

#include "tests/support/subprocess.h"

namespace tincay {
namespace {

using testing::run_command;
using testing::TempDir;

constexpr const char* kClaims =
    R"({"id":"c17","claim":"Sóng 5G làm lây lan virus corona","verdict":"false","fact_checker":"Checker","source_url":"https://fc.example/c17"})"
    "\n"
    R"({"id":"nosrc","claim":"Uống nước muối chữa khỏi Covid","verdict":"false","fact_checker":"Checker"})"
    "\n";

TEST(ClaimsCli, ImportListRemove) {
  TempDir dir;
  const std::string db = dir.file("t.db");
  const std::string file = dir.write("claims.jsonl", kClaims);
  auto r = run_command({TINCAY_BINARY, "claims", "import", file, "--db", db});
  EXPECT_EQ(r.exit_code, 3) << r.err;  // one record rejected
  EXPECT_NE(r.err.find(file + ":2: missing 'source_url'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("imported 1 claim, rejected 1"), std::string::npos) << r.err;

  r = run_command({TINCAY_BINARY, "claims", "list", "--db", db});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("c17\tfalse\tChecker\thttps://fc.example/c17"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("nosrc"), std::string::npos);

  // A scan with this database labels a restatement, with the source in the decision.
  r = run_command({TINCAY_BINARY, "scan", "--db", db, "--quiet", "--no-campaigns"},
                  R"({"id":"p1","text":"Mọi người ơi sóng 5G làm lây lan virus corona đó"})"
                  "\n"
                  R"({"id":"p2","text":"Nhà mạng phủ sóng 5G toàn quốc từ tháng sau"})"
                  "\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::size_t p2 = r.out.find("\"p2\"");
  ASSERT_NE(p2, std::string::npos) << r.out;
  const std::string first = r.out.substr(0, p2);
  EXPECT_NE(first.find("claim:c17"), std::string::npos) << r.out;
  EXPECT_NE(first.find("https://fc.example/c17"), std::string::npos);
  EXPECT_NE(first.find("\"label\""), std::string::npos);
  EXPECT_EQ(r.out.substr(p2).find("claim:"), std::string::npos) << r.out;

  r = run_command({TINCAY_BINARY, "claims", "remove", "c17", "--db", db});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = run_command({TINCAY_BINARY, "claims", "remove", "c17", "--db", db});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no claim with id 'c17'"), std::string::npos);
}

TEST(CheckCli, PrintsProblemWithSpanAndSuggestionAndExitsOne) {
  TempDir dir;
  const std::string file = dir.write("claims.jsonl", kClaims);
  auto r = run_command({TINCAY_BINARY, "check", "Tin nóng: sóng 5G làm lây lan virus corona",
                        "--claims", file, "--lang", "en"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("misinformation [claim:c17] characters 10-42"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cite a reliable source"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("https://fc.example/c17"), std::string::npos);

  r = run_command({TINCAY_BINARY, "check", "Chúc cả nhà một ngày vui vẻ", "--claims", file});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Không phát hiện vấn đề"), std::string::npos) << r.out;

  const std::string draft = dir.write("draft.txt", "sóng 5G làm lây lan virus corona");
  r = run_command({TINCAY_BINARY, "check", "--file", draft, "--claims", file, "--lang", "vi"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("Gợi ý"), std::string::npos) << r.out;

  r = run_command({TINCAY_BINARY, "check", "x", "--lang", "fr", "--no-db"});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace tincay
