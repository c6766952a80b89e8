// The web dashboard's files (web/dist, built by Vite) served by `tincay serve` next to the API:
// a file under the web root with its content type, index.html for the dashboard's client-side
// routes, and nothing outside the root (docs/dashboard.md). Private to src/serve.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tincay/serve.h"

namespace tincay {

// A static answer: the Response plus the extra headers (caching, content security policy).
struct StaticResponse {
  Response response;
  std::vector<std::pair<std::string, std::string>> headers;
};

// True when a request belongs to the dashboard rather than the API: GET or HEAD, and a path that
// no API endpoint has and that is not under /v1/ (unknown API paths keep their JSON 404).
bool is_dashboard_request(std::string_view method, std::string_view path);

// The content type for a file name, by its extension; application/octet-stream when unknown.
std::string_view content_type_for(std::string_view file_name);

// Answers GET `path` (already percent-decoded, as libmicrohttpd hands it over) from `web_root`:
// the file when it exists under the root; index.html for a path whose last segment has no dot
// (a client route such as /queue or /posts/ex-1); 404 otherwise. Paths with "..", ".", hidden
// segments, backslashes or NUL bytes are refused with 400 and never touch the file system; a
// resolved path (symlinks followed) outside the root is 404. When index.html is missing the
// 404 says how to build the dashboard.
StaticResponse serve_static_file(const std::string& web_root, std::string_view path);

}  // namespace tincay
