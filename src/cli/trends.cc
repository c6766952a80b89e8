// tincay trends: aggregate volumes, phrases, topics, emotions and emerging issues from the
// rollups that tincay scan maintains (docs/trends.md).
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tincay/analytics.h"
#include "tincay/core/time.h"
#include "tincay/store.h"
#include "tincay/trend_rollup.h"

#include "src/cli/args.h"
#include "src/cli/commands.h"

namespace tincay::cli {
namespace {

constexpr const char* kTrendsHelp = R"(usage: tincay trends [options]
       tincay trends rebuild [--db PATH | --store LOCATION]   (recompute the rollups; --help)

Aggregate trends of the stored posts: volume per platform, flagged categories and emotions per
bucket, top phrases, topics with their emotion and category shares, and emerging issues (bursts
against each phrase's own baseline). Every number comes from at least k distinct authors;
smaller cells are shown as suppressed. Never shows post texts or author keys.

options:
  --db PATH          SQLite database written by tincay scan (default: tincay.db)
  --store LOCATION   postgresql://USER@HOST:PORT/DB (tincay worker, tincay serve) or a SQLite file
  --from T           start, YYYY-MM-DD or RFC 3339 (default: 7 days before --to)
  --to T             end, exclusive (default: now)
  --bucket B         hour or day (default: day)
  --k N              distinct authors a number needs, 5..65 (default 10)
  --top N            top phrases, 1..200 (default 30)
  --json             print the JSON of GET /v1/trends instead of text
  --plot FILE        also draw volumes, topics and emerging issues as a chart: FILE.svg (SVG)
                     or FILE.png (PNG image)
  --data-dir DIR     data files (names the emotion model in the report)
exit status: 0 ok, 2 usage error, 1 fatal error
)";

int fail(const Error& e) {
  std::fprintf(stderr, "tincay trends: %s\n", e.to_string().c_str());
  return e.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFatal;
}

Result<std::int64_t> time_arg(const Args& args, const std::string& flag, std::int64_t fallback) {
  const auto value = args.get(flag);
  if (!value) return fallback;
  const auto t = parse_trend_time(*value);
  if (!t) {
    return make_error(ErrorCode::kInvalidArgument,
                      flag + " must be YYYY-MM-DD or RFC 3339, not '" + *value + "'");
  }
  return *t;
}

// Writes the chart to `path`; the error names the file and the system's reason.
Status write_chart(const std::string& path, const std::string& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    return make_error(ErrorCode::kIo,
                      std::string("cannot write the chart: ") + std::strerror(errno), path);
  }
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  const int saved = errno;
  if (std::fclose(f) != 0 || !written) {
    return make_error(
        ErrorCode::kIo,
        std::string("cannot write the chart: ") + std::strerror(written ? errno : saved), path);
  }
  return ok_status();
}

}  // namespace

int run_trends(const std::vector<std::string>& argv) {
  if (!argv.empty() && argv[0] == "rebuild") {
    return run_trends_rebuild(std::vector<std::string>(argv.begin() + 1, argv.end()));
  }
  ArgSpec spec;
  spec.flags = {"--json", "--help"};
  spec.with_value = {"--db", "--from", "--to", "--bucket", "--k", "--top", "--plot", "--data-dir"};
  spec.with_value.insert("--store");
  auto parsed = parse_args(argv, spec);
  if (!parsed) {
    std::fprintf(stderr, "tincay trends: %s\n%s", parsed.error().message.c_str(), kTrendsHelp);
    return kExitUsage;
  }
  const Args& args = *parsed;
  if (args.has("--help")) {
    std::fputs(kTrendsHelp, stdout);
    return kExitOk;
  }
  TrendsOptions options;
  const std::string bucket = args.get("--bucket").value_or("day");
  if (bucket == "hour") {
    options.bucket = TrendLevel::kHour;
  } else if (bucket != "day") {
    return fail(make_error(ErrorCode::kInvalidArgument, "--bucket must be hour or day"));
  }
  SystemClock clock;
  auto to = time_arg(args, "--to", clock.now_unix());
  if (!to) return fail(to.error());
  auto from = time_arg(args, "--from", *to - std::int64_t{7} * 86400);
  if (!from) return fail(from.error());
  options.from = *from;
  options.to = *to;
  if (auto k = args.get("--k")) {
    auto n = parse_count("--k", *k);
    if (!n) return fail(n.error());
    options.k = *n;
  }
  if (auto top = args.get("--top")) {
    auto n = parse_count("--top", *top);
    if (!n) return fail(n.error());
    options.top = *n;
  }
  if (Status s = validate_trends_options(options); !s) {
    Error e = s.error();
    e.message = "--" + e.where + ": " + e.message;
    e.where.clear();
    return fail(e);
  }
  const auto plot = args.get("--plot");
  std::string plot_format;
  if (plot) {
    plot_format = std::filesystem::path(*plot).extension().string();
    for (char& c : plot_format) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (plot_format != ".svg" && plot_format != ".png") {
      return fail(make_error(ErrorCode::kInvalidArgument,
                             "--plot writes SVG or PNG: give a file name ending in .svg or .png"));
    }
  }
  const std::string data_dir = resolve_data_dir(args.get("--data-dir").value_or(""));
  const std::string model_path = default_emotion_model_path(data_dir);
  std::error_code ec;
  if (std::filesystem::exists(model_path, ec)) {
    auto model = Model::load(model_path);
    if (model) options.emotion_model = (*model)->detector_name();
  }

  if (args.get("--db") && args.get("--store")) {
    return fail(make_error(ErrorCode::kInvalidArgument, "give --db or --store, not both"));
  }
  const std::string db_path = args.get("--store").value_or(args.get("--db").value_or("tincay.db"));
  if (!is_postgres_location(db_path) && !std::filesystem::exists(db_path, ec)) {
    return fail(make_error(ErrorCode::kNotFound, "no database (run tincay scan first)", db_path));
  }
  auto store = open_store(db_path);
  if (!store) return fail(store.error());
  Store& s = **store;
  // Streamed reads: a month of hour cells is a million, handed over one at a time.
  auto report =
      compute_trends([&](const TrendCellQuery& q,
                         const TrendCellVisitor& each) { return s.visit_trend_cells(q, each); },
                     options);
  if (!report) return fail(report.error());

  const std::string text = args.has("--json") ? trends_to_json(*report) : trends_to_text(*report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (plot) {
    std::string chart;
    if (plot_format == ".png") {
      auto png = trends_to_png(*report);
      if (!png) return fail(png.error());
      chart = std::move(*png);
    } else {
      chart = trends_to_svg(*report);
    }
    if (Status st = write_chart(*plot, chart); !st) return fail(st.error());
  }
  if (std::fflush(stdout) != 0) return fail(make_error(ErrorCode::kIo, "writing output failed"));
  return kExitOk;
}

}  // namespace tincay::cli
