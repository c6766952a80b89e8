// End to end: `tincay serve` on a free loopback port, keys from `tincay keys create`, the review
// workflow over HTTP, the error statuses, and `tincay audit verify` on intact and tampered logs.
#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/support/http_client.h"
#include "tests/support/subprocess.h"

namespace tincay::testing {
namespace {

std::string last_line(const std::string& out) {
  std::string s = out;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  const std::size_t nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

std::string create_key(const std::string& db, const std::string& role) {
  const CommandResult r =
      run_command({TINCAY_BINARY, "keys", "create", "--db", db, "--role", role});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return last_line(r.out);
}

void exec_sql(const std::string& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, &message);
  EXPECT_EQ(rc, SQLITE_OK) << (message != nullptr ? message : "");
  sqlite3_free(message);
  sqlite3_close(handle);
}

class ServeE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.file("t.db");
    for (const char* role : {"admin", "reviewer", "analyst", "ingest"})
      keys_[role] = create_key(db_, role);
    second_reviewer_ = create_key(db_, "reviewer");
    flood_ = create_key(db_, "ingest");
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        TINCAY_BINARY, "serve", "--db", db_, "--listen", "127.0.0.1:0", "--data-dir",
        TINCAY_SOURCE_DIR, "--max-body", "4096", "--max-batch", "50", "--rate-limit", "4"});
    ASSERT_NE(server_->port(), 0) << "tincay serve did not start";
  }

  HttpResponse call(const std::string& method, const std::string& path, const std::string& key,
                    const std::string& body = "") {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!key.empty()) headers.emplace_back("Authorization", "Bearer " + key);
    headers.emplace_back("Content-Type", "application/json");
    return http_request(server_->port(), method, path, body, headers);
  }

  TempDir dir_;
  std::string db_;
  std::map<std::string, std::string> keys_;
  std::string second_reviewer_, flood_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ServeE2e, KeysCreatePrintsTheKeyAloneOnTheLastLine) {
  EXPECT_EQ(keys_["admin"].rfind("tk_", 0), 0u);
  EXPECT_EQ(keys_["admin"].size(), 67u);
  const CommandResult list = run_command({TINCAY_BINARY, "keys", "list", "--db", db_});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("reviewer"), std::string::npos);
  EXPECT_EQ(list.out.find(keys_["admin"]), std::string::npos) << "keys are never shown again";
}

TEST_F(ServeE2e, WorkflowScanQueueReviewAppealResolveReportAudit) {
  EXPECT_EQ(call("GET", "/healthz", "").status, 200);
  HttpResponse r = call("GET", "/v1/openapi.json", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"openapi\""), std::string::npos);

  r = call(
      "POST", "/v1/scan", keys_["ingest"],
      R"({"id":"e2e-1","author":"Nguyễn Văn A","text":"Tuyển CTV việc nhẹ lương cao, inbox ngay"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"id\":\"e2e-1\""), std::string::npos);
  EXPECT_NE(r.body.find("\"category\":\"scam\""), std::string::npos) << r.body;
  r = call("POST", "/v1/scan", keys_["ingest"],
           R"({"posts":[{"id":"e2e-2","text":"chúc mọi người buổi sáng vui vẻ"},)"
           R"({"id":"e2e-3","text":"việc nhẹ lương cao, chuyển khoản đặt cọc trước"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"decisions\":["), std::string::npos);
  EXPECT_NE(r.body.find("e2e-3"), std::string::npos);

  r = call("GET", "/v1/queue?category=scam", keys_["reviewer"]);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("e2e-1"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("e2e-2"), std::string::npos) << "allowed posts are not queued";

  r = call("GET", "/v1/posts/e2e-1", keys_["reviewer"]);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"statement\""), std::string::npos);
  EXPECT_EQ(r.body.find("Nguyễn Văn A"), std::string::npos) << "the raw author is never returned";
  EXPECT_EQ(r.body.find("author"), std::string::npos);

  r = call("POST", "/v1/reviews", keys_["reviewer"],
           R"({"post_id":"e2e-1","outcome":"recategorize","category":"spam","note":"promo"})");
  ASSERT_EQ(r.status, 201) << r.body;
  r = call("POST", "/v1/appeals", keys_["ingest"],
           R"({"post_id":"e2e-1","reason":"it is a real job"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(
      call("POST", "/v1/appeals/1/resolve", keys_["reviewer"], R"({"outcome":"reversed"})").status,
      403);
  r = call("POST", "/v1/appeals/1/resolve", second_reviewer_,
           R"({"outcome":"reversed","note":"ok"})");
  ASSERT_EQ(r.status, 200) << r.body;

  r = call("GET", "/v1/reports/transparency", keys_["analyst"]);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"appeal_reversed\":1"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"recategorize\":1"), std::string::npos) << r.body;
  r = call("GET", "/v1/reports/transparency?format=csv", keys_["analyst"]);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.rfind("section,key,subkey,value\n", 0), 0u) << r.body;
  EXPECT_NE(r.body.find("appeals,reversed,,1"), std::string::npos) << r.body;

  r = call("GET", "/metrics", keys_["admin"]);
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("tincay_posts_scanned_total 3"), std::string::npos) << r.body;

  EXPECT_EQ(server_->stop(), 0);
  const CommandResult verify = run_command({TINCAY_BINARY, "audit", "verify", "--db", db_});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_NE(verify.out.find("intact"), std::string::npos);
}

TEST_F(ServeE2e, ErrorStatuses) {
  EXPECT_EQ(call("GET", "/v1/queue", "").status, 401);
  EXPECT_EQ(call("GET", "/v1/queue", "tk_wrong").status, 401);
  EXPECT_EQ(call("GET", "/v1/queue", keys_["analyst"]).status, 403);
  EXPECT_EQ(call("GET", "/v1/posts/x", keys_["analyst"]).status, 403);
  EXPECT_EQ(call("POST", "/v1/scan", keys_["reviewer"], R"({"text":"x"})").status, 403);
  HttpResponse r = call("POST", "/v1/scan", keys_["ingest"], R"({"text":)");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("\"error\""), std::string::npos);
  r = call("POST", "/v1/reviews", keys_["reviewer"],
           R"({"post_id":"x","outcome":"uphold","why":1})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("\"field\":\"why\""), std::string::npos) << r.body;
  r = call("POST", "/v1/scan", keys_["ingest"], "{\"text\":\"" + std::string(5000, 'a') + "\"}");
  EXPECT_EQ(r.status, 413) << r.body;
  // Unknown API paths are 404s (other paths belong to the dashboard: index.html when it is built).
  EXPECT_EQ(call("GET", "/v1/nope", keys_["admin"]).status, 404);
  // --rate-limit 4: a burst of 8, then 429.
  int limited = 0;
  for (int i = 0; i < 12; ++i) {
    limited += call("POST", "/v1/appeals", flood_, R"({"post_id":"none"})").status == 429 ? 1 : 0;
  }
  EXPECT_GE(limited, 2);
  EXPECT_NE(call("POST", "/v1/appeals", keys_["ingest"], R"({"post_id":"none"})").status, 429)
      << "other keys have their own bucket";
}

TEST_F(ServeE2e, TrendsAnswerForTheRequestedPeriod) {
  const HttpResponse r =
      call("GET", "/v1/trends?from=2026-10-01&to=2026-10-08&bucket=day", keys_["analyst"]);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"from\":\"2026-10-01T00:00:00"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"to\":\"2026-10-08T00:00:00"), std::string::npos) << r.body;
  EXPECT_EQ(call("GET", "/v1/trends?from=yesterday", keys_["analyst"]).status, 400);
}

TEST_F(ServeE2e, EndpointRoleMatrixOverHttp) {
  struct Case {
    const char* method;
    const char* path;
    std::vector<std::string> allowed;
  };
  const std::vector<Case> cases = {
      {"GET", "/metrics", {"admin", "analyst"}},
      {"POST", "/v1/scan", {"ingest"}},
      {"GET", "/v1/posts/x", {"reviewer"}},
      {"GET", "/v1/queue", {"reviewer"}},
      {"POST", "/v1/reviews", {"reviewer"}},
      {"GET", "/v1/appeals", {"reviewer"}},
      {"POST", "/v1/appeals", {"reviewer", "ingest"}},
      {"POST", "/v1/appeals/1/resolve", {"reviewer"}},
      {"GET", "/v1/reports/transparency", {"analyst", "admin"}},
      {"GET", "/v1/claims", {"admin", "reviewer", "analyst"}},
      {"POST", "/v1/claims", {"admin"}},
      {"POST", "/v1/check", {"admin", "reviewer", "ingest"}},
      {"POST", "/v1/explain", {"admin", "reviewer", "analyst"}},
  };
  for (const Case& c : cases) {
    for (const char* role : {"admin", "reviewer", "analyst", "ingest"}) {
      const int status = call(c.method, c.path, keys_[role], "{}").status;
      const bool allowed = std::find(c.allowed.begin(), c.allowed.end(), role) != c.allowed.end();
      EXPECT_EQ(status == 403, !allowed)
          << c.method << " " << c.path << " as " << role << ": " << status;
    }
  }
}

// POST /v1/check and `tincay check --json` are one library call: same draft, same bytes.
TEST_F(ServeE2e, CheckOverHttpAnswersExactlyAsTheCli) {
  const std::vector<std::pair<std::string, std::string>> drafts = {
      {"vi", "Tuyển CTV việc nhẹ lương cao, chuyển khoản đặt cọc rồi inbox ngay 0912345678"},
      {"en", "Tuyển CTV việc nhẹ lương cao, inbox ngay"},
      {"vi", "Hôm nay trời đẹp quá, đi cà phê không?"},
  };
  for (const auto& [lang, text] : drafts) {
    std::string body = "{\"text\":\"" + text + "\",\"lang\":\"" + lang + "\"}";
    const HttpResponse r = call("POST", "/v1/check", keys_["reviewer"], body);
    ASSERT_EQ(r.status, 200) << r.body;
    const CommandResult cli = run_command({TINCAY_BINARY, "check", "--json", "--lang", lang, "--db",
                                           db_, "--data-dir", TINCAY_SOURCE_DIR, text});
    EXPECT_EQ(cli.exit_code, r.body.find("\"count\":0") != std::string::npos ? 0 : 1) << cli.err;
    EXPECT_EQ(cli.out, r.body + "\n") << text;
  }
  const HttpResponse scam = call("POST", "/v1/check", keys_["ingest"],
                                 R"({"text":"Tuyển CTV việc nhẹ lương cao, inbox ngay"})");
  EXPECT_NE(scam.body.find("\"category\":\"scam\""), std::string::npos) << scam.body;
  EXPECT_EQ(scam.body.find("\"count\":0"), std::string::npos) << scam.body;
  EXPECT_EQ(call("POST", "/v1/check", keys_["ingest"], R"({"text":"x","lang":"fr"})").status, 400);
}

TEST_F(ServeE2e, ExplainShowsFindingsWithSpansOnTheOriginal) {
  const HttpResponse r = call("POST", "/v1/explain", keys_["analyst"],
                              R"({"text":"Tuyển CTV việc nhẹ lương cao, inbox ngay"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"normalized\":"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"kind\":\"rule\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"text\":\"việc nhẹ lương cao\""), std::string::npos) << r.body;
  // Nothing stored: the post store stays empty.
  EXPECT_EQ(call("GET", "/v1/posts/explain", keys_["reviewer"]).status, 404);
}

TEST_F(ServeE2e, AuditVerifyNamesEditedRemovedAndReorderedEntries) {
  ASSERT_EQ(call("POST", "/v1/scan", keys_["ingest"],
                 R"({"posts":[{"id":"a","text":"việc nhẹ lương cao"},{"id":"b","text":"xin chào"},)"
                 R"({"id":"c","text":"inbox ngay"}]})")
                .status,
            200);
  EXPECT_EQ(server_->stop(), 0);
  // 6 key entries (SetUp), then the 3 decisions.
  struct Tamper {
    const char* name;
    const char* sql;
    const char* expect;
  };
  const Tamper tampers[] = {
      {"edited", "UPDATE audit_log SET payload = '{}' WHERE seq = 7", "entry 7 was edited"},
      {"removed", "DELETE FROM audit_log WHERE seq = 8", "entry 8 was removed"},
      {"reordered",
       "UPDATE audit_log SET seq = -8 WHERE seq = 8; UPDATE audit_log SET seq = 8 WHERE seq = 9; "
       "UPDATE audit_log SET seq = 9 WHERE seq = -8;",
       "entry 8"},
  };
  for (const Tamper& t : tampers) {
    const std::string copy = dir_.file(std::string(t.name) + ".db");
    std::filesystem::copy_file(db_, copy);
    exec_sql(copy, t.sql);
    const CommandResult r = run_command({TINCAY_BINARY, "audit", "verify", "--db", copy});
    EXPECT_NE(r.exit_code, 0) << t.name;
    EXPECT_NE(r.err.find(t.expect), std::string::npos) << t.name << ": " << r.err;
  }
  EXPECT_EQ(run_command({TINCAY_BINARY, "audit", "verify", "--db", db_}).exit_code, 0);
}

}  // namespace
}  // namespace tincay::testing
