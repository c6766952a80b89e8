// The dashboard's static files (src/serve/static_files.h). Every path is checked segment by
// segment before it reaches the file system, then the resolved file must still lie under the
// resolved root: the first check refuses traversal outright, the second catches symlinks.
#include "src/serve/static_files.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace tincay {
namespace {

namespace fs = std::filesystem;

// Hashed file names under /assets/ never change content; everything else (index.html) must be
// revalidated so a rebuilt dashboard is picked up at once.
constexpr std::string_view kAssetsPrefix = "/assets/";

// Only this origin's scripts, styles and data: nothing is fetched from elsewhere at run time.
constexpr std::string_view kCsp =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

StaticResponse text_response(int status, std::string body) {
  StaticResponse r;
  r.response.status = status;
  r.response.content_type = "text/plain; charset=utf-8";
  r.response.body = std::move(body);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

// Splits "/a/b/c" into its segments; false when one of them may not name a file we serve.
bool safe_segments(std::string_view path, std::vector<std::string_view>& out) {
  if (path.empty() || path.front() != '/') return false;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view seg = path.substr(pos, end - pos);
    if (!seg.empty()) {
      // "." and ".." (traversal), and hidden files (.git, .env) are never served.
      if (seg.front() == '.') return false;
      if (seg.find('\\') != std::string_view::npos || seg.find('\0') != std::string_view::npos) {
        return false;
      }
      out.push_back(seg);
    }
    pos = end + 1;
  }
  return true;
}

bool read_file(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return false;
  out = buffer.str();
  return true;
}

// `file` resolved (symlinks followed) lies inside `root` resolved.
bool inside(const fs::path& root, const fs::path& file) {
  std::error_code ec;
  const fs::path r = fs::canonical(root, ec);
  if (ec) return false;
  const fs::path f = fs::canonical(file, ec);
  if (ec) return false;
  auto ri = r.begin();
  auto fi = f.begin();
  for (; ri != r.end(); ++ri, ++fi) {
    if (fi == f.end() || *ri != *fi) return false;
  }
  return fi != f.end();
}

bool is_regular(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

}  // namespace

bool is_dashboard_request(std::string_view method, std::string_view path) {
  if (method != "GET" && method != "HEAD") return false;
  if (path == "/v1" || path.rfind("/v1/", 0) == 0) return false;
  const RouteMatch route = match_route("GET", path);
  return route.endpoint == nullptr && !route.wrong_method;
}

std::string_view content_type_for(std::string_view file_name) {
  struct Type {
    std::string_view ext;
    std::string_view type;
  };
  static constexpr std::array<Type, 14> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".wasm", "application/wasm"},
  }};
  const std::size_t dot = file_name.rfind('.');
  if (dot != std::string_view::npos && file_name.find('/', dot) == std::string_view::npos) {
    const std::string_view ext = file_name.substr(dot);
    for (const Type& t : kTypes) {
      if (t.ext == ext) return t.type;
    }
  }
  return "application/octet-stream";
}

StaticResponse serve_static_file(const std::string& web_root, std::string_view path) {
  std::vector<std::string_view> segments;
  if (!safe_segments(path, segments)) return text_response(400, "bad path\n");
  const fs::path root(web_root);
  const fs::path index = root / "index.html";
  if (!is_regular(index)) {
    return text_response(404,
                         "The dashboard is not built: run 'make run', or 'npm ci && npm run build' "
                         "in web/, or pass --web-root DIR (looked for " +
                             index.string() + ")\n");
  }
  fs::path file = root;
  for (const std::string_view seg : segments) file /= fs::path(std::string(seg));
  std::string_view served_name = path;
  if (segments.empty() || !is_regular(file)) {
    // A client-side route has no dot in its last segment; a missing asset (x.js) stays a 404
    // rather than getting HTML a browser would try to run as a script.
    if (!segments.empty() && segments.back().find('.') != std::string_view::npos) {
      return text_response(404, "not found\n");
    }
    file = index;
    served_name = "/index.html";
  }
  if (!inside(root, file)) return text_response(404, "not found\n");
  StaticResponse r;
  if (!read_file(file, r.response.body)) return text_response(500, "cannot read the file\n");
  r.response.status = 200;
  r.response.content_type = std::string(content_type_for(served_name));
  const bool immutable = served_name.rfind(kAssetsPrefix, 0) == 0;
  r.headers.emplace_back("Cache-Control",
                         immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Content-Security-Policy", std::string(kCsp));
  return r;
}

}  // namespace tincay
