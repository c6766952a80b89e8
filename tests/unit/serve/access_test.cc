// Access: the endpoint × role matrix, authentication (401), the rate limit (429), body limit
// (413) and request validation (400), driven through Api::handle without sockets.
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <set>

#include <gtest/gtest.h>

#include "tincay/serve.h"
#include "tincay/service_store.h"

namespace tincay {
namespace {

class FakeClock final : public Clock {
 public:
  // Wall time follows the real time plus what the test advanced: the store stamps decisions with
  // SQLite's own clock.
  std::int64_t now_unix() const override {
    return static_cast<std::int64_t>(std::time(nullptr)) + static_cast<std::int64_t>(t - 100.0);
  }
  double monotonic_seconds() const override { return t; }
  double t = 100.0;
};

TEST(RateLimiter, BurstThenRefillAtRate) {
  FakeClock clock;
  RateLimiter limiter(2.0, 3.0, clock);
  EXPECT_TRUE(limiter.allow(1));
  EXPECT_TRUE(limiter.allow(1));
  EXPECT_TRUE(limiter.allow(1));
  EXPECT_FALSE(limiter.allow(1));  // burst of 3 spent
  EXPECT_TRUE(limiter.allow(2));   // buckets are per key
  clock.t += 0.5;                  // one token at 2/s
  EXPECT_TRUE(limiter.allow(1));
  EXPECT_FALSE(limiter.allow(1));
  clock.t += 100;  // refills up to the burst only
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.allow(1));
  EXPECT_FALSE(limiter.allow(1));
}

TEST(RateLimiter, ZeroRateDisables) {
  FakeClock clock;
  RateLimiter limiter(0, 0, clock);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.allow(7));
}

TEST(Routes, MatchParamsAndMethods) {
  auto m = match_route("POST", "/v1/appeals/42/resolve");
  ASSERT_NE(m.endpoint, nullptr);
  EXPECT_EQ(m.endpoint->name, "appeal_resolve");
  EXPECT_EQ(m.param, "42");
  m = match_route("GET", "/v1/posts/abc");
  ASSERT_NE(m.endpoint, nullptr);
  EXPECT_EQ(m.param, "abc");
  m = match_route("DELETE", "/v1/scan");
  EXPECT_EQ(m.endpoint, nullptr);
  EXPECT_TRUE(m.wrong_method);
  m = match_route("GET", "/v1/posts/");
  EXPECT_EQ(m.endpoint, nullptr);
  EXPECT_FALSE(m.wrong_method);
  EXPECT_EQ(match_route("GET", "/v1/scan/extra").endpoint, nullptr);
}

TEST(Keys, AreRandomAndHashed) {
  auto a = new_api_key();
  auto b = new_api_key();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->size(), 3u + 64u);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(hash_api_key(*a).size(), 64u);
  EXPECT_NE(hash_api_key(*a), *a);
}

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tincay-serve-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    options_.db_path = (dir_ / "t.db").string();
    options_.pipeline.data_dir = TINCAY_SOURCE_DIR;
    options_.openapi_path = std::string(TINCAY_SOURCE_DIR) + "/api/openapi.json";
    options_.secret = "test-secret";
    options_.clock = &clock_;
    options_.rate_limit = 1000;
    options_.rate_burst = 1000;
    options_.scan_threads = 1;
    auto store = open_sqlite_service_store(options_.db_path);
    ASSERT_TRUE(store) << store.error().to_string();
    for (const Role r : {Role::kAdmin, Role::kReviewer, Role::kAnalyst, Role::kIngest}) {
      auto key = new_api_key();
      ASSERT_TRUE(key);
      ASSERT_TRUE((*store)->create_key(hash_api_key(*key), std::string(role_name(r)), "", 0));
      keys_[r] = *key;
    }
    auto second = new_api_key();
    ASSERT_TRUE(second);
    ASSERT_TRUE((*store)->create_key(hash_api_key(*second), "reviewer", "second", 0));
    second_reviewer_ = *second;
  }
  void TearDown() override {
    api_.reset();
    std::filesystem::remove_all(dir_);
  }

  Api& api() {
    if (!api_) {
      auto created = Api::create(options_);
      EXPECT_TRUE(created) << created.error().to_string();
      api_ = std::move(created).value();
    }
    return *api_;
  }

  Response call(const std::string& method, const std::string& path, const std::string& key,
                const std::string& body = "", std::map<std::string, std::string> query = {}) {
    Request r;
    r.method = method;
    r.path = path;
    if (!key.empty()) r.authorization = "Bearer " + key;
    r.body = body;
    r.query = std::move(query);
    return api().handle(r);
  }

  std::filesystem::path dir_;
  FakeClock clock_;
  ServeOptions options_;
  std::map<Role, std::string> keys_;
  std::string second_reviewer_;
  std::unique_ptr<Api> api_;
};

// The policy of the issue, written out independently of endpoint_table(): a change to the table
// must be a change here too.
TEST_F(ApiTest, EveryEndpointTimesEveryRole) {
  const std::map<std::string, std::set<Role>> expected = {
      {"healthz", {Role::kAdmin, Role::kReviewer, Role::kAnalyst, Role::kIngest}},
      {"openapi", {Role::kAdmin, Role::kReviewer, Role::kAnalyst, Role::kIngest}},
      {"metrics", {Role::kAdmin, Role::kAnalyst}},
      {"scan", {Role::kIngest}},
      {"post", {Role::kReviewer}},
      {"queue", {Role::kReviewer}},
      {"review", {Role::kReviewer}},
      {"appeals_list", {Role::kReviewer}},
      {"appeal", {Role::kReviewer, Role::kIngest}},
      {"appeal_resolve", {Role::kReviewer}},
      {"transparency", {Role::kAnalyst, Role::kAdmin}},
      {"trends", {Role::kAnalyst, Role::kReviewer, Role::kAdmin}},
      {"claims_list", {Role::kAdmin, Role::kReviewer, Role::kAnalyst}},
      {"claims_put", {Role::kAdmin}},
      {"check", {Role::kAdmin, Role::kReviewer, Role::kIngest}},
      {"explain", {Role::kAdmin, Role::kReviewer, Role::kAnalyst}},
  };
  ASSERT_EQ(endpoint_table().size(), expected.size());
  for (const Endpoint& e : endpoint_table()) {
    std::string path(e.pattern);
    if (const auto at = path.find("{id}"); at != std::string::npos) path.replace(at, 4, "1");
    const auto want = expected.find(std::string(e.name));
    ASSERT_NE(want, expected.end()) << e.name;
    for (const Role r : {Role::kAdmin, Role::kReviewer, Role::kAnalyst, Role::kIngest}) {
      const Response res = call(std::string(e.method), path, keys_[r], "{}");
      const bool allowed = want->second.count(r) != 0;
      SCOPED_TRACE(std::string(e.method) + " " + path + " as " + std::string(role_name(r)));
      if (allowed) {
        EXPECT_NE(res.status, 403) << res.body;
        EXPECT_NE(res.status, 401) << res.body;
      } else {
        EXPECT_EQ(res.status, 403) << res.body;
      }
    }
    const Response anonymous = call(std::string(e.method), path, "", "{}");
    EXPECT_EQ(anonymous.status == 401, e.roles != kPublic) << e.name << ": " << anonymous.status;
  }
}

TEST_F(ApiTest, WrongOrRevokedKeyIs401) {
  EXPECT_EQ(call("GET", "/v1/queue", "tk_not-a-key").status, 401);
  Request r;
  r.method = "GET";
  r.path = "/v1/queue";
  r.authorization = "Basic abc";
  EXPECT_EQ(api().handle(r).status, 401);
  auto store = open_sqlite_service_store(options_.db_path);
  ASSERT_TRUE(store);
  EXPECT_EQ(call("GET", "/v1/queue", keys_[Role::kReviewer]).status, 200);
  ASSERT_TRUE((*store)->revoke_key(2).value_or(false));  // the reviewer's key
  clock_.t += 2.5;                                       // valid keys are cached for 2 s
  EXPECT_EQ(call("GET", "/v1/queue", keys_[Role::kReviewer]).status, 401);
}

TEST_F(ApiTest, RateLimitGives429PerKey) {
  options_.rate_limit = 1;
  options_.rate_burst = 2;
  EXPECT_EQ(call("GET", "/v1/queue", keys_[Role::kReviewer]).status, 200);
  EXPECT_EQ(call("GET", "/v1/queue", keys_[Role::kReviewer]).status, 200);
  EXPECT_EQ(call("GET", "/v1/queue", keys_[Role::kReviewer]).status, 429);
  EXPECT_EQ(call("GET", "/v1/queue", second_reviewer_).status, 200);
  clock_.t += 1.0;
  EXPECT_EQ(call("GET", "/v1/queue", keys_[Role::kReviewer]).status, 200);
}

TEST_F(ApiTest, OversizedBodyIs413) {
  Request r;
  r.method = "POST";
  r.path = "/v1/scan";
  r.authorization = "Bearer " + keys_[Role::kIngest];
  r.body_too_large = true;
  EXPECT_EQ(api().handle(r).status, 413);
  options_.max_batch_posts = 2;
  api_.reset();
  const Response res = call("POST", "/v1/scan", keys_[Role::kIngest],
                            R"({"posts":[{"text":"a"},{"text":"b"},{"text":"c"}]})");
  EXPECT_EQ(res.status, 413);
  EXPECT_NE(res.body.find("\"field\":\"posts\""), std::string::npos) << res.body;
}

TEST_F(ApiTest, BadBodiesAre400NamingTheField) {
  const std::string& ingest = keys_[Role::kIngest];
  const std::string& reviewer = keys_[Role::kReviewer];
  EXPECT_EQ(call("POST", "/v1/scan", ingest, "{\"text\":").status, 400);
  EXPECT_EQ(call("POST", "/v1/scan", ingest, "[1,2]").status, 400);
  Response res = call("POST", "/v1/scan", ingest, R"({"posts":[{"text":"ok"},{"text":5}]})");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("posts[1]"), std::string::npos) << res.body;
  res = call("POST", "/v1/reviews", reviewer, R"({"post_id":"x","outcome":"uphold","extra":1})");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("\"field\":\"extra\""), std::string::npos) << res.body;
  res = call("POST", "/v1/reviews", reviewer, R"({"post_id":7,"outcome":"uphold"})");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("\"field\":\"post_id\""), std::string::npos) << res.body;
  res = call("POST", "/v1/reviews", reviewer, R"({"outcome":"uphold"})");
  EXPECT_NE(res.body.find("\"field\":\"post_id\""), std::string::npos) << res.body;
  res = call("GET", "/v1/queue", reviewer, "", {{"category", "politics"}});
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("\"field\":\"category\""), std::string::npos) << res.body;
  res = call("GET", "/v1/reports/transparency", keys_[Role::kAnalyst], "", {{"from", "yesterday"}});
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("\"field\":\"from\""), std::string::npos) << res.body;
}

TEST_F(ApiTest, ReviewWorkflowAndSeparationOfDuties) {
  Response res = call("POST", "/v1/scan", keys_[Role::kIngest],
                      R"({"id":"job-1","text":"Tuyển CTV việc nhẹ lương cao, inbox ngay"})");
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_EQ(res.body.find("\"action\":\"allow\""), std::string::npos) << res.body;
  res = call("GET", "/v1/queue", keys_[Role::kReviewer]);
  EXPECT_NE(res.body.find("job-1"), std::string::npos) << res.body;
  clock_.t += 120;
  res = call("POST", "/v1/reviews", keys_[Role::kReviewer],
             R"({"post_id":"job-1","outcome":"uphold","note":"classic lure"})");
  ASSERT_EQ(res.status, 201) << res.body;
  res = call("GET", "/v1/queue", keys_[Role::kReviewer]);
  EXPECT_EQ(res.body.find("job-1"), std::string::npos) << res.body;  // reviewed: off the queue
  res = call("POST", "/v1/appeals", keys_[Role::kIngest],
             R"({"post_id":"job-1","reason":"real job"})");
  ASSERT_EQ(res.status, 201) << res.body;
  res = call("GET", "/v1/appeals", keys_[Role::kReviewer], "", {{"status", "open"}});
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_NE(res.body.find("\"post_id\":\"job-1\""), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("\"reason\":\"real job\""), std::string::npos) << res.body;
  res = call("GET", "/v1/appeals", keys_[Role::kReviewer], "", {{"status", "closed"}});
  EXPECT_EQ(res.status, 400) << res.body;
  EXPECT_NE(res.body.find("\"field\":\"status\""), std::string::npos) << res.body;
  res = call("POST", "/v1/appeals/1/resolve", keys_[Role::kReviewer], R"({"outcome":"reversed"})");
  EXPECT_EQ(res.status, 403) << res.body;  // the reviewer who decided
  res = call("POST", "/v1/appeals/1/resolve", second_reviewer_, R"({"outcome":"reversed"})");
  EXPECT_EQ(res.status, 200) << res.body;
  res = call("POST", "/v1/appeals/1/resolve", second_reviewer_, R"({"outcome":"upheld"})");
  EXPECT_EQ(res.status, 409) << res.body;
  // Resolved: off the open list, on the reversed one with its resolution.
  res = call("GET", "/v1/appeals", keys_[Role::kReviewer], "", {{"status", "open"}});
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.body.find("job-1"), std::string::npos) << res.body;
  res = call("GET", "/v1/appeals", keys_[Role::kReviewer], "", {{"status", "reversed"}});
  EXPECT_NE(res.body.find("\"post_id\":\"job-1\""), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("\"resolved_at\""), std::string::npos) << res.body;
  res = call("GET", "/v1/reports/transparency", keys_[Role::kAnalyst]);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_NE(res.body.find("\"reversed\":1"), std::string::npos) << res.body;
  const auto median_at = res.body.find("\"median_seconds_to_review\":");
  ASSERT_NE(median_at, std::string::npos) << res.body;
  const int median = std::atoi(res.body.c_str() + median_at + 27);
  EXPECT_GE(median, 120) << res.body;  // the review came 120 s after the decision
  EXPECT_LE(median, 125) << res.body;
  EXPECT_NE(res.body.find("\"rule:scam"), std::string::npos) << res.body;
  // The analyst sees aggregates only: no post text anywhere in the report.
  EXPECT_EQ(res.body.find("lương cao"), std::string::npos) << res.body;
  res = call("GET", "/v1/posts/job-1", keys_[Role::kReviewer]);
  ASSERT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("\"status\":\"reversed\""), std::string::npos) << res.body;
  EXPECT_EQ(res.body.find("author"), std::string::npos) << res.body;

  auto store = open_sqlite_service_store(options_.db_path);
  ASSERT_TRUE(store);
  auto entries = (*store)->read_audit();
  ASSERT_TRUE(entries);
  std::multiset<std::string> kinds;
  for (const auto& e : *entries) kinds.insert(e.kind);
  EXPECT_EQ(kinds.count("decision"), 1u);
  EXPECT_EQ(kinds.count("review"), 1u);
  EXPECT_EQ(kinds.count("appeal"), 1u);
  EXPECT_EQ(kinds.count("appeal_resolution"), 1u);
  EXPECT_EQ(verify_audit_chain(*entries), std::nullopt);
}

// Group commit: a scan's answer arrives (possibly on the writer thread) only once its decision
// and audit entry are committed, so a reader sees them the moment the answer is there.
TEST_F(ApiTest, ScanAnswerComesAfterItsCommit) {
  auto reader = open_sqlite_service_store(options_.db_path);
  ASSERT_TRUE(reader);
  std::mutex mu;
  std::condition_variable cv;
  int answers = 0;
  bool stored_when_answered = false;
  Request r;
  r.method = "POST";
  r.path = "/v1/scan";
  r.authorization = "Bearer " + keys_[Role::kIngest];
  r.body = R"({"id":"gc-1","text":"Tuyển CTV việc nhẹ lương cao, inbox ngay"})";
  api().handle_async(r, [&](Response res) {
    auto found = (*reader)->get_post("gc-1");
    std::lock_guard<std::mutex> lock(mu);
    stored_when_answered = res.status == 200 && found && found->has_value();
    ++answers;
    cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return answers > 0; }));
  EXPECT_TRUE(stored_when_answered);
  lock.unlock();
  api_.reset();  // the writer drains its queue; the answer must not come twice
  EXPECT_EQ(answers, 1);
}

TEST_F(ApiTest, MetricsCountRequestsAndFlags) {
  ASSERT_EQ(call("POST", "/v1/scan", keys_[Role::kIngest],
                 R"({"text":"Tuyển CTV việc nhẹ lương cao, inbox ngay"})")
                .status,
            200);
  const Response res = call("GET", "/metrics", keys_[Role::kAnalyst]);
  ASSERT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("tincay_http_requests_total{endpoint=\"scan\",code=\"200\"} 1"),
            std::string::npos)
      << res.body;
  EXPECT_NE(res.body.find("tincay_posts_scanned_total 1"), std::string::npos);
  EXPECT_NE(res.body.find("tincay_flags_total{category=\"scam\"} 1"), std::string::npos);
  EXPECT_NE(res.body.find("tincay_review_queue_depth 1"), std::string::npos);
}

}  // namespace
}  // namespace tincay
