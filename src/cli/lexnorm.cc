// tincay lexnorm build|eval: the teencode lexicon from a lexical-normalization corpus (ViLexNorm
// train) and the Error Reduction Rate of the normalizer on a split of it.
#include "tincay/normalize/lexnorm.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "tincay/normalize.h"

#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/cli/labeled_data.h"

namespace tincay::cli {
namespace {

constexpr const char* kHelp =
    R"(usage: tincay lexnorm build --train FILE [--out FILE] [--min-count N]
       tincay lexnorm eval --data FILE [--data-dir DIR] [--json]

build  counts how each written form is normalized in FILE (JSONL: "text" original, "label"
       normalized, as ../shared/datasets/vilexnorm/train.jsonl) and writes the teencode lexicon
       (default data/normalize/teencode.tsv under the data directory). Use a train split only.
eval   scores `tincay normalize` on FILE: token accuracy of leaving text as is (LAI), of the
       normalizer, and the Error Reduction Rate (ERR) of the ViLexNorm paper, both with
       ambiguous forms kept as written and with their most frequent reading.
)";

Result<std::vector<lexnorm::Pair>> read_pairs(const std::string& path) {
  auto file = read_labeled_file(path, "text", "label");
  if (!file) return file.error();
  std::vector<lexnorm::Pair> pairs;
  for (LabeledRecord& r : file->records) {
    if (r.labels.size() != 1) continue;
    pairs.push_back({std::move(r.text), std::move(r.labels[0])});
  }
  return pairs;
}

int build(const Args& args, const std::string& data_dir) {
  const auto train = args.get("--train");
  if (!train) {
    std::cerr << "tincay lexnorm build: --train FILE is required\n";
    return kExitUsage;
  }
  auto pairs = read_pairs(*train);
  if (!pairs) {
    std::cerr << "tincay lexnorm build: " << pairs.error().to_string() << "\n";
    return kExitFatal;
  }
  NormalizeOptions base_options;  // no data dir: no lexicon, nothing expanded
  base_options.deobfuscate = false;
  auto base = Normalizer::create(base_options);
  if (!base) {
    std::cerr << "tincay lexnorm build: " << base.error().to_string() << "\n";
    return kExitFatal;
  }
  lexnorm::LexiconBuildOptions options;
  if (const auto v = args.get("--min-count")) options.min_count = std::stoul(*v);
  std::string name = *train;
  if (const std::size_t slash = name.rfind('/'); slash != std::string::npos) {
    const std::size_t prev = name.rfind('/', slash - 1);
    name = name.substr(prev == std::string::npos ? 0 : prev + 1);
  }
  const std::string tsv = lexnorm::build_lexicon(
      *base, *pairs, options, name + " (" + std::to_string(pairs->size()) + " sentence pairs)");
  const std::string out_path =
      args.get("--out").value_or(data_dir + "/data/normalize/teencode.tsv");
  std::ofstream out(out_path, std::ios::binary);
  out << tsv;
  if (!out) {
    std::cerr << "tincay lexnorm build: " << out_path << ": cannot write\n";
    return kExitFatal;
  }
  std::cerr << "wrote " << out_path << "\n";
  return kExitOk;
}

int eval(const Args& args, const std::string& data_dir) {
  const auto data = args.get("--data");
  if (!data) {
    std::cerr << "tincay lexnorm eval: --data FILE is required\n";
    return kExitUsage;
  }
  auto pairs = read_pairs(*data);
  if (!pairs) {
    std::cerr << "tincay lexnorm eval: " << pairs.error().to_string() << "\n";
    return kExitFatal;
  }
  NormalizeOptions options;
  options.data_dir = data_dir;
  auto normalizer = Normalizer::create(options);
  if (!normalizer) {
    std::cerr << "tincay lexnorm eval: " << normalizer.error().to_string() << "\n";
    return kExitFatal;
  }
  const lexnorm::Score kept =
      lexnorm::evaluate(*normalizer, *pairs, lexnorm::AmbiguityPolicy::kAsWritten);
  const lexnorm::Score first =
      lexnorm::evaluate(*normalizer, *pairs, lexnorm::AmbiguityPolicy::kFirstAlternative);
  if (args.has("--json")) {
    std::printf(
        "{\"sentences\":%zu,\"tokens\":%zu,\"lai_accuracy\":%.4f,\"accuracy\":%.4f,"
        "\"err\":%.4f,\"accuracy_first_reading\":%.4f,\"err_first_reading\":%.4f}\n",
        kept.sentences, kept.tokens, kept.baseline_accuracy(), kept.system_accuracy(), kept.err(),
        first.system_accuracy(), first.err());
    return kExitOk;
  }
  std::printf("sentences                      %zu\n", kept.sentences);
  std::printf("tokens                         %zu (%zu need normalizing)\n", kept.tokens,
              kept.needs_change);
  std::printf("accuracy, leave as is (LAI)    %.2f%%\n", 100 * kept.baseline_accuracy());
  std::printf("accuracy, tincay normalize     %.2f%%  (ambiguous forms kept as written)\n",
              100 * kept.system_accuracy());
  std::printf("ERR                            %.2f%%\n", 100 * kept.err());
  std::printf("accuracy, first reading        %.2f%%  (ambiguous forms read as most frequent)\n",
              100 * first.system_accuracy());
  std::printf("ERR, first reading             %.2f%%\n", 100 * first.err());
  return kExitOk;
}

}  // namespace

int run_lexnorm(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.flags = {"--help", "--json"};
  spec.with_value = {"--train", "--data", "--out", "--data-dir", "--min-count"};
  auto args = parse_args(argv, spec);
  if (!args) {
    std::cerr << "tincay lexnorm: " << args.error().message << "\n" << kHelp;
    return kExitUsage;
  }
  if (args->has("--help")) {
    std::cout << kHelp;
    return kExitOk;
  }
  const std::string data_dir = resolve_data_dir(args->get("--data-dir").value_or(""));
  const std::string sub = args->positional.empty() ? "" : args->positional[0];
  if (sub == "build") return build(*args, data_dir);
  if (sub == "eval") return eval(*args, data_dir);
  std::cerr << "tincay lexnorm: expected 'build' or 'eval'\n" << kHelp;
  return kExitUsage;
}

}  // namespace tincay::cli
