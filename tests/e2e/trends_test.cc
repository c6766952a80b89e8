// End-to-end: tincay scan keeps the trend rollups, tincay trends reads them (docs/trends.md).
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "tests/support/subprocess.h"

namespace tincay {
namespace {

using testing::CommandResult;
using testing::TempDir;

const std::vector<std::string> kEnv = {"TINCAY_SECRET=e2e-secret-0123456789"};

CommandResult tincay(const std::vector<std::string>& args, const std::string& input = "") {
  std::vector<std::string> argv = {TINCAY_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing::run_command(argv, input, kEnv);
}

// 12 people on Facebook about fuel prices; 4 on Zalo about football (fewer than k = 10).
std::string posts() {
  std::string out;
  for (int i = 0; i < 12; ++i) {
    out += R"({"id":"f)" + std::to_string(i) +
           R"(","platform":"facebook","author":"Người Thật Số )" + std::to_string(i) +
           R"(","created_at":"2026-10-14T0)" + std::to_string(i % 10) +
           R"(:15:00+00:00","text":"Giá xăng hôm nay tăng phi mã, bực thật )" + std::to_string(i) +
           "\"}\n";
  }
  for (int i = 0; i < 4; ++i) {
    out += R"({"id":"z)" + std::to_string(i) + R"(","platform":"zalo","author":"Bạn Zalo )" +
           std::to_string(i) +
           R"(","created_at":"2026-10-14T10:00:00+00:00","text":"Đội tuyển bóng đá thắng rồi"})" +
           "\n";
  }
  return out;
}

TEST(TrendsCli, ShowsAggregatesFromKAuthorsOnlyAndCountsARescanOnce) {
  TempDir dir;
  const std::string db = dir.path() + "/t.db";
  const std::string input = dir.path() + "/posts.jsonl";
  std::ofstream(input) << posts();
  for (int run = 0; run < 2; ++run) {  // scanning the same posts twice must not double them
    const CommandResult scan = tincay({"scan", input, "--db", db, "--out", "/dev/null", "--quiet"});
    ASSERT_EQ(scan.exit_code, 0) << scan.err;
  }
  const std::string svg = dir.path() + "/trends.svg";
  const CommandResult r = tincay({"trends", "--db", db, "--from", "2026-10-14", "--to",
                                  "2026-10-15", "--bucket", "day", "--json", "--plot", svg});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(r.out).get(doc)) << r.out;
  EXPECT_EQ(int64_t(doc["k"]), 10);
  bool facebook = false, zalo = false;
  for (auto p : doc["volume"]["platforms"].get_array()) {
    const std::string_view name = p["platform"].get_string();
    if (name == "facebook") {
      facebook = true;
      EXPECT_EQ(int64_t(p["total"]), 12);  // not 24: the rescan added nothing
    }
    if (name == "zalo") {
      zalo = true;
      EXPECT_TRUE(p["total"].is_null());  // 4 authors < k
    }
  }
  EXPECT_TRUE(facebook && zalo) << r.out;
  bool fuel = false;
  for (auto p : doc["phrases"].get_array()) {
    const std::string_view phrase = p["phrase"].get_string();
    if (phrase == "giá xăng") fuel = true;
    EXPECT_NE(phrase, "bóng đá");  // below k
  }
  EXPECT_TRUE(fuel) << r.out;
  // Aggregates only: no author, no text.
  EXPECT_EQ(r.out.find("Người Thật"), std::string::npos);
  EXPECT_EQ(r.out.find("phi mã, bực"), std::string::npos);
  std::ifstream in(svg);
  std::stringstream chart;
  chart << in.rdbuf();
  EXPECT_EQ(chart.str().rfind("<svg", 0), 0u);
  // The same chart as a PNG image: a PNG signature, then the header chunk with the chart's size.
  const std::string png = dir.path() + "/trends.png";
  const CommandResult plotted = tincay({"trends", "--db", db, "--from", "2026-10-14", "--to",
                                        "2026-10-15", "--bucket", "hour", "--plot", png});
  ASSERT_EQ(plotted.exit_code, 0) << plotted.err;
  std::ifstream png_in(png, std::ios::binary);
  std::stringstream image;
  image << png_in.rdbuf();
  ASSERT_GT(image.str().size(), 24u);
  EXPECT_EQ(image.str().substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(image.str().substr(12, 4), "IHDR");

  const CommandResult text = tincay(
      {"trends", "--db", db, "--from", "2026-10-14", "--to", "2026-10-15", "--bucket", "hour"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("zalo: suppressed"), std::string::npos) << text.out;
}

TEST(TrendsCli, RejectsBadArguments) {
  TempDir dir;
  const std::string db = dir.path() + "/t.db";
  ASSERT_EQ(tincay({"scan", "--db", db, "--out", "/dev/null", "--quiet"}, posts()).exit_code, 0);
  EXPECT_EQ(tincay({"trends", "--db", db, "--k", "4"}).exit_code, 2);  // never below 5
  EXPECT_EQ(tincay({"trends", "--db", db, "--bucket", "week"}).exit_code, 2);
  EXPECT_EQ(tincay({"trends", "--db", db, "--from", "yesterday"}).exit_code, 2);
  EXPECT_EQ(tincay({"trends", "--db", db, "--plot", dir.path() + "/x.gif"}).exit_code, 2);
  // A chart that cannot be written is an error naming the file and the reason.
  const std::string unwritable = dir.path() + "/no-such-dir/x.png";
  const CommandResult r = tincay({"trends", "--db", db, "--plot", unwritable});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(unwritable), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("No such file or directory"), std::string::npos) << r.err;
  EXPECT_EQ(tincay({"trends", "--db", dir.path() + "/missing.db"}).exit_code, 1);
}

}  // namespace
}  // namespace tincay
