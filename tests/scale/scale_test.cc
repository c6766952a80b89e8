// Scale-out end to end (docs/scaling.md): `tincay publish` → NATS JetStream → `tincay worker`s →
// PostgreSQL, on a temporary nats-server and PostgreSQL cluster started here. The fault test of
// issue 10: 100,000 posts through 2 workers while one is killed with SIGKILL and restarted and
// while PostgreSQL restarts; afterwards every post is stored exactly once with its decision. A
// poison message goes to the dead-letter subject with its reason and does not block the stream.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tincay/store.h"
#include "tincay/stream.h"

#include "tests/support/http_client.h"
#include "tests/support/services.h"
#include "tests/support/subprocess.h"

namespace tincay::testing {
namespace {

constexpr const char* kSecret = "TINCAY_SECRET=scale-test-secret-0123456789abcdef";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::int64_t to_int(const std::string& s) { return s.empty() ? -1 : std::atoll(s.c_str()); }

std::vector<std::string> worker_argv(const TempNats& nats, const TempPostgres& pg,
                                     std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {TINCAY_BINARY, "worker", "--nats",     nats.url(),
                                   "--store",     pg.url(), "--data-dir", TINCAY_SOURCE_DIR,
                                   "--threads",   "1"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

// The posts of the fault test: ids p000000.., a mix of platforms, authors and texts (some of
// which the rule packs flag), short enough that 100,000 of them go through quickly.
std::string make_posts(int n) {
  static const char* const kTexts[] = {
      "Hôm nay trời đẹp quá, đi cà phê không mọi người",
      "Tuyển CTV việc nhẹ lương cao, chuyển khoản đặt cọc 500k inbox ngay",
      "Sản phẩm này dùng tốt, giao hàng nhanh",
      "Vay tiền nhanh không cần thế chấp, duyệt trong 5 phút",
      "Cảm ơn bạn đã chia sẻ thông tin hữu ích",
      "Thuốc này chữa khỏi 100% mọi bệnh, mua ngay"};
  static const char* const kPlatforms[] = {"facebook", "zalo", "youtube"};
  std::string out;
  out.reserve(static_cast<std::size_t>(n) * 120);
  char buf[512];
  for (int i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf,
                  "{\"id\":\"p%06d\",\"platform\":\"%s\",\"author\":\"u%d\",\"created_at\":"
                  "\"2024-05-01T10:%02d:%02dZ\",\"text\":\"%s #%d\"}\n",
                  i, kPlatforms[i % 3], i % 997, (i / 60) % 60, i % 60, kTexts[i % 6], i);
    out += buf;
  }
  return out;
}

// Decision lines by post id, from `tincay scan` output.
std::map<std::string, std::string> by_id(const std::string& jsonl) {
  std::map<std::string, std::string> out;
  std::istringstream in(jsonl);
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t start = line.find("\"id\":\"");
    if (start == std::string::npos) continue;
    const std::size_t end = line.find('"', start + 6);
    out[line.substr(start + 6, end - start - 6)] = line;
  }
  return out;
}

class Scale : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(nats_.ok()) << nats_.error();
    ASSERT_TRUE(pg_.ok()) << pg_.error();
    // The schema, so the test can count rows before the first worker is up.
    auto store = open_store(pg_.url());
    ASSERT_TRUE(store) << store.error().to_string();
  }
  std::int64_t stored() { return to_int(pg_.query("SELECT COUNT(*) FROM posts")); }

  TempNats nats_;
  TempPostgres pg_;
  TempDir dir_;
};

// The worker stores exactly what `tincay scan` decides for the bundled sample.
TEST_F(Scale, WorkerStoresWhatScanDecides) {
  const std::string sample = std::string(TINCAY_SOURCE_DIR) + "/examples/posts.jsonl";
  Process worker(worker_argv(nats_, pg_, {"--no-campaigns", "--exit-when-idle", "3"}),
                 dir_.file("worker.log"));
  const CommandResult pub =
      run_command({TINCAY_BINARY, "publish", sample, "--nats", nats_.url()}, "", {kSecret});
  ASSERT_EQ(pub.exit_code, 0) << pub.err;
  EXPECT_NE(pub.err.find("published 339 posts"), std::string::npos) << pub.err;
  ASSERT_EQ(worker.wait(120), 0) << slurp(dir_.file("worker.log"));

  const CommandResult scan =
      run_command({TINCAY_BINARY, "scan", sample, "--no-db", "--no-campaigns", "--quiet",
                   "--data-dir", TINCAY_SOURCE_DIR},
                  "", {kSecret});
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  const auto expected = by_id(scan.out);
  ASSERT_EQ(expected.size(), 339u);
  const std::string rows = pg_.query(
      "SELECT d.record FROM decisions d JOIN posts p ON p.id = d.post_id ORDER BY d.post_id");
  const auto got = by_id(rows + "\n");
  ASSERT_EQ(got.size(), expected.size());
  for (const auto& [id, line] : expected) EXPECT_EQ(got.at(id), line) << id;
  // Authors arrive pseudonymized with the publisher's secret, as tincay scan stores them.
  EXPECT_EQ(pg_.query("SELECT COUNT(*) FROM posts WHERE author_key <> '' AND "
                      "length(author_key) <> 64"),
            "0");
  // Publishing the same file again is dropped by the stream's duplicate window.
  const CommandResult again =
      run_command({TINCAY_BINARY, "publish", sample, "--nats", nats_.url()}, "", {kSecret});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("(339 already on the stream)"), std::string::npos) << again.err;
}

std::string last_line(const std::string& out) {
  std::string s = out;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  const std::size_t nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

// tincay serve --store postgresql://... serves what the workers stored, and stores what it scans
// in the same database, with the audit chain intact.
TEST_F(Scale, ServeWorksOnPostgres) {
  const std::string sample = std::string(TINCAY_SOURCE_DIR) + "/examples/posts.jsonl";
  Process worker(worker_argv(nats_, pg_, {"--exit-when-idle", "3"}), dir_.file("worker.log"));
  ASSERT_EQ(run_command({TINCAY_BINARY, "publish", sample, "--nats", nats_.url(), "--quiet"}, "",
                        {kSecret})
                .exit_code,
            0);
  ASSERT_EQ(worker.wait(120), 0) << slurp(dir_.file("worker.log"));
  std::map<std::string, std::string> keys;
  for (const char* role : {"reviewer", "ingest", "analyst"}) {
    const CommandResult r =
        run_command({TINCAY_BINARY, "keys", "create", "--db", pg_.url(), "--role", role});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    keys[role] = last_line(r.out);
  }
  ServerProcess server({TINCAY_BINARY, "serve", "--store", pg_.url(), "--listen", "127.0.0.1:0",
                        "--data-dir", TINCAY_SOURCE_DIR, "--secret-file", dir_.file("secret")});
  ASSERT_NE(server.port(), 0) << "tincay serve --store postgresql:// did not start";
  auto call = [&](const std::string& method, const std::string& path, const std::string& role,
                  const std::string& body = "") {
    return http_request(
        server.port(), method, path, body,
        {{"Authorization", "Bearer " + keys[role]}, {"Content-Type", "application/json"}});
  };
  const std::string flagged = pg_.query(
      "SELECT post_id FROM decisions WHERE action IN ('review','remove','escalate') "
      "ORDER BY post_id LIMIT 1");
  ASSERT_FALSE(flagged.empty());
  HttpResponse post = call("GET", "/v1/posts/" + flagged, "reviewer");
  EXPECT_EQ(post.status, 200) << post.body;
  EXPECT_NE(post.body.find(flagged), std::string::npos);
  HttpResponse queue = call("GET", "/v1/queue", "reviewer");
  EXPECT_EQ(queue.status, 200) << queue.body;
  // The queue's first item is the database's most urgent, oldest unreviewed post.
  const std::string first = pg_.query(
      "SELECT post_id FROM decisions WHERE action IN ('review','remove','escalate') ORDER BY "
      "CASE action WHEN 'escalate' THEN 0 WHEN 'remove' THEN 1 ELSE 2 END, decided_unix, "
      "post_id COLLATE \"C\" LIMIT 1");
  EXPECT_EQ(queue.body.find("\"post_id\":\"" + first + "\""), queue.body.find("\"post_id\""))
      << first << " " << queue.body.substr(0, 300);
  HttpResponse scan = call("POST", "/v1/scan", "ingest",
                           R"({"id":"via-api","text":"Tuyển CTV việc nhẹ lương cao"})");
  EXPECT_EQ(scan.status, 200) << scan.body;
  EXPECT_EQ(pg_.query("SELECT action FROM decisions WHERE post_id = 'via-api'"), "review");
  HttpResponse review =
      call("POST", "/v1/reviews", "reviewer", R"({"post_id":"via-api","outcome":"uphold"})");
  EXPECT_EQ(review.status, 201) << review.body;
  EXPECT_EQ(pg_.query("SELECT COUNT(*) FROM reviews WHERE post_id = 'via-api'"), "1");
  HttpResponse report = call("GET", "/v1/reports/transparency", "analyst");
  EXPECT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(server.stop(), 0);
  const CommandResult audit = run_command({TINCAY_BINARY, "audit", "verify", "--db", pg_.url()});
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
}

TEST_F(Scale, PoisonMessageIsDeadLetteredWithItsReasonAndDoesNotBlock) {
  std::string posts = make_posts(300);
  posts += "{\"id\":\"nul-post\",\"platform\":\"zalo\",\"text\":\"có NUL \\u0000 ở đây\"}\n";
  const std::string file = dir_.write("posts.jsonl", posts);
  Process worker(worker_argv(nats_, pg_, {"--max-deliver", "3", "--batch", "64"}),
                 dir_.file("worker.log"));
  {
    StreamOptions options;
    options.url = nats_.url();
    auto publisher = StreamPublisher::connect(options);
    ASSERT_TRUE(publisher) << publisher.error().to_string();
    // A record no worker can read, first in line.
    ASSERT_TRUE(
        (*publisher)->publish("tincay.posts.forum", "{\"id\": \"broken\", \"text\": ", "poison-1"));
    ASSERT_TRUE((*publisher)->flush());
  }
  const CommandResult pub =
      run_command({TINCAY_BINARY, "publish", file, "--nats", nats_.url()}, "", {kSecret});
  ASSERT_EQ(pub.exit_code, 0) << pub.err;

  StreamOptions dead;
  dead.url = nats_.url();
  dead.stream = "TINCAY_DEAD";
  dead.subject_prefix = "tincay.dead";
  dead.consumer = "inspector";
  auto inspector = StreamConsumer::connect(dead);
  ASSERT_TRUE(inspector) << inspector.error().to_string();
  std::map<std::string, Delivery> letters;  // by subject
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (letters.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    auto got = (*inspector)->fetch(10, 500);
    ASSERT_TRUE(got) << got.error().to_string();
    for (Delivery& d : *got) letters[d.subject] = std::move(d);
  }
  ASSERT_EQ(letters.size(), 2u) << slurp(dir_.file("worker.log"));
  const Delivery& broken = letters.at("tincay.dead.forum");
  EXPECT_NE(broken.dead_reason.find("not valid JSON"), std::string::npos) << broken.dead_reason;
  EXPECT_EQ(broken.body, "{\"id\": \"broken\", \"text\": ");
  const Delivery& nul = letters.at("tincay.dead.zalo");
  EXPECT_NE(nul.dead_reason.find("NUL"), std::string::npos) << nul.dead_reason;
  EXPECT_NE(nul.body.find("nul-post"), std::string::npos);
  // Every good post got through while the poison was being retried.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (stored() < 300 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(stored(), 300);
  EXPECT_EQ(pg_.query("SELECT COUNT(*) FROM decisions"), "300");
  worker.signal(SIGTERM);
  EXPECT_EQ(worker.wait(30), 0);
  const std::string log = slurp(dir_.file("worker.log"));
  EXPECT_NE(log.find("dead-lettered after 3 deliveries"), std::string::npos) << log;
}

// 100,000 posts by default; $TINCAY_SCALE_POSTS changes the number (the ids then run to
// p<N-1>). Bounded by a deadline that grows with the count, generous for an ASan build on two
// busy cores (about 1 minute on two idle ones).
TEST_F(Scale, HundredThousandPostsExactlyOnceThroughWorkerKillAndDatabaseRestart) {
  const char* env_posts = std::getenv("TINCAY_SCALE_POSTS");
  const int total = env_posts != nullptr ? std::max(1000, std::atoi(env_posts)) : 100000;
  const std::string file = dir_.write("posts.jsonl", make_posts(total));
  // Short ack wait: the killed worker's unacknowledged batch comes back within seconds.
  const std::vector<std::string> args =
      worker_argv(nats_, pg_, {"--no-campaigns", "--batch", "500", "--ack-wait", "4"});
  auto w1 = std::make_unique<Process>(args, dir_.file("w1.log"));
  auto w2 = std::make_unique<Process>(args, dir_.file("w2.log"));
  Process publisher({TINCAY_BINARY, "publish", file, "--nats", nats_.url()},
                    dir_.file("publish.log"), {kSecret});

  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(60000 + 4 * total);
  bool killed = false, restarted_db = false;
  std::int64_t count = 0, killed_at = 0, restarted_at = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    count = stored();
    if (!killed && count >= total / 5) {
      w1->signal(SIGKILL);
      EXPECT_EQ(w1->wait(10), -1);
      w1 = std::make_unique<Process>(args, dir_.file("w1-restarted.log"));
      killed = true;
      killed_at = count;
    } else if (killed && !restarted_db && count >= total / 2) {
      ASSERT_TRUE(pg_.restart()) << pg_.error();
      restarted_db = true;
      restarted_at = count;
    } else if (restarted_db && count >= total) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(publisher.wait(60), 0) << slurp(dir_.file("publish.log"));
  ASSERT_TRUE(killed && restarted_db) << "stored " << count;
  EXPECT_LT(killed_at, total);
  EXPECT_LT(restarted_at, total);
  ASSERT_EQ(count, total) << "deadline passed; worker logs:\n"
                          << slurp(dir_.file("w1-restarted.log")) << slurp(dir_.file("w2.log"));
  w1->signal(SIGTERM);
  w2->signal(SIGTERM);
  EXPECT_EQ(w1->wait(30), 0);
  EXPECT_EQ(w2->wait(30), 0);

  // Exactly once: 100,000 distinct ids, exactly the published ones, each with one decision that
  // belongs to it.
  char last_id[16];
  std::snprintf(last_id, sizeof last_id, "p%06d", total - 1);
  EXPECT_EQ(pg_.query("SELECT COUNT(*), COUNT(DISTINCT id), MIN(id), MAX(id) FROM posts"),
            std::to_string(total) + "|" + std::to_string(total) + "|p000000|" + last_id);
  EXPECT_EQ(pg_.query("SELECT COUNT(*) FROM posts WHERE id !~ '^p[0-9]{6}$'"), "0");
  EXPECT_EQ(pg_.query("SELECT COUNT(*) FROM posts p JOIN decisions d ON d.post_id = p.id"),
            std::to_string(total));
  EXPECT_EQ(pg_.query("SELECT COUNT(*) FROM decisions WHERE position('{\"id\":\"' || post_id || "
                      "'\"' IN record) <> 1"),
            "0");
  // The decisions are tincay scan's: compare a slice of posts field by field.
  const std::string head = dir_.write("head.jsonl", make_posts(600));
  const CommandResult scan = run_command({TINCAY_BINARY, "scan", head, "--no-db", "--no-campaigns",
                                          "--quiet", "--data-dir", TINCAY_SOURCE_DIR},
                                         "", {kSecret});
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  const auto got = by_id(pg_.query("SELECT record FROM decisions WHERE post_id < 'p000600'"));
  const auto expected = by_id(scan.out);
  ASSERT_EQ(got.size(), 600u);
  for (const auto& [id, line] : expected) EXPECT_EQ(got.at(id), line) << id;
  // The workers saw the faults: the outage was waited out, not skipped.
  const std::string logs = slurp(dir_.file("w1-restarted.log")) + slurp(dir_.file("w2.log"));
  EXPECT_NE(logs.find("retrying"), std::string::npos) << logs;
  EXPECT_NE(logs.find("store reachable again"), std::string::npos) << logs;
  std::fprintf(stderr, "killed a worker at %lld stored, restarted PostgreSQL at %lld\n%s",
               static_cast<long long>(killed_at), static_cast<long long>(restarted_at),
               logs.c_str());
}

}  // namespace
}  // namespace tincay::testing
