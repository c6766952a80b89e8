// tincay eval: scores a model file (or a bundled model by name) on labelled JSONL.
#include <cstdio>

#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/cli/labeled_data.h"
#include "tincay/detect/train.h"

namespace tincay::cli {
namespace {

constexpr const char* kEvalHelp = R"(usage: tincay eval --model MODEL --data FILE.jsonl [options]

Scores a model on labelled JSONL: accuracy, per-class precision/recall/F1, macro_f1, micro_f1,
log_loss, expected calibration error (ece) and the confusion matrix (rows: true label).

options:
  --model NAME|PATH    a bundled model by name (vihsd, victsd, vispam: models/NAME.model in the
                       data directory) or a model file
  --data FILE          labelled JSONL (required); its labels must be the model's labels
  --text-field NAME    (default text)
  --label-field NAME   (default label)
  --json               print one JSON object instead of a table
  --threads N          (default: all cores)
  --data-dir DIR       rules, models and normalizer data (as for scan)
)";

int fail(const Error& e) {
  std::fprintf(stderr, "tincay eval: %s\n", e.to_string().c_str());
  return e.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFatal;
}

}  // namespace

int run_eval(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.flags = {"--help", "--json"};
  spec.with_value = {"--model", "--data", "--text-field", "--label-field", "--threads",
                     "--data-dir"};
  auto parsed = parse_args(argv, spec);
  if (!parsed) {
    std::fprintf(stderr, "tincay eval: %s\n%s", parsed.error().message.c_str(), kEvalHelp);
    return kExitUsage;
  }
  const Args& args = *parsed;
  if (args.has("--help")) {
    std::fputs(kEvalHelp, stdout);
    return kExitOk;
  }
  const auto model_name = args.get("--model");
  const auto data_path = args.get("--data");
  if (!model_name || !data_path) {
    return fail(make_error(ErrorCode::kInvalidArgument, "--model and --data are required"));
  }
  std::size_t threads = 0;
  if (auto t = args.get("--threads")) {
    auto n = parse_count("--threads", *t);
    if (!n) return fail(n.error());
    threads = *n;
  }
  const std::string data_dir = resolve_data_dir(args.get("--data-dir").value_or(""));
  auto model = Model::load(resolve_model_path(*model_name, data_dir + "/models"));
  if (!model) return fail(model.error());
  auto file = read_labeled_file(*data_path, args.get("--text-field").value_or("text"),
                                args.get("--label-field").value_or("label"));
  if (!file) return fail(file.error());
  NormalizeOptions nopts;
  nopts.data_dir = data_dir;
  auto normalizer = Normalizer::create(nopts);
  if (!normalizer) return fail(normalizer.error());
  ThreadPool pool(threads);
  auto data = to_labeled_texts(file->records, (*model)->info().labels, *normalizer, pool, *data_path);
  if (!data) return fail(data.error());
  const EvalReport report = evaluate_model(**model, *data, pool);
  if (args.has("--json")) {
    std::string json = eval_report_json(report);
    // The model's identity goes with its figures.
    json.pop_back();
    json += ",\"model\":\"" + (*model)->detector_name() + "\"}";
    std::puts(json.c_str());
  } else {
    std::printf("%s on %s\n%s", (*model)->detector_name().c_str(), data_path->c_str(),
                eval_report_text(report).c_str());
  }
  return file->skipped > 0 ? kExitRejected : kExitOk;
}

}  // namespace tincay::cli
