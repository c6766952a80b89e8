// tincay serve: the HTTP API (docs/api.md) until SIGINT or SIGTERM.
#include "tincay/serve.h"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>

#include <pthread.h>

#include "tincay/ingest.h"
#include "tincay/store.h"
#include "tincay/trend_rollup.h"

#include "src/cli/args.h"
#include "src/cli/commands.h"

namespace tincay::cli {
namespace {

constexpr const char* kServeHelp = R"(usage: tincay serve [options]

Serves the HTTP API (docs/api.md) until interrupted. Prints "listening on http://HOST:PORT" on
stdout once it accepts connections (with port 0, the port the system chose).

options:
  --db PATH          SQLite database (default: tincay.db); keys come from 'tincay keys create'
  --store LOCATION   the database as a location instead: postgresql://USER@HOST:PORT/DB (shared
                     with 'tincay worker', docs/scaling.md) or a SQLite PATH
  --secret-file PATH pseudonymization secret for POST /v1/scan (default: tincay.secret next to
                     the SQLite file, or in the working directory for PostgreSQL)
  --listen HOST:PORT address to listen on (default: 127.0.0.1:8080; port 0 picks a free one)
  --max-body BYTES   request body limit, larger bodies get 413 (default: 8388608)
  --max-batch N      posts per POST /v1/scan batch (default: 10000)
  --rate-limit N     requests per second per API key, 0 for none (default: 2000; burst 2x)
  --timeout S        connection idle/read/write timeout in seconds (default: 30)
  --http-threads N   HTTP worker threads (default: 2)
  --threads N        pipeline threads for batches (default: all cores)
  --data-dir DIR     rules and data files (default: found next to the binary)
  --openapi FILE     the OpenAPI document to serve (default: DATA_DIR/api/openapi.json)
  --web-root DIR     the web dashboard's built files, served at / (default: DATA_DIR/web/dist)
  --claims FILE, --campaign-authors N, --campaign-window S, --no-campaigns   as for tincay scan
  --campaign-max-posts N  posts the campaign index keeps (default 262144, about 1.3 KB each):
                     its memory grows with the posts scanned up to this bound, then stays flat
  --trends-k N       GET /v1/trends shows numbers from at least N distinct authors (default 10,
                     never below 5; docs/trends.md)
exit status: 0 after a clean shutdown, 2 usage error, 1 fatal error
)";

int fail(const Error& e) {
  std::fprintf(stderr, "tincay serve: %s\n", e.to_string().c_str());
  return e.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFatal;
}

}  // namespace

int run_serve(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.flags = {"--help", "--no-campaigns"};
  spec.with_value = {
      "--db",       "--listen",       "--max-body",         "--max-batch",      "--rate-limit",
      "--timeout",  "--http-threads", "--threads",          "--data-dir",       "--openapi",
      "--web-root", "--claims",       "--campaign-authors", "--campaign-window"};
  spec.with_value.insert({"--store", "--secret-file"});
  spec.with_value.insert("--campaign-max-posts");  // docs/scaling.md
  spec.with_value.insert("--trends-k");
  auto parsed = parse_args(argv, spec);
  if (!parsed) {
    std::fprintf(stderr, "tincay serve: %s\n%s", parsed.error().message.c_str(), kServeHelp);
    return kExitUsage;
  }
  const Args& args = *parsed;
  if (args.has("--help")) {
    std::fputs(kServeHelp, stdout);
    return kExitOk;
  }
  ServeOptions options;
  if (args.get("--db") && args.get("--store")) {
    return fail(make_error(ErrorCode::kInvalidArgument, "--db and --store name the same thing"));
  }
  options.db_path = args.get("--store").value_or(args.get("--db").value_or("tincay.db"));
  const std::string listen = args.get("--listen").value_or("127.0.0.1:8080");
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return fail(make_error(ErrorCode::kInvalidArgument, "--listen must be HOST:PORT"));
  }
  options.listen_host = listen.substr(0, colon);
  auto port = parse_count("--listen", listen.substr(colon + 1));
  if (!port || *port > 65535) {
    return fail(make_error(ErrorCode::kInvalidArgument, "--listen: bad port in '" + listen + "'"));
  }
  options.port = static_cast<std::uint16_t>(*port);
  struct CountFlag {
    const char* flag;
    std::size_t* target;
  };
  std::size_t rate = 2000, timeout = 30;
  for (const CountFlag& f :
       {CountFlag{"--max-body", &options.max_body_bytes},
        CountFlag{"--max-batch", &options.max_batch_posts}, CountFlag{"--rate-limit", &rate},
        CountFlag{"--timeout", &timeout}, CountFlag{"--http-threads", &options.http_threads},
        CountFlag{"--threads", &options.scan_threads},
        CountFlag{"--trends-k", &options.trends_k}}) {
    if (auto v = args.get(f.flag)) {
      auto n = parse_count(f.flag, *v);
      if (!n) return fail(n.error());
      *f.target = *n;
    }
  }
  if (options.http_threads == 0) options.http_threads = 1;
  options.rate_limit = static_cast<double>(rate);
  options.rate_burst = 2.0 * static_cast<double>(rate);
  options.timeout_seconds = static_cast<unsigned>(timeout);
  options.pipeline.data_dir = resolve_data_dir(args.get("--data-dir").value_or(""));
  options.pipeline.trends = true;  // POST /v1/scan feeds the trend rollups (docs/trends.md)
  if (options.trends_k < kMinK || options.trends_k > kMaxK) {
    return fail(make_error(ErrorCode::kInvalidArgument, "--trends-k must be between 5 and 65"));
  }
  if (auto emotion = Model::load(default_emotion_model_path(options.pipeline.data_dir))) {
    options.trends_emotion_model = (*emotion)->detector_name();
  }
  options.openapi_path =
      args.get("--openapi").value_or(options.pipeline.data_dir + "/api/openapi.json");
  options.web_root = args.get("--web-root").value_or(options.pipeline.data_dir + "/web/dist");
  if (Status s = configure_claims_and_campaigns(args, options.db_path, options.pipeline); !s) {
    return fail(s.error());
  }
  if (auto v = args.get("--campaign-max-posts")) {
    auto n = parse_count("--campaign-max-posts", *v);
    if (!n) return fail(n.error());
    if (*n == 0) {
      return fail(make_error(ErrorCode::kInvalidArgument, "--campaign-max-posts must be > 0"));
    }
    options.pipeline.campaign.max_posts = *n;
  }
  // The same secret as tincay scan uses for this database, so author keys agree.
  // PostgreSQL has no directory to keep it next to: the working directory then.
  const std::filesystem::path db(is_postgres_location(options.db_path) ? "tincay.db"
                                                                       : options.db_path);
  const std::filesystem::path dir = db.parent_path().empty() ? "." : db.parent_path();
  const auto secret =
      load_or_create_secret(args.get("--secret-file").value_or((dir / "tincay.secret").string()));
  if (!secret) return fail(secret.error());
  options.secret = *secret;

  // Block the shutdown signals in every thread (the server's threads inherit the mask), then
  // wait for one here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto api = Api::create(options);
  if (!api) return fail(api.error());
  auto server = HttpServer::start(**api, options);
  if (!server) return fail(server.error());
  std::printf("listening on http://%s:%u\n", options.listen_host.c_str(),
              static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);
  int signal = 0;
  sigwait(&signals, &signal);
  std::fprintf(stderr, "tincay serve: %s, shutting down\n",
               signal == SIGINT ? "SIGINT" : "SIGTERM");
  return kExitOk;
}

}  // namespace tincay::cli
