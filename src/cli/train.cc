// tincay train: labelled JSONL in, a model file out (src/detect/model/, docs/models.md).
#include "tincay/detect/train.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "tincay/core/time.h"

#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/cli/labeled_data.h"

namespace tincay::cli {
namespace {

constexpr const char* kTrainHelp = R"(usage: tincay train --data TRAIN.jsonl --out MODEL [options]

Trains a hashed n-gram linear classifier on labelled JSONL (one object per line with a text field
and a label field) and writes a model file (docs/models.md). Early stopping and calibration use
--dev when given, else a stratified --holdout share of TRAIN (never pass a dev split you report).

data:
  --data FILE               training data (required)
  --dev FILE                validation data for early stopping and calibration
  --holdout F               share of TRAIN held out for validation without --dev (default 0.1)
  --text-field NAME         (default text)
  --label-field NAME        (default label); an array value means several labels
  --labels A,B,...          label order (default: sorted labels of the data)
  --multilabel              one independent probability per label instead of a softmax
model:
  --out FILE                model file to write (required)
  --name NAME               model name used in findings (default: file name without .model)
  --version V               model version used in findings (default 1)
  --categories L=CAT,...    map labels to tincay categories for `tincay scan` (e.g. HATE=harassment)
  --format F                int8 (default) or float32 weights
  --created-at TIME         RFC 3339 creation time to record (default: now)
features:
  --bucket-bits N           2^N hash buckets (default 20)
  --word-ngrams N           syllable 1..N-grams of the text (default 3)
  --shadow-word-ngrams N    syllable 1..N-grams of the diacritics-free shadow (default 2)
  --char-min N, --char-max N  character n-grams of each syllable (default 2..5; --char-max 0: off)
  --no-char-text, --no-char-shadow   drop the character n-grams of the text / the shadow
  --meta LIST               dense extras, comma-separated: shape (binned length, script, symbol,
                            digit and link features, unscaled), mean (n-gram sum / count instead
                            of / sqrt(count): long posts do not drift with length), rules
                            (the findings of the rule packs in DATA_DIR/rules and the PII
                            detectors: which fired, each category's best score, their count;
                            `tincay scan` then feeds the model the same findings), text
                            (binned spam-shape features: words that are no Vietnamese syllable,
                            emoji, repeated characters and words, list and price punctuation)
  --aux-model M,...         auxiliary models (bundled names or model files, e.g. trained on other
                            data sets): their binned calibrated probabilities become features
                            (stacking) and the models are embedded in the model file (format 5)
training:
  --epochs N (30)  --patience N (4)  --lr X (0.1)  --l2 X (0)  --batch N (128)
  --runs N                  train N seeds and average their weights (default 1)
  --class-weight-power X    class weight (n / (labels * n_class))^X (default 0.5; 0 = none)
  --tune METRIC             tune per-label decision offsets on the validation data for macro_f1
                            or f1.<LABEL> (default: none); calibration is fitted after, so the
                            probabilities stay honest
  --tune-group FINE=COARSE,...  with --tune macro_f1: score the tuning on coarser labels (e.g.
                            SPAM_1=SPAM,SPAM_2=SPAM,SPAM_3=SPAM), as `tincay eval --group` does
  --seed N                  (default 1); the same seed gives the same model on any --threads
  --threads N               (default: all cores)
  --data-dir DIR            normalizer data (as for scan)
  --quiet                   no progress
)";

int fail(const Error& e) {
  std::fprintf(stderr, "tincay train: %s\n", e.to_string().c_str());
  return e.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFatal;
}

Result<double> parse_double(const std::string& flag, const std::string& value, double lo,
                            double hi) {
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0' || !(v >= lo && v <= hi)) {
    return make_error(ErrorCode::kInvalidArgument,
                      flag + " needs a number in [" + std::to_string(lo) + ", " +
                          std::to_string(hi) + "], got \"" + value + "\"");
  }
  return v;
}

Result<std::size_t> count_flag(const Args& args, const std::string& flag, std::size_t fallback,
                               std::size_t lo, std::size_t hi) {
  const auto v = args.get(flag);
  if (!v) return fallback;
  auto n = parse_count(flag, *v);
  if (!n) return n.error();
  if (*n < lo || *n > hi) {
    return make_error(ErrorCode::kInvalidArgument,
                      flag + " must be in " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return *n;
}

#define TINCAY_FLAG(var, expr)                \
  auto var##_r = (expr);                      \
  if (!var##_r) return fail(var##_r.error()); \
  const auto var = *var##_r  // NOLINT(bugprone-macro-parentheses): `var` names a variable

}  // namespace

int run_train(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.flags = {"--help", "--quiet", "--multilabel", "--no-char-text", "--no-char-shadow"};
  spec.with_value = {"--data",        "--dev",         "--holdout",
                     "--text-field",  "--label-field", "--labels",
                     "--out",         "--name",        "--version",
                     "--categories",  "--format",      "--created-at",
                     "--bucket-bits", "--word-ngrams", "--shadow-word-ngrams",
                     "--char-min",    "--char-max",    "--epochs",
                     "--patience",    "--lr",          "--l2",
                     "--runs",        "--batch",       "--class-weight-power",
                     "--seed",        "--threads",     "--data-dir",
                     "--meta",        "--tune",        "--tune-group",
                     "--aux-model"};
  auto parsed = parse_args(argv, spec);
  if (!parsed) {
    std::fprintf(stderr, "tincay train: %s\n%s", parsed.error().message.c_str(), kTrainHelp);
    return kExitUsage;
  }
  const Args& args = *parsed;
  if (args.has("--help")) {
    std::fputs(kTrainHelp, stdout);
    return kExitOk;
  }
  const auto data_path = args.get("--data");
  const auto out_path = args.get("--out");
  if (!data_path || !out_path) {
    return fail(make_error(ErrorCode::kInvalidArgument, "--data and --out are required"));
  }
  const bool quiet = args.has("--quiet");

  TrainOptions opt;
  opt.head = args.has("--multilabel") ? ModelHead::kMultiLabel : ModelHead::kSoftmax;
  TINCAY_FLAG(bucket_bits, count_flag(args, "--bucket-bits", 20, 8, 26));
  TINCAY_FLAG(word_ngrams, count_flag(args, "--word-ngrams", 3, 0, 3));
  TINCAY_FLAG(shadow_word_ngrams, count_flag(args, "--shadow-word-ngrams", 2, 0, 3));
  TINCAY_FLAG(char_min, count_flag(args, "--char-min", 2, 1, 8));
  TINCAY_FLAG(char_max, count_flag(args, "--char-max", 5, 0, 8));
  if (char_max > 0 && char_min > char_max) {
    return fail(make_error(ErrorCode::kInvalidArgument, "--char-min is above --char-max"));
  }
  opt.features.bucket_bits = static_cast<std::uint8_t>(bucket_bits);
  opt.features.word_ngrams = static_cast<std::uint8_t>(word_ngrams);
  opt.features.shadow_word_ngrams = static_cast<std::uint8_t>(shadow_word_ngrams);
  opt.features.char_min = static_cast<std::uint8_t>(char_min);
  opt.features.char_max = static_cast<std::uint8_t>(char_max);
  opt.features.char_text = !args.has("--no-char-text");
  opt.features.char_shadow = !args.has("--no-char-shadow");
  for (const std::string& m : split_list(args.get("--meta").value_or(""))) {
    if (m == "shape") {
      opt.features.meta |= kMetaShape;
    } else if (m == "mean") {
      opt.features.meta |= kMetaMeanNorm;
    } else if (m == "rules") {
      opt.features.meta |= kMetaRules;
    } else if (m == "text") {
      opt.features.meta |= kMetaText;
    } else {
      return fail(make_error(ErrorCode::kInvalidArgument,
                             "--meta: \"" + m + "\" is not shape, mean, rules or text"));
    }
  }
  opt.tune_metric = args.get("--tune").value_or("");
  TINCAY_FLAG(epochs, count_flag(args, "--epochs", 30, 1, 10000));
  TINCAY_FLAG(patience, count_flag(args, "--patience", 4, 1, 10000));
  TINCAY_FLAG(batch, count_flag(args, "--batch", 128, 1, 1u << 20));
  TINCAY_FLAG(runs, count_flag(args, "--runs", 1, 1, 100));
  TINCAY_FLAG(seed, count_flag(args, "--seed", 1, 0, 999999999));
  TINCAY_FLAG(threads, count_flag(args, "--threads", 0, 0, 1024));
  TINCAY_FLAG(lr, parse_double("--lr", args.get("--lr").value_or("0.1"), 1e-6, 100.0));
  TINCAY_FLAG(l2, parse_double("--l2", args.get("--l2").value_or("0"), 0.0, 10.0));
  TINCAY_FLAG(cwp, parse_double("--class-weight-power",
                                args.get("--class-weight-power").value_or("0.5"), 0.0, 4.0));
  TINCAY_FLAG(holdout, parse_double("--holdout", args.get("--holdout").value_or("0.1"), 0.01, 0.9));
  opt.max_epochs = epochs;
  opt.patience = patience;
  opt.batch_size = batch;
  opt.runs = runs;
  opt.seed = seed;
  opt.learning_rate = lr;
  opt.l2 = l2;
  opt.class_weight_power = cwp;
  const std::string format = args.get("--format").value_or("int8");
  if (format == "int8") {
    opt.format = WeightFormat::kInt8Row;
  } else if (format == "float32") {
    opt.format = WeightFormat::kFloat32;
  } else {
    return fail(make_error(ErrorCode::kInvalidArgument, "--format must be int8 or float32"));
  }

  const std::string text_field = args.get("--text-field").value_or("text");
  const std::string label_field = args.get("--label-field").value_or("label");
  auto train_file = read_labeled_file(*data_path, text_field, label_field);
  if (!train_file) return fail(train_file.error());
  std::optional<LabeledFile> dev_file;
  if (auto dev = args.get("--dev")) {
    auto read = read_labeled_file(*dev, text_field, label_field);
    if (!read) return fail(read.error());
    dev_file = std::move(read).value();
  }

  ModelInfo info;
  if (auto order = args.get("--labels")) {
    info.labels = split_list(*order);
  } else {
    for (const auto& r : train_file->records) {
      for (const auto& l : r.labels) info.labels.push_back(l);
    }
    std::sort(info.labels.begin(), info.labels.end());
    info.labels.erase(std::unique(info.labels.begin(), info.labels.end()), info.labels.end());
  }
  info.categories.assign(info.labels.size(), std::nullopt);
  if (auto c = args.get("--categories")) {
    for (const std::string& pair : split_list(*c)) {
      const auto eq = pair.find('=');
      const std::string label = pair.substr(0, eq);
      const auto it = std::find(info.labels.begin(), info.labels.end(), label);
      const auto category =
          eq == std::string::npos ? std::nullopt : parse_category(pair.substr(eq + 1));
      if (it == info.labels.end() || !category) {
        return fail(make_error(ErrorCode::kInvalidArgument,
                               "--categories: \"" + pair +
                                   "\" is not LABEL=CATEGORY with a known label and category"));
      }
      info.categories[static_cast<std::size_t>(it - info.labels.begin())] = *category;
    }
  }
  if (auto g = args.get("--tune-group")) {
    // Groups are numbered in the order of the labels they first cover.
    std::vector<std::string> names;
    for (const std::string& label : info.labels) {
      std::string coarse = label;
      for (const std::string& pair : split_list(*g)) {
        const auto eq = pair.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size() ||
            std::find(info.labels.begin(), info.labels.end(), pair.substr(0, eq)) ==
                info.labels.end()) {
          return fail(
              make_error(ErrorCode::kInvalidArgument,
                         "--tune-group: \"" + pair + "\" is not FINE=COARSE with a known label"));
        }
        if (pair.substr(0, eq) == label) coarse = pair.substr(eq + 1);
      }
      auto it = std::find(names.begin(), names.end(), coarse);
      if (it == names.end()) it = names.insert(names.end(), coarse);
      opt.tune_groups.push_back(static_cast<std::size_t>(it - names.begin()));
    }
  }
  std::string stem = *out_path;
  if (const auto slash = stem.rfind('/'); slash != std::string::npos) stem = stem.substr(slash + 1);
  if (stem.size() > 6 && stem.compare(stem.size() - 6, 6, ".model") == 0)
    stem.resize(stem.size() - 6);
  info.name = args.get("--name").value_or(stem);
  info.version = args.get("--version").value_or("1");
  SystemClock clock;
  info.created_at = args.get("--created-at").value_or(format_rfc3339_utc(clock.now_unix()));
  info.train_sha256 = train_file->sha256;
  info.train_source = *data_path;
  if (dev_file) info.train_source += " (validation: " + *args.get("--dev") + ")";
  std::string hyper;
  for (const auto& [flag, value] : args.values) {
    if (flag == "--data" || flag == "--dev" || flag == "--out" || flag == "--data-dir" ||
        flag == "--threads" || flag == "--created-at") {
      continue;
    }
    if (!hyper.empty()) hyper += ' ';
    hyper += flag;
    hyper += '=';
    hyper += value;
  }
  for (const auto& flag : args.flags) {
    if (flag != "--quiet") hyper += (hyper.empty() ? "" : " ") + flag;
  }
  info.hyperparameters = hyper;

  NormalizeOptions nopts;
  nopts.data_dir = resolve_data_dir(args.get("--data-dir").value_or(""));
  auto normalizer = Normalizer::create(nopts);
  if (!normalizer) return fail(normalizer.error());
  ThreadPool pool(threads);
  auto train_all =
      to_labeled_texts(train_file->records, info.labels, *normalizer, pool, *data_path);
  if (!train_all) return fail(train_all.error());
  // Rule and PII findings: features of a --meta rules model or of an auxiliary model.
  bool needs_prior = (opt.features.meta & kMetaRules) != 0;
  for (const std::string& name : split_list(args.get("--aux-model").value_or(""))) {
    const std::string path = resolve_model_path(name, nopts.data_dir + "/models");
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      return fail(make_error(ErrorCode::kNotFound, "cannot read auxiliary model", path));
    }
    // Validated here so that a bad file is named by its path, not by its position.
    auto model = Model::from_bytes(bytes, path);
    if (!model) return fail(model.error());
    needs_prior = needs_prior || (*model)->uses_prior_findings();
    opt.aux_models.push_back(std::move(bytes));
  }
  std::optional<PriorDetectors> prior;
  const auto originals = [](const LabeledFile& f) {
    std::vector<std::string> texts;
    texts.reserve(f.records.size());
    for (const auto& r : f.records) texts.push_back(r.text);
    return texts;
  };
  if (needs_prior) {
    auto loaded = load_prior_detectors(nopts.data_dir + "/rules", *normalizer);
    if (!loaded) return fail(loaded.error());
    prior = std::move(loaded).value();
    if (opt.features.meta & kMetaRules) info.rules_sha256 = prior->rules->content_hash();
    attach_prior_findings(*prior, originals(*train_file), *train_all, pool);
  }
  std::vector<LabeledText> train;
  std::vector<LabeledText> valid;
  if (dev_file) {
    auto v =
        to_labeled_texts(dev_file->records, info.labels, *normalizer, pool, *args.get("--dev"));
    if (!v) return fail(v.error());
    if (prior) attach_prior_findings(*prior, originals(*dev_file), *v, pool);
    train = std::move(train_all).value();
    valid = std::move(v).value();
  } else {
    holdout_split(std::move(train_all).value(), holdout, seed, train, valid);
  }
  if (!quiet) {
    std::fprintf(stderr,
                 "training %s on %zu examples, validating on %zu (%zu labels, %zu threads)\n",
                 info.name.c_str(), train.size(), valid.size(), info.labels.size(), pool.size());
  }
  const auto progress = [&](const EpochReport& r) {
    if (quiet) return;
    if (r.epoch == 0) {
      std::fprintf(stderr, "run done: best validation macro-F1 %.4f\n", r.valid_macro_f1);
      return;
    }
    std::fprintf(
        stderr, "epoch %3zu  train loss %.4f  validation loss %.4f  macro-F1 %.4f%s  (%.2f s)\n",
        r.epoch, r.train_loss, r.valid_loss, r.valid_macro_f1, r.improved ? " *" : "", r.seconds);
  };
  const double start = clock.monotonic_seconds();
  auto bytes = train_model(train, valid, info, opt, pool, progress);
  if (!bytes) return fail(bytes.error());
  std::ofstream out(*out_path, std::ios::binary | std::ios::trunc);
  out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
  out.close();
  if (!out) return fail(make_error(ErrorCode::kIo, "cannot write model", *out_path));
  if (!quiet) {
    auto model = Model::from_bytes(std::move(bytes).value(), *out_path);
    if (!model) return fail(model.error());
    std::string metrics;
    for (const auto& [key, value] : (*model)->info().metrics) {
      char buf[96];
      std::snprintf(buf, sizeof(buf), "%s%s %.4g", metrics.empty() ? "" : ", ", key.c_str(), value);
      metrics += buf;
    }
    std::fprintf(stderr, "wrote %s (%s@%s, temperature %.3f) in %.1f s\nvalidation: %s\n",
                 out_path->c_str(), info.name.c_str(), info.version.c_str(),
                 (*model)->info().temperature, clock.monotonic_seconds() - start, metrics.c_str());
  }
  return kExitOk;
}

}  // namespace tincay::cli
