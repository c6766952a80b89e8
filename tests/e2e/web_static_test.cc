// End to end: `tincay serve --web-root DIR` serves the dashboard's files next to the API, answers
// index.html for client routes, keeps API paths with the API, and never serves a file outside
// the web root however the path is spelled (src/serve/static_files.cc).
#include <filesystem>
#include <memory>

#include <gtest/gtest.h>

#include "tests/support/http_client.h"
#include "tests/support/subprocess.h"

namespace tincay::testing {
namespace {

class WebStaticE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.file("dist/assets"));
    dir_.write("dist/index.html", "<!doctype html><title>dashboard-index</title>");
    dir_.write("dist/assets/app-1.js", "export const x = 1;");
    dir_.write("secret.txt", "SECRET-OUTSIDE-ROOT");
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        TINCAY_BINARY, "serve", "--db", dir_.file("t.db"), "--listen", "127.0.0.1:0", "--data-dir",
        TINCAY_SOURCE_DIR, "--web-root", dir_.file("dist")});
    ASSERT_NE(server_->port(), 0) << "tincay serve did not start";
  }
  HttpResponse get(const std::string& path) { return http_request(server_->port(), "GET", path); }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(WebStaticE2e, ServesTheDashboardAndItsClientRoutes) {
  for (const char* path : {"/", "/queue", "/posts/ex-0301", "/transparency?from=2026-01-01"}) {
    const HttpResponse r = get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_NE(r.body.find("dashboard-index"), std::string::npos) << path;
  }
  const HttpResponse js = get("/assets/app-1.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "export const x = 1;");
  EXPECT_EQ(get("/assets/missing-2.js").status, 404);
}

TEST_F(WebStaticE2e, ApiPathsStayWithTheApi) {
  EXPECT_EQ(get("/healthz").body, "{\"status\":\"ok\"}");
  const HttpResponse unknown = get("/v1/no-such-endpoint");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("\"error\""), std::string::npos) << "a JSON error, not the page";
  EXPECT_EQ(get("/v1/queue").status, 401);
  EXPECT_EQ(http_request(server_->port(), "POST", "/queue", "{}").status, 404);
}

TEST_F(WebStaticE2e, NoPathReachesOutsideTheWebRoot) {
  for (const char* path :
       {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt",
        "/assets/%2E%2E/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt",
        "/assets/..%5c..%5csecret.txt", "/.%2e/secret.txt"}) {
    const HttpResponse r = get(path);
    EXPECT_NE(r.status, 200) << path;
    EXPECT_EQ(r.body.find("SECRET-OUTSIDE-ROOT"), std::string::npos) << path;
  }
}

}  // namespace
}  // namespace tincay::testing
