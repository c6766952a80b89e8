// End to end: every writer feeds the trend rollups (docs/trends.md). Posts stored through
// POST /v1/scan appear in GET /v1/trends (a re-sent post counts once, and an idle or stopping
// server writes what it buffered), and `tincay trends rebuild` recomputes exactly the cells that
// incremental maintenance built, reporting progress on stderr.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>
#include <sqlite3.h>

#include "tests/support/http_client.h"
#include "tests/support/subprocess.h"

namespace tincay::testing {
namespace {

const std::vector<std::string> kEnv = {"TINCAY_SECRET=e2e-secret-0123456789"};

CommandResult tincay(const std::vector<std::string>& args, const std::string& input = "") {
  std::vector<std::string> argv = {TINCAY_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, input, kEnv);
}

// The lines of `a` missing from `b` and those of `b` missing from `a`, for a readable failure.
std::string line_diff(const std::string& a, const std::string& b) {
  auto lines = [](const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  };
  const std::vector<std::string> la = lines(a), lb = lines(b);
  std::string out;
  for (const std::string& l : la) {
    if (std::find(lb.begin(), lb.end(), l) == lb.end()) out += "- " + l + "\n";
  }
  for (const std::string& l : lb) {
    if (std::find(la.begin(), la.end(), l) == la.end()) out += "+ " + l + "\n";
  }
  return out;
}

std::string last_line(const std::string& out) {
  std::string s = out;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  const std::size_t nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

// `count` posts about fuel prices by `count` people on Facebook, ids <prefix>0.., on 2026-10-14.
std::vector<std::string> fuel_posts(const std::string& prefix, int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    out.push_back(R"({"id":")" + prefix + std::to_string(i) +
                  R"(","platform":"facebook","author":"Người Thật )" + prefix + std::to_string(i) +
                  R"(","created_at":"2026-10-14T0)" + std::to_string(i % 10) +
                  R"(:15:00+00:00","text":"Giá xăng hôm nay tăng phi mã, bực thật )" +
                  std::to_string(i) + "\"}");
  }
  return out;
}

// Every rollup cell of a SQLite database, one line each (sketch as hex), in key order.
std::string dump_cells(const std::string& db) {
  sqlite3* handle = nullptr;
  EXPECT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(handle,
                               "SELECT level, dim, bucket, key, posts, authors_lower, "
                               "hex(authors) FROM trend_cells ORDER BY level, dim, bucket, key",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  std::string out;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    for (int c = 0; c < 7; ++c) {
      const auto* v = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
      out += v != nullptr ? v : "";
      out += c < 6 ? '|' : '\n';
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(handle);
  return out;
}

// The facebook total of a GET /v1/trends (or tincay trends --json) answer; -1 when absent,
// -2 when suppressed.
std::int64_t facebook_total(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc)) return -1;
  for (auto p : doc["volume"]["platforms"].get_array()) {
    if (std::string_view(p["platform"].get_string()) != "facebook") continue;
    if (p["total"].is_null()) return -2;
    return int64_t(p["total"]);
  }
  return -1;
}

TEST(TrendWriters, PostsScannedOverHttpAppearInTrendsAndRebuildAgrees) {
  TempDir dir;
  const std::string db = dir.file("t.db");
  const std::string ingest =
      last_line(tincay({"keys", "create", "--db", db, "--role", "ingest"}).out);
  const std::string analyst =
      last_line(tincay({"keys", "create", "--db", db, "--role", "analyst"}).out);
  ASSERT_FALSE(ingest.empty());
  auto server = std::make_unique<ServerProcess>(
      std::vector<std::string>{TINCAY_BINARY, "serve", "--db", db, "--listen", "127.0.0.1:0",
                               "--data-dir", TINCAY_SOURCE_DIR});
  ASSERT_NE(server->port(), 0) << "tincay serve did not start";
  auto call = [&](const std::string& method, const std::string& path, const std::string& key,
                  const std::string& body = "") {
    return http_request(server->port(), method, path, body,
                        {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}});
  };
  const std::string trends = "/v1/trends?from=2026-10-14&to=2026-10-15&bucket=day";
  // Nothing yet: the facebook series is empty.
  EXPECT_EQ(facebook_total(call("GET", trends, analyst).body), -1);

  const std::vector<std::string> posts = fuel_posts("h", 12);
  std::string batch = "{\"posts\":[";
  for (std::size_t i = 0; i < posts.size(); ++i) batch += (i > 0 ? "," : "") + posts[i];
  batch += "]}";
  HttpResponse scanned = call("POST", "/v1/scan", ingest, batch);
  ASSERT_EQ(scanned.status, 200) << scanned.body;
  // Sent again: counts nothing. (The last one, whose decision does not change: the first ones
  // were scanned before the copy-paste campaign was seen, so a re-scan now flags them, which
  // changes the stored decision but not the rollups, and a rebuild would then count the flag.)
  HttpResponse one = call("POST", "/v1/scan", ingest, posts.back());
  ASSERT_EQ(one.status, 200) << one.body;
  HttpResponse answer = call("GET", trends, analyst);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(facebook_total(answer.body), 12) << answer.body;
  EXPECT_NE(answer.body.find("giá xăng"), std::string::npos) << answer.body;

  // Posts scanned last are written by the server when it stops, without a trends read first.
  const std::vector<std::string> more = fuel_posts("m", 3);
  for (const std::string& p : more) ASSERT_EQ(call("POST", "/v1/scan", ingest, p).status, 200);
  EXPECT_EQ(server->stop(), 0);
  server.reset();
  const CommandResult cli =
      tincay({"trends", "--db", db, "--from", "2026-10-14", "--to", "2026-10-15", "--json"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(facebook_total(cli.out), 15) << cli.out;

  // The rebuild recomputes the same cells from the stored posts.
  const std::string incremental = dump_cells(db);
  ASSERT_NE(incremental.find("giá xăng"), std::string::npos);
  const CommandResult rebuilt =
      tincay({"trends", "rebuild", "--db", db, "--data-dir", TINCAY_SOURCE_DIR});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_NE(rebuilt.err.find("15 of 15 posts (100%)"), std::string::npos) << rebuilt.err;
  const std::string after = dump_cells(db);
  EXPECT_TRUE(after == incremental) << line_diff(incremental, after);
}

TEST(TrendWriters, RebuildAfterScanGivesTheSameCellsAndKnowsItsArguments) {
  TempDir dir;
  const std::string db = dir.file("t.db");
  std::string input;
  for (const std::string& p : fuel_posts("s", 40)) input += p + "\n";
  input += std::string(R"({"id":"scam","platform":"zalo","author":"x","created_at":)") +
           R"("2026-10-14T03:00:00Z","text":"Tuyển CTV việc nhẹ lương cao, chuyển khoản )" +
           R"(đặt cọc 500k inbox ngay"})" + "\n";
  const CommandResult scan =
      tincay({"scan", "--db", db, "--out", "/dev/null", "--quiet", "--data-dir", TINCAY_SOURCE_DIR},
             input);
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  const std::string incremental = dump_cells(db);
  ASSERT_NE(incremental.find("|scam|"), std::string::npos) << "the flagged category is counted";
  const CommandResult rebuilt =
      tincay({"trends", "rebuild", "--db", db, "--quiet", "--data-dir", TINCAY_SOURCE_DIR});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_EQ(rebuilt.err, "");
  const std::string after = dump_cells(db);
  EXPECT_TRUE(after == incremental) << line_diff(incremental, after);
  // Without the emotion model the rollups hold no emotion cells (dim 2) any more.
  ASSERT_EQ(tincay({"trends", "rebuild", "--db", db, "--quiet", "--emotion-model", "none",
                    "--data-dir", TINCAY_SOURCE_DIR})
                .exit_code,
            0);
  auto emotion_cells = [](const std::string& dump) {  // lines "level|2|..." (TrendDim::kEmotion)
    return dump.find("\n0|2|") != std::string::npos || dump.find("\n1|2|") != std::string::npos;
  };
  EXPECT_TRUE(emotion_cells(incremental));
  EXPECT_FALSE(emotion_cells(dump_cells(db)));

  EXPECT_EQ(tincay({"trends", "rebuild", "--db", dir.file("missing.db")}).exit_code, 1);
  EXPECT_EQ(tincay({"trends", "rebuild", "--db", db, "--store", db}).exit_code, 2);
  EXPECT_EQ(tincay({"trends", "rebuild", "--db", db, "--bogus"}).exit_code, 2);
}

}  // namespace
}  // namespace tincay::testing
