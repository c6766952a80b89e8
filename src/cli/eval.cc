// tincay eval: scores a model file (or a bundled model by name) on labelled JSONL.
#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include "tincay/core/json_writer.h"
#include "tincay/detect/train.h"

#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/cli/labeled_data.h"

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
  --group FINE=COARSE,...  score on coarser labels: the model's FINE labels count as COARSE
                       (softmax: probabilities summed, the prediction is the group of the argmax);
                       e.g. vispam's SPAM_1..SPAM_3 scored as SPAM on task-1 data
  --json               print one JSON object instead of a table
  --predictions FILE   also write one JSON line per record: its line in --data, its true label(s),
                       the model's decision and the calibrated probability of every label scored
  --threads N          (default: all cores)
  --data-dir DIR       rules, models and normalizer data (as for scan)
)";

// Normalizes each record into one reused NormalizedText per worker and scores it at once, so
// nothing per record is kept but its logits: no allocation per record once the buffers have
// grown, which is most of the time of scoring a large file. `prior` (kMetaRules models): the
// rule and PII detectors, run on each record as `tincay scan` runs them.
// logits[i * labels + k]: the model's raw score of label k on record i.
std::vector<float> score_records(const Model& model, const std::vector<LabeledRecord>& records,
                                 const Normalizer& normalizer, const PriorDetectors* prior,
                                 ThreadPool& pool) {
  const std::size_t fine = model.label_count();
  std::vector<float> logits(records.size() * fine);
  std::vector<NormalizedText> texts(pool.size());
  std::vector<std::vector<Finding>> findings(pool.size());
  pool.parallel_for(records.size(), [&](std::size_t worker, std::size_t i) {
    NormalizedText& text = texts[worker];
    std::vector<Finding>& found = findings[worker];
    normalizer.normalize(records[i].text, text);
    found.clear();
    if (prior != nullptr) {
      Post post;
      post.text = records[i].text;
      prior->rules->detect(post, text, found);
      prior->pii->detect(post, text, found);
    }
    model.logits(text, records[i].text, found, &logits[i * fine]);
  });
  return logits;
}

// The calibrated probabilities and decisions of the model's `logits` on `data`, whose labels
// index `coarse`; `group[k]` is the index in `coarse` of the model's label k (the identity
// without --group). probs/decision[i * coarse.size() + c].
struct GroupedScores {
  std::vector<float> probs;
  std::vector<float> decision;  // softmax: 1 for the decided label; multi-label: the best logit
};

GroupedScores score_grouped(const Model& model, const std::vector<LabeledText>& data,
                            const std::vector<float>& logits, std::size_t coarse_count,
                            const std::vector<std::size_t>& group) {
  const std::size_t fine = model.label_count();
  const std::size_t n = coarse_count;
  const bool softmax = model.info().head == ModelHead::kSoftmax;
  GroupedScores out;
  std::vector<float>& probs = out.probs;
  std::vector<float>& decision = out.decision;
  probs.assign(data.size() * n, 0.0f);
  decision.assign(data.size() * n, softmax ? 0.0f : -1e30f);
  for (std::size_t i = 0; i < data.size(); ++i) {
    const float* z = &logits[i * fine];
    float p[kMaxModelLabels];
    std::copy(z, z + fine, p);
    model.calibrate(p);
    float* cp = &probs[i * n];
    float* cd = &decision[i * n];
    for (std::size_t k = 0; k < fine; ++k) {
      // Softmax labels exclude each other, so a group's probability is the sum; independent
      // labels give a group the most confident of them.
      cp[group[k]] = softmax ? cp[group[k]] + p[k] : std::max(cp[group[k]], p[k]);
      if (!softmax) cd[group[k]] = std::max(cd[group[k]], z[k]);
    }
    if (softmax) cd[group[static_cast<std::size_t>(std::max_element(z, z + fine) - z)]] = 1.0f;
  }
  return out;
}

// One JSON line per record (--predictions): where to find it, its labels, the decision and the
// calibrated probabilities, for error analysis and for stacking experiments outside tincay.
Status write_predictions(const std::string& path, const std::vector<LabeledRecord>& records,
                         const std::vector<std::string>& coarse, bool softmax,
                         const GroupedScores& scores) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return make_error(ErrorCode::kIo, "cannot write predictions", path);
  const std::size_t n = coarse.size();
  std::string line;
  for (std::size_t i = 0; i < records.size(); ++i) {
    line.clear();
    JsonWriter w(line);
    w.begin_object().key("line").number(static_cast<std::int64_t>(records[i].line));
    w.key("labels").begin_array();
    for (const std::string& l : records[i].labels) w.string(l);
    w.end_array().key("predicted").begin_array();
    for (std::size_t c = 0; c < n; ++c) {
      const float d = scores.decision[i * n + c];
      if (softmax ? d > 0.5f : d >= 0.0f) w.string(coarse[c]);
    }
    w.end_array().key("probabilities").begin_object();
    for (std::size_t c = 0; c < n; ++c) w.key(coarse[c]).score(scores.probs[i * n + c]);
    w.end_object().end_object();
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), f);
  }
  const bool ok = std::ferror(f) == 0;
  if (std::fclose(f) != 0 || !ok) {
    return make_error(ErrorCode::kIo, "cannot write predictions", path);
  }
  return ok_status();
}

int fail(const Error& e) {
  std::fprintf(stderr, "tincay eval: %s\n", e.to_string().c_str());
  return e.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFatal;
}

}  // namespace

int run_eval(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.flags = {"--help", "--json"};
  spec.with_value = {"--model",   "--data",     "--text-field", "--label-field",
                     "--threads", "--data-dir", "--group",      "--predictions"};
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
  // Labels to score on: the model's, or their groups under --group.
  const std::vector<std::string>& labels = (*model)->info().labels;
  std::map<std::string, std::string> to_coarse;
  for (const std::string& pair : split_list(args.get("--group").value_or(""))) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size() ||
        std::find(labels.begin(), labels.end(), pair.substr(0, eq)) == labels.end()) {
      return fail(make_error(ErrorCode::kInvalidArgument,
                             "--group: \"" + pair + "\" is not FINE=COARSE with FINE a label of " +
                                 (*model)->detector_name()));
    }
    to_coarse[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  std::vector<std::string> coarse;
  std::vector<std::size_t> group;
  for (const std::string& l : labels) {
    const auto it = to_coarse.find(l);
    const std::string& c = it == to_coarse.end() ? l : it->second;
    auto pos = std::find(coarse.begin(), coarse.end(), c);
    if (pos == coarse.end()) pos = coarse.insert(coarse.end(), c);
    group.push_back(static_cast<std::size_t>(pos - coarse.begin()));
  }
  auto data = label_records(file->records, coarse, *data_path, "the labels scored");
  if (!data) return fail(data.error());
  std::optional<PriorDetectors> prior;
  if ((*model)->uses_prior_findings()) {
    // The model's features include the rule and PII findings: run those detectors as scan does.
    auto loaded = load_prior_detectors(data_dir + "/rules", *normalizer);
    if (!loaded) return fail(loaded.error());
    prior = std::move(loaded).value();
    const std::string& trained_with = (*model)->info().rules_sha256;
    if (!trained_with.empty() && prior->rules->content_hash() != trained_with) {
      std::fprintf(stderr,
                   "tincay eval: note: the rule packs in %s/rules differ from those %s was "
                   "trained with; its rule features may score differently\n",
                   data_dir.c_str(), (*model)->detector_name().c_str());
    }
  }
  const std::vector<float> logits =
      score_records(**model, file->records, *normalizer, prior ? &*prior : nullptr, pool);
  const GroupedScores scores = score_grouped(**model, *data, logits, coarse.size(), group);
  const EvalReport report =
      compute_metrics((*model)->info().head, coarse, *data, scores.probs, scores.decision);
  if (auto path = args.get("--predictions")) {
    const bool softmax = (*model)->info().head == ModelHead::kSoftmax;
    if (Status s = write_predictions(*path, file->records, coarse, softmax, scores); !s) {
      return fail(s.error());
    }
  }
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
