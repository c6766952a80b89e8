// tincay normalize through the real binary: one output line per input line, --json with tokens,
// original offsets and alternatives, and a clear error for a broken lexicon.
#include <string>

#include <gtest/gtest.h>

#include "tests/support/subprocess.h"

namespace tincay {
namespace {

using testing::run_command;

TEST(NormalizeCli, OneLinePerInputLine) {
  const auto r = run_command({TINCAY_BINARY, "normalize"},
                             "Ko bít nói j luôn\n\nl.ừ.a đ.ả.o\r\nbad\xff\nHOÀ\n");
  EXPECT_EQ(r.exit_code, 3);  // one line was rejected
  EXPECT_EQ(r.out, "không biết nói gì luôn\n\nlừa đảo\n\nhòa\n");
  EXPECT_NE(r.err.find("<stdin>:4: invalid UTF-8"), std::string::npos) << r.err;
}

TEST(NormalizeCli, JsonHasShadowTokensOffsetsAndAlternatives) {
  const auto r = run_command({TINCAY_BINARY, "normalize", "--json"}, "Đẹp ko t\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"text\":\"đẹp không t\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"shadow\":\"dep khong t\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("{\"kind\":\"word\",\"text\":\"không\",\"start\":4,\"end\":6,"
                       "\"original\":\"ko\",\"expanded\":true}"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"alternatives\":[\"tôi\",\"tao\""), std::string::npos) << r.out;
}

TEST(NormalizeCli, BrokenLexiconIsAnErrorNamingFileAndLine) {
  testing::TempDir dir;
  const auto mk = run_command({"/bin/mkdir", "-p", dir.file("lex/data/normalize")});
  ASSERT_EQ(mk.exit_code, 0);
  dir.write("lex/data/normalize/teencode.tsv", "ko\tkhông\n");
  const auto r = run_command({TINCAY_BINARY, "normalize", "--data-dir", dir.file("lex")}, "ko\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("teencode.tsv:1"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tincay
