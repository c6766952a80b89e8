// tincay check: checks a draft before it is posted, against the problems the Code of Conduct on
// social networks (Decision 874/QĐ-BTTTT) asks people to avoid: others' personal data, insults
// and offensive words, hate, known false claims, scam patterns. Each problem is printed with its
// span on the draft and a concrete suggestion, in Vietnamese or English.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "tincay/claims.h"
#include "tincay/core/utf8.h"
#include "tincay/pipeline.h"
#include "tincay/store.h"

#include "src/cli/args.h"
#include "src/cli/commands.h"

namespace tincay::cli {
namespace {

constexpr int kExitProblem = 1;      // the draft has at least one problem
constexpr int kExitCannotCheck = 4;  // a file, the database or the data directory failed

constexpr const char* kCheckHelp = R"(usage: tincay check "TEXT" [options]
       tincay check --file FILE [options]

Checks a draft before posting against the Code of Conduct on social networks (Decision
874/QĐ-BTTTT): personal data of others, insults and offensive words, hate, known false claims
(the claim database), scam patterns. Prints each problem with its span (code points of the
draft) and a suggestion.

options:
  --file FILE      read the draft from FILE ('-' is stdin)
  --lang L         vi (default) or en: the language of the messages
  --db PATH        claim database (default: tincay.db when it exists)
  --no-db          do not read the database (no claim matching unless --claims)
  --claims FILE    match against the claims of FILE (JSONL or CSV) instead of the database
  --data-dir DIR   rules and data files (default: found next to the binary)
  --quiet          print nothing, only set the exit status
exit status: 0 no problem found, 1 problems found, 2 usage error, 4 the check could not run
)";

struct Messages {
  bool vi = true;
  const char* pick(const char* vi_text, const char* en_text) const {
    return vi ? vi_text : en_text;
  }
};

// The value of `key` in a "k=v;k=v" finding value.
std::string value_field(const std::optional<std::string>& value, const std::string& key) {
  if (!value) return "";
  const std::string& v = *value;
  const std::string needle = key + "=";
  std::size_t pos = 0;
  while (pos < v.size()) {
    std::size_t end = v.find(';', pos);
    if (end == std::string::npos) end = v.size();
    if (v.compare(pos, needle.size(), needle) == 0) {
      return v.substr(pos + needle.size(), end - pos - needle.size());
    }
    pos = end + 1;
  }
  return "";
}

// Masks all but the first two and last two digits or letters of `s` (for personal data).
std::string mask(std::string_view s) {
  std::size_t total = 0;
  for (const char c : s) total += std::isalnum(static_cast<unsigned char>(c)) != 0 ? 1 : 0;
  std::string out;
  std::size_t seen = 0;
  for (const char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      out.push_back(seen < 2 || seen + 2 >= total ? c : '*');
      ++seen;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string suggestion(const Finding& f, std::string_view quote, const Messages& m) {
  switch (f.category) {
    case Category::kPrivacy:
      return std::string(m.pick(
                 "Đây là dữ liệu cá nhân của người khác. Gợi ý: xoá đi, hoặc che bớt, ví dụ \"",
                 "This is someone's personal data. Suggestion: remove it, or mask it, e.g. \"")) +
             mask(quote) + "\".";
    case Category::kHarassment:
      return m.pick(
          "Lời lẽ xúc phạm người khác. Gợi ý: viết lại, góp ý về việc làm hay ý kiến, không nhắm "
          "vào con người.",
          "Insulting someone. Suggestion: rephrase; criticise the act or the idea, not the "
          "person.");
    case Category::kProfanity:
      return m.pick("Từ ngữ tục tĩu. Gợi ý: bỏ hoặc thay bằng từ ngữ lịch sự.",
                    "Offensive words. Suggestion: remove them or use polite wording.");
    case Category::kHate:
      return m.pick(
          "Công kích một nhóm người vì dân tộc, tôn giáo, giới, vùng miền... Gợi ý: bỏ đoạn này.",
          "Attacks a group for ethnicity, religion, gender, region... Suggestion: remove this "
          "part.");
    case Category::kMisinformation: {
      const std::string checker = value_field(f.value, "fact_checker");
      const std::string url = value_field(f.value, "source_url");
      const std::string verdict = value_field(f.value, "verdict");
      if (m.vi) {
        return "Nội dung này lặp lại một thông tin đã được " + checker + " kết luận là " +
               (verdict == "misleading" ? "gây hiểu lầm" : "sai") + " (" + url +
               "). Gợi ý: đọc bài kiểm chứng, dẫn nguồn đáng tin cậy hoặc bỏ thông tin này.";
      }
      return "This repeats a claim rated " + verdict + " by " + checker + " (" + url +
             "). Suggestion: read the fact-check, cite a reliable source, or drop the claim.";
    }
    case Category::kScam:
      return m.pick(
          "Giống mẫu lừa đảo (đặt cọc, OTP, việc nhẹ lương cao, trúng thưởng...). Gợi ý: không yêu "
          "cầu chuyển tiền hay mã OTP; nêu rõ danh tính và kênh chính thức.",
          "Looks like a scam pattern (deposits, OTP codes, easy jobs, prizes). Suggestion: do not "
          "ask for money or codes; state who you are and an official channel.");
    case Category::kFalseAdvertising:
      return m.pick(
          "Quảng cáo có thể sai sự thật (chữa khỏi 100%, thần dược...). Gợi ý: bỏ lời hứa tuyệt "
          "đối, dẫn giấy phép hoặc nguồn kiểm chứng.",
          "Possibly false advertising (100% cure, miracle product). Suggestion: drop absolute "
          "promises; cite a licence or evidence.");
    case Category::kSpam:
      return m.pick(
          "Giống nội dung rác hoặc đăng lặp lại. Gợi ý: viết nội dung riêng, tránh đăng hàng loạt.",
          "Looks like spam or repeated posting. Suggestion: write your own text; avoid mass "
          "posting.");
    case Category::kSexual:
      return m.pick("Nội dung tình dục. Gợi ý: bỏ đoạn này.",
                    "Sexual content. Suggestion: remove this part.");
    case Category::kViolence:
      return m.pick("Lời đe doạ hoặc kích động bạo lực. Gợi ý: bỏ đoạn này.",
                    "A threat or incitement to violence. Suggestion: remove this part.");
    case Category::kSelfHarm:
      return m.pick(
          "Nội dung về tự hại. Nếu bạn đang gặp khó khăn, hãy gọi Tổng đài quốc gia bảo vệ trẻ em "
          "111 hoặc tìm người bạn tin tưởng.",
          "Self-harm content. If you are struggling, please reach out to someone you trust or a "
          "local helpline.");
  }
  return "";
}

Result<std::string> read_text(const std::string& path) {
  if (path == "-") {
    std::ostringstream buf;
    buf << std::cin.rdbuf();
    return buf.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, "cannot open", path);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return make_error(ErrorCode::kIo, "cannot read", path);
  return buf.str();
}

int cannot_check(const Error& e) {
  std::fprintf(stderr, "tincay check: %s\n", e.to_string().c_str());
  return e.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitCannotCheck;
}

int usage(const std::string& why) {
  std::fprintf(stderr, "tincay check: %s\n%s", why.c_str(), kCheckHelp);
  return kExitUsage;
}

}  // namespace

int run_check(const std::vector<std::string>& argv) {
  ArgSpec spec;
  spec.flags = {"--no-db", "--quiet", "--help"};
  spec.with_value = {"--file", "--lang", "--db", "--claims", "--data-dir"};
  auto parsed = parse_args(argv, spec);
  if (!parsed) return usage(parsed.error().message);
  const Args& args = *parsed;
  if (args.has("--help")) {
    std::fputs(kCheckHelp, stdout);
    return kExitOk;
  }
  Messages m;
  const std::string lang = args.get("--lang").value_or("vi");
  if (lang != "vi" && lang != "en") return usage("--lang must be vi or en");
  m.vi = lang == "vi";
  const bool quiet = args.has("--quiet");
  if (args.has("--no-db") && args.get("--db"))
    return usage("--db and --no-db contradict each other");

  std::string text;
  if (auto file = args.get("--file")) {
    if (!args.positional.empty()) return usage("give the draft as TEXT or with --file, not both");
    auto read = read_text(*file);
    if (!read) return cannot_check(read.error());
    text = std::move(read).value();
  } else {
    if (args.positional.size() != 1) return usage("give the draft as one TEXT argument or --file");
    text = args.positional[0];
  }
  if (const std::size_t bad = utf8::first_invalid(text); bad != text.size()) {
    return cannot_check(make_error(ErrorCode::kInvalidInput, "the draft is not valid UTF-8 (byte " +
                                                                 std::to_string(bad + 1) + ")"));
  }

  PipelineOptions options;
  options.data_dir = resolve_data_dir(args.get("--data-dir").value_or(""));
  options.campaigns = false;  // one draft is not a stream
  if (auto claims_file = args.get("--claims")) {
    auto loaded = load_claim_file(*claims_file, guess_claim_format(*claims_file));
    if (!loaded) return cannot_check(loaded.error());
    for (const Error& e : loaded->errors)
      std::fprintf(stderr, "warning: %s\n", e.to_string().c_str());
    options.claims = std::move(loaded->claims);
  } else if (!args.has("--no-db")) {
    const auto db = args.get("--db");
    std::error_code ec;
    if (db || std::filesystem::exists("tincay.db", ec)) {
      auto store = open_sqlite_store(db.value_or("tincay.db"));
      if (!store) return cannot_check(store.error());
      auto claims = (*store)->list_claims();
      if (!claims) return cannot_check(claims.error());
      options.claims = std::move(claims).value();
    }
  }
  auto pipeline = Pipeline::create(options);
  if (!pipeline) return cannot_check(pipeline.error());

  Post post;
  post.id = "draft";
  post.text = text;
  post.lang = lang;
  const Decision d = (*pipeline)->process(post);

  std::size_t problems = 0;
  utf8::CodePointCounter counter(text);
  for (const Finding& f : d.findings) {
    if (d.score(f.category) < (*pipeline)->policy().flag_threshold()) continue;
    ++problems;
    if (quiet) continue;
    ByteSpan span = f.evidence.empty() ? ByteSpan{0, static_cast<std::uint32_t>(text.size())}
                                       : f.evidence.front();
    span.end = std::min<std::uint32_t>(span.end, static_cast<std::uint32_t>(text.size()));
    span.begin = std::min(span.begin, span.end);
    const std::string_view quote = std::string_view(text).substr(span.begin, span.end - span.begin);
    const std::size_t from = counter.to_code_points(span.begin);
    const std::size_t to = counter.to_code_points(span.end);
    std::printf("%zu. %s [%s] %s %zu-%zu: \"%.*s\"\n   %s\n", problems,
                std::string(category_name(f.category)).c_str(), f.detector.c_str(),
                m.pick("ký tự", "characters"), from, to, static_cast<int>(quote.size()),
                quote.data(), suggestion(f, quote, m).c_str());
  }
  if (!quiet) {
    if (problems == 0) {
      std::printf(
          "%s\n",
          m.pick(
              "Không phát hiện vấn đề theo Bộ Quy tắc ứng xử trên mạng xã hội (QĐ 874/QĐ-BTTTT).",
              "No problem found against the Code of Conduct on social networks (Decision "
              "874/QĐ-BTTTT)."));
    } else {
      std::printf("%s %zu\n",
                  m.pick("Số vấn đề cần sửa trước khi đăng:", "Problems to fix before posting:"),
                  problems);
    }
  }
  return problems == 0 ? kExitOk : kExitProblem;
}

}  // namespace tincay::cli
