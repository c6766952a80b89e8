// The dashboard's static files: content types, the client-route fallback, and no way out of the
// web root (src/serve/static_files.cc).
#include "src/serve/static_files.h"

#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

namespace tincay {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    base_ = fs::temp_directory_path() / ("tincay-static-" + std::to_string(rd()));
    root_ = base_ / "dist";
    fs::create_directories(root_ / "assets");
    write(root_ / "index.html", "<!doctype html><title>tincay</title>");
    write(root_ / "assets" / "app-1234.js", "console.log(1)");
    write(root_ / "assets" / "app-1234.css", "body{}");
    write(root_ / "favicon.svg", "<svg/>");
    write(root_ / ".env", "secret");
    write(base_ / "secret.txt", "outside the root");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(base_, ec);
  }
  static void write(const fs::path& p, const std::string& body) { std::ofstream(p) << body; }
  static std::string header(const StaticResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  fs::path base_, root_;
};

TEST_F(StaticFilesTest, ServesFilesWithTheirContentTypes) {
  const StaticResponse js = serve_static_file(root_.string(), "/assets/app-1234.js");
  EXPECT_EQ(js.response.status, 200);
  EXPECT_EQ(js.response.body, "console.log(1)");
  EXPECT_EQ(js.response.content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(header(js, "Cache-Control").find("immutable"), std::string::npos);
  const StaticResponse css = serve_static_file(root_.string(), "/assets/app-1234.css");
  EXPECT_EQ(css.response.content_type, "text/css; charset=utf-8");
  const StaticResponse svg = serve_static_file(root_.string(), "/favicon.svg");
  EXPECT_EQ(svg.response.content_type, "image/svg+xml");
  EXPECT_EQ(content_type_for("x.unknown"), "application/octet-stream");
  EXPECT_EQ(content_type_for("noext"), "application/octet-stream");
}

TEST_F(StaticFilesTest, RootAndClientRoutesGetIndexHtml) {
  for (const char* path : {"/", "/queue", "/posts/ex-0301", "/appeals/", "/trends"}) {
    const StaticResponse r = serve_static_file(root_.string(), path);
    EXPECT_EQ(r.response.status, 200) << path;
    EXPECT_EQ(r.response.content_type, "text/html; charset=utf-8") << path;
    EXPECT_NE(r.response.body.find("<title>tincay</title>"), std::string::npos) << path;
    EXPECT_EQ(header(r, "Cache-Control"), "no-cache") << path;
    EXPECT_NE(header(r, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  }
}

TEST_F(StaticFilesTest, MissingAssetIsNotFoundRatherThanHtml) {
  const StaticResponse r = serve_static_file(root_.string(), "/assets/gone-0000.js");
  EXPECT_EQ(r.response.status, 404);
  EXPECT_EQ(r.response.body.find("<!doctype"), std::string::npos);
}

TEST_F(StaticFilesTest, TraversalAndHiddenFilesAreRefused) {
  for (const char* path : {"/../secret.txt", "/assets/../../secret.txt", "/./index.html", "/..",
                           "/.env", "/assets/..\\..\\secret.txt", "relative.txt", ""}) {
    const StaticResponse r = serve_static_file(root_.string(), path);
    EXPECT_EQ(r.response.status, 400) << path;
    EXPECT_EQ(r.response.body.find("outside the root"), std::string::npos) << path;
    EXPECT_EQ(r.response.body.find("secret"), std::string::npos) << path;
  }
  const std::string with_nul("/index.html\0.js", 15);
  EXPECT_EQ(serve_static_file(root_.string(), with_nul).response.status, 400);
}

TEST_F(StaticFilesTest, SymlinkOutOfTheRootIsNotFollowed) {
  std::error_code ec;
  fs::create_symlink(base_ / "secret.txt", root_ / "leak.txt", ec);
  ASSERT_FALSE(ec) << ec.message();
  const StaticResponse r = serve_static_file(root_.string(), "/leak.txt");
  EXPECT_EQ(r.response.status, 404);
  EXPECT_EQ(r.response.body.find("outside the root"), std::string::npos);
}

TEST_F(StaticFilesTest, UnbuiltDashboardSaysHowToBuildIt) {
  fs::remove(root_ / "index.html");
  const StaticResponse r = serve_static_file(root_.string(), "/");
  EXPECT_EQ(r.response.status, 404);
  EXPECT_NE(r.response.body.find("make run"), std::string::npos);
}

TEST(DashboardRequest, ApiPathsStayWithTheApi) {
  EXPECT_TRUE(is_dashboard_request("GET", "/"));
  EXPECT_TRUE(is_dashboard_request("GET", "/queue"));
  EXPECT_TRUE(is_dashboard_request("HEAD", "/assets/app.js"));
  EXPECT_FALSE(is_dashboard_request("POST", "/queue"));
  EXPECT_FALSE(is_dashboard_request("GET", "/healthz"));
  EXPECT_FALSE(is_dashboard_request("GET", "/metrics"));
  EXPECT_FALSE(is_dashboard_request("GET", "/v1/queue"));
  EXPECT_FALSE(is_dashboard_request("GET", "/v1/no-such-endpoint"));
  EXPECT_FALSE(is_dashboard_request("GET", "/v1"));
}

}  // namespace
}  // namespace tincay
