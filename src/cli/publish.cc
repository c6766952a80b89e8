// tincay publish: files of posts in, one JetStream message per accepted post out (docs/scaling.md).
// Ingest happens here (parsing, validation, pseudonymization), so raw author strings never reach
// the stream; `tincay worker` does the rest of what `tincay scan` does.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "tincay/core/json_writer.h"
#include "tincay/core/time.h"
#include "tincay/ingest.h"
#include "tincay/stream.h"

#include "src/cli/args.h"
#include "src/cli/commands.h"

namespace tincay::cli {
namespace {

constexpr const char* kPublishHelp = R"(usage: tincay publish [FILE ...] --nats URL [options]

Reads posts like 'tincay scan' (JSONL or CSV; '-' or nothing reads stdin), pseudonymizes their
authors, and publishes each accepted post to the JetStream stream, on subject PREFIX.<platform>.
Each message carries the post id as its Nats-Msg-Id, so publishing the same file again within
the stream's duplicate window (2 minutes) adds nothing. Workers ('tincay worker') take it from there.

options:
  --nats URL          NATS server (default: nats://127.0.0.1:4222)
  --stream NAME       stream to publish to, created when missing (default: TINCAY_POSTS)
  --subject-prefix P  subjects are P.<platform> (default: tincay.posts)
  --secret-file PATH  pseudonymization secret, created when missing (default: tincay.secret;
                      $TINCAY_SECRET wins); workers need none, but 'tincay scan' of the same
                      posts gives the same author keys only with the same secret
  --format F          jsonl or csv (default: by extension; stdin is jsonl)
  --quiet             no summary
exit status: 0 all records published, 3 some rejected, 2 usage error, 1 fatal error
)";

int fail(const Error& e) {
  std::fprintf(stderr, "tincay publish: %s\n", e.to_string().c_str());
  return e.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFatal;
}

}  // namespace

int run_publish(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.flags = {"--quiet", "--help"};
  spec.with_value = {"--nats", "--stream", "--subject-prefix", "--secret-file", "--format"};
  auto parsed = parse_args(argv, spec);
  if (!parsed) {
    std::fprintf(stderr, "tincay publish: %s\n%s", parsed.error().message.c_str(), kPublishHelp);
    return kExitUsage;
  }
  const Args& args = *parsed;
  if (args.has("--help")) {
    std::fputs(kPublishHelp, stdout);
    return kExitOk;
  }
  std::optional<InputFormat> format;
  if (auto f = args.get("--format")) {
    format = parse_input_format(*f);
    if (!format) {
      return fail(make_error(ErrorCode::kInvalidArgument, "--format must be jsonl or csv"));
    }
  }
  StreamOptions options;
  options.url = args.get("--nats").value_or(options.url);
  options.stream = args.get("--stream").value_or(options.stream);
  options.subject_prefix = args.get("--subject-prefix").value_or(options.subject_prefix);

  auto secret = load_or_create_secret(args.get("--secret-file").value_or("tincay.secret"));
  if (!secret) return fail(secret.error());
  const Pseudonymizer pseudonymizer(*secret);

  auto publisher = StreamPublisher::connect(options);
  if (!publisher) return fail(publisher.error());

  std::vector<std::string> inputs = args.positional;
  if (inputs.empty()) inputs.emplace_back("-");
  const SystemClock clock;
  const double start = clock.monotonic_seconds();
  std::size_t published = 0, rejected = 0;
  int status = kExitOk;
  IngestOptions ingest;
  for (const std::string& input : inputs) {
    auto reader = open_reader(input, format.value_or(guess_format(input)), ingest, pseudonymizer);
    if (!reader) {
      std::fprintf(stderr, "tincay publish: %s\n", reader.error().to_string().c_str());
      status = kExitFatal;
      continue;
    }
    while (auto item = (*reader)->next()) {
      if (auto* rejection = std::get_if<Rejection>(&*item)) {
        ++rejected;
        std::fprintf(stderr, "%s:%zu: %s\n", rejection->source.c_str(), rejection->line,
                     rejection->reason.c_str());
        continue;
      }
      const Post& post = std::get<Post>(*item);
      if (Status s = (*publisher)
                         ->publish(platform_subject(options.subject_prefix, post.platform),
                                   post_to_message(post), post.id);
          !s) {
        return fail(s.error());
      }
      ++published;
    }
  }
  if (Status s = (*publisher)->flush(); !s) return fail(s.error());
  if (!args.has("--quiet")) {
    const double secs = clock.monotonic_seconds() - start;
    std::fprintf(stderr,
                 "published %zu post%s to %s (%lld already on the stream), %zu rejected, "
                 "%.0f posts/s\n",
                 published, published == 1 ? "" : "s", options.stream.c_str(),
                 static_cast<long long>((*publisher)->duplicates()), rejected,
                 secs > 0 ? static_cast<double>(published) / secs : 0.0);
  }
  if (status == kExitOk && rejected > 0) status = kExitRejected;
  return status;
}

}  // namespace tincay::cli
