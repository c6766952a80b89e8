// Trend rollups on the scale-out path (docs/trends.md, docs/scaling.md): posts that tincay
// workers store in PostgreSQL appear in `tincay trends --store postgresql://...` and in
// GET /v1/trends of `tincay serve --store postgresql://...`, which adds what it scans itself;
// `tincay trends rebuild --store` recomputes exactly the cells the writers built.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tincay/store.h"

#include "tests/support/http_client.h"
#include "tests/support/services.h"
#include "tests/support/subprocess.h"

namespace tincay::testing {
namespace {

constexpr const char* kSecret = "TINCAY_SECRET=trends-scale-secret-0123456789abcdef";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
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

// `n` posts on 2024-05-01 by 40 people: facebook about fuel prices, zalo about football.
std::string make_posts(const std::string& prefix, int n) {
  std::string out;
  char buf[512];
  for (int i = 0; i < n; ++i) {
    const bool fb = i % 3 != 0;
    std::snprintf(buf, sizeof buf,
                  "{\"id\":\"%s%04d\",\"platform\":\"%s\",\"author\":\"u%d\",\"created_at\":"
                  "\"2024-05-01T%02d:%02d:00Z\",\"text\":\"%s %d\"}\n",
                  prefix.c_str(), i, fb ? "facebook" : "zalo", i % 40, i % 24, i % 60,
                  fb ? "Giá xăng hôm nay lại tăng, bực thật" : "Đội tuyển bóng đá thắng rồi", i);
    out += buf;
  }
  return out;
}

// The "platform" -> "total" of a trends JSON answer, as text ("null" when suppressed).
std::string platform_total(const std::string& json, const std::string& platform) {
  const std::size_t at = json.find("\"platform\":\"" + platform + "\"");
  if (at == std::string::npos) return "absent";
  const std::size_t total = json.find("\"total\":", at);
  if (total == std::string::npos) return "absent";
  const std::size_t end = json.find_first_of(",}", total);
  return json.substr(total + 8, end - total - 8);
}

TEST(TrendsScale, WorkerAndServeFeedTrendsOnPostgresAndRebuildAgrees) {
  TempNats nats;
  TempPostgres pg;
  TempDir dir;
  ASSERT_TRUE(nats.ok()) << nats.error();
  ASSERT_TRUE(pg.ok()) << pg.error();
  const std::string input = dir.write("posts.jsonl", make_posts("w", 300));
  Process worker({TINCAY_BINARY, "worker", "--nats", nats.url(), "--store", pg.url(), "--data-dir",
                  TINCAY_SOURCE_DIR, "--threads", "1", "--exit-when-idle", "3", "--no-campaigns"},
                 dir.file("worker.log"));
  const CommandResult pub = run_command(
      {TINCAY_BINARY, "publish", input, "--nats", nats.url(), "--quiet"}, "", {kSecret});
  ASSERT_EQ(pub.exit_code, 0) << pub.err;
  ASSERT_EQ(worker.wait(120), 0) << slurp(dir.file("worker.log"));
  ASSERT_EQ(pg.query("SELECT COUNT(*) FROM posts"), "300");

  const std::vector<std::string> range = {"--from", "2024-05-01", "--to",           "2024-05-02",
                                          "--json", "--data-dir", TINCAY_SOURCE_DIR};
  auto trends_cli = [&]() {
    std::vector<std::string> argv = {TINCAY_BINARY, "trends", "--store", pg.url()};
    argv.insert(argv.end(), range.begin(), range.end());
    return run_command(argv);
  };
  CommandResult cli = trends_cli();
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(platform_total(cli.out, "facebook"), "200") << cli.out;
  EXPECT_EQ(platform_total(cli.out, "zalo"), "100") << cli.out;
  EXPECT_NE(cli.out.find("giá xăng"), std::string::npos) << cli.out;

  // tincay serve on the same database: reads the workers' rollups and adds what it scans.
  std::vector<std::string> keys;
  for (const char* role : {"ingest", "analyst"}) {
    const CommandResult r =
        run_command({TINCAY_BINARY, "keys", "create", "--db", pg.url(), "--role", role});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    keys.push_back(last_line(r.out));
  }
  // The publisher's secret, so a post scanned again keeps its author key.
  const std::string secret =
      dir.write("secret", std::string(kSecret).substr(std::string("TINCAY_SECRET=").size()));
  ServerProcess server({TINCAY_BINARY, "serve", "--store", pg.url(), "--listen", "127.0.0.1:0",
                        "--data-dir", TINCAY_SOURCE_DIR, "--secret-file", secret,
                        "--no-campaigns"});
  ASSERT_NE(server.port(), 0) << "tincay serve --store postgresql:// did not start";
  auto call = [&](const std::string& method, const std::string& path, const std::string& key,
                  const std::string& body = "") {
    return http_request(server.port(), method, path, body,
                        {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}});
  };
  std::string batch = "{\"posts\":[";
  const std::string more = make_posts("s", 30);
  std::istringstream lines(more);
  std::string line;
  for (bool first = true; std::getline(lines, line); first = false)
    batch += (first ? "" : ",") + line;
  batch += "]}";
  HttpResponse scanned = call("POST", "/v1/scan", keys[0], batch);
  ASSERT_EQ(scanned.status, 200) << scanned.body;
  // A post the workers stored already counts nothing when scanned again. (Campaigns are off:
  // a campaign seen only by the server would flag the post now, and a rebuild counts the
  // stored decision, docs/trends.md.)
  ASSERT_EQ(call("POST", "/v1/scan", keys[0], last_line(make_posts("w", 2))).status, 200);
  HttpResponse answer =
      call("GET", "/v1/trends?from=2024-05-01&to=2024-05-02&bucket=hour", keys[1]);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(platform_total(answer.body, "facebook"), "220") << answer.body;
  EXPECT_EQ(platform_total(answer.body, "zalo"), "110") << answer.body;
  EXPECT_EQ(server.stop(), 0);

  const std::string cells_sql =
      "SELECT level, dim, bucket, key, posts, authors_lower, encode(authors, 'hex') FROM "
      "trend_cells ORDER BY level, dim, bucket, key";
  const std::string incremental = pg.query(cells_sql);
  ASSERT_NE(incremental.find("giá xăng"), std::string::npos);
  const CommandResult rebuilt = run_command(
      {TINCAY_BINARY, "trends", "rebuild", "--store", pg.url(), "--data-dir", TINCAY_SOURCE_DIR});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_NE(rebuilt.err.find("330 of 330 posts (100%)"), std::string::npos) << rebuilt.err;
  const std::string after = pg.query(cells_sql);
  EXPECT_TRUE(after == incremental) << line_diff(incremental, after);
}

}  // namespace
}  // namespace tincay::testing
