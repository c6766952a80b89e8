// Runs tests/data/normalize/golden.tsv: each line is an input and the normalized text (and
// shadow) a user must get. Adding a case is adding a line.
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tincay/core/utf8.h"
#include "tincay/normalize.h"

namespace tincay {
namespace {

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 't') {
      out += '\t';
      ++i;
    } else if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == 'u' || s[i + 1] == 'U')) {
      const std::size_t len = s[i + 1] == 'u' ? 4 : 8;
      utf8::append(out, static_cast<char32_t>(std::stoul(s.substr(i + 2, len), nullptr, 16)));
      i += 1 + len;
    } else {
      out += s[i];
    }
  }
  return out;
}

TEST(NormalizeGolden, EveryLineNormalizesAsExpected) {
  NormalizeOptions options;
  options.data_dir = TINCAY_SOURCE_DIR;
  const Normalizer n = Normalizer::create(options).value();
  const std::string path = std::string(TINCAY_SOURCE_DIR) + "/tests/data/normalize/golden.tsv";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::string line;
  std::size_t line_no = 0;
  std::size_t cases = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::size_t start = 0;
    for (std::size_t at; (at = line.find('\t', start)) != std::string::npos; start = at + 1) {
      f.push_back(line.substr(start, at - start));
    }
    f.push_back(line.substr(start));
    ASSERT_GE(f.size(), 2u) << path << ":" << line_no << ": need input and expected text";
    const std::string input = unescape(f[0]);
    const NormalizedText t = n.normalize(input);
    EXPECT_EQ(t.text, f[1]) << path << ":" << line_no << ": input " << f[0];
    if (f.size() > 2) EXPECT_EQ(t.shadow, f[2]) << path << ":" << line_no;
    ASSERT_EQ(t.text_map.size(), t.text.size());
    ASSERT_EQ(t.shadow_map.size(), t.shadow.size());
    for (const ByteSpan& s : t.text_map) ASSERT_LE(s.end, input.size()) << path << ":" << line_no;
    ++cases;
  }
  EXPECT_GT(cases, 40u);
}

}  // namespace
}  // namespace tincay
