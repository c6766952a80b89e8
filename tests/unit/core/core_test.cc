#include <atomic>
#include <string>

#include <gtest/gtest.h>

#include "tincay/core/category.h"
#include "tincay/core/crypto.h"
#include "tincay/core/decision.h"
#include "tincay/core/json_writer.h"
#include "tincay/core/thread_pool.h"
#include "tincay/core/time.h"
#include "tincay/core/utf8.h"

namespace tincay {
namespace {

TEST(Utf8, AcceptsVietnameseAndEmoji) {
  EXPECT_TRUE(utf8::is_valid("Tiếng Việt có dấu 😀"));
  EXPECT_TRUE(utf8::is_valid(std::string("a\0b", 3)));
}

TEST(Utf8, RejectsMalformedSequences) {
  EXPECT_EQ(utf8::first_invalid("ab\xff"), 2u);
  EXPECT_FALSE(utf8::is_valid("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(utf8::is_valid("\xed\xa0\x80"));      // surrogate U+D800
  EXPECT_FALSE(utf8::is_valid("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(utf8::is_valid("\xe1\xba"));          // truncated
}

// Every position of a digit, in the 8-byte blocks and in the tail, and the bytes around '0'-'9'
// (and high bytes) that must not count.
TEST(Utf8, HasAsciiDigitAnywhereAndOnlyDigits) {
  EXPECT_FALSE(utf8::has_ascii_digit(""));
  const std::string none = "/:Ab \xc3\xa0\xb0\xb9 \x10\x09\x7f\xff/:/:/:/:/:";
  EXPECT_FALSE(utf8::has_ascii_digit(none));
  for (std::size_t at = 0; at < none.size(); ++at) {
    for (const char d : {'0', '5', '9'}) {
      std::string s = none;
      s[at] = d;
      EXPECT_TRUE(utf8::has_ascii_digit(s)) << "digit at " << at;
    }
  }
}

TEST(Utf8, DecodeAppendRoundTrip) {
  const std::string s = "đệ😀";
  std::string out;
  for (std::size_t i = 0; i < s.size();) utf8::append(out, utf8::decode(s, i));
  EXPECT_EQ(out, s);
  EXPECT_EQ(utf8::length(s), 3u);
}

TEST(Utf8, PrefixNeverSplitsACodePoint) {
  const std::string s = "aệ";  // 'ệ' is 3 bytes
  EXPECT_EQ(utf8::prefix_at_boundary(s, 2), 1u);
  EXPECT_EQ(utf8::prefix_at_boundary(s, 4), 4u);
  EXPECT_EQ(utf8::prefix_at_boundary(s, 100), 4u);
}

TEST(Utf8, CodePointCounterHandlesBackwardQueries) {
  utf8::CodePointCounter c("ệệa");
  EXPECT_EQ(c.to_code_points(6), 2u);
  EXPECT_EQ(c.to_code_points(3), 1u);
  EXPECT_EQ(c.to_code_points(7), 3u);
}

TEST(JsonWriter, EscapesControlCharactersAndQuotes) {
  std::string out;
  append_json_string(out, std::string("a\"b\\c\n\0\x1f", 8));
  EXPECT_EQ(out, R"("a\"b\\c\n\u0000\u001f")");
}

// The escaper skips plain bytes eight at a time: every byte value at every position of long
// strings must come out as a byte-at-a-time escaper would write it.
TEST(JsonWriter, EscapingMatchesAByteAtATimeReference) {
  const auto reference = [](std::string_view s) {
    std::string out = "\"";
    for (const char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"') {
        out += "\\\"";
      } else if (c == '\\') {
        out += "\\\\";
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c < 0x20) {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
      } else {
        out += ch;
      }
    }
    return out + "\"";
  };
  std::string plain = "Tuyển CTV việc nhẹ lương cao, inbox ngay hôm nay nhé các bạn ơi";
  for (int special = 0; special < 256; ++special) {
    for (std::size_t pos = 0; pos < 20; ++pos) {
      std::string s = plain.substr(0, 3 + pos % 17) + plain;
      s[pos] = static_cast<char>(special);
      std::string out;
      append_json_string(out, s);
      ASSERT_EQ(out, reference(s)) << "byte " << special << " at " << pos;
    }
  }
}

TEST(JsonWriter, ScoresHaveNoTrailingZeros) {
  std::string out;
  append_json_score(out, 0.9);
  out += ' ';
  append_json_score(out, 1.0);
  out += ' ';
  append_json_score(out, 0.03125);
  EXPECT_EQ(out, "0.9 1 0.0312");
}

TEST(Time, ParsesRfc3339WithOffsets) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2026-10-14T08:31:00+07:00"), parse_rfc3339("2026-10-14T01:31:00Z"));
  EXPECT_EQ(parse_rfc3339("2024-02-29T12:00:00.123Z"), 1709208000);
  EXPECT_EQ(format_rfc3339_utc(1709208000), "2024-02-29T12:00:00Z");
}

TEST(Time, RejectsImpossibleDates) {
  EXPECT_FALSE(parse_rfc3339("yesterday"));
  EXPECT_FALSE(parse_rfc3339("2025-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-10-14T24:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-10-14T08:31:00"));  // no offset
  EXPECT_FALSE(parse_rfc3339("2026-10-14T08:31:00Zjunk"));
}

TEST(Crypto, HmacMatchesRfc4231TestCase2) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, Sha256OfEmptyString) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// FIPS 180-2 examples: one block, two blocks, and a million bytes (model files are megabytes).
TEST(Crypto, Sha256StandardVectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Category, NamesRoundTripAndTheSetIsClosed) {
  for (const Category c : kAllCategories) EXPECT_EQ(parse_category(category_name(c)), c);
  EXPECT_FALSE(parse_category("politics"));
  EXPECT_FALSE(parse_category("Scam"));
}

TEST(ThreadPool, RunsEveryItemExactlyOnce) {
  ThreadPool pool(4);
  std::vector<std::atomic<int>> hits(1000);
  for (int round = 0; round < 20; ++round) {
    pool.parallel_for(hits.size(), [&](std::size_t worker, std::size_t i) {
      EXPECT_LT(worker, pool.size());
      hits[i].fetch_add(1);
    });
  }
  for (const auto& h : hits) EXPECT_EQ(h.load(), 20);
}

TEST(DecisionJson, EvidenceOffsetsCountCodePoints) {
  Decision d;
  d.post_id = "x";
  d.action = Action::kReview;
  d.scores[category_index(Category::kScam)] = 0.6;
  Finding f;
  f.category = Category::kScam;
  f.detector = "rule:t";
  f.score = 0.6;
  const std::string text = "Tuyển việc nhẹ";  // "việc": code points [6,10), bytes [8,14)
  f.evidence.push_back({8, 14});
  d.findings.push_back(f);
  const std::string json = decision_to_json(d, text);
  EXPECT_NE(json.find(R"("evidence":[{"start":6,"end":10,"text":"việc"}])"), std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("categories":{"scam":0.6})"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("action":"review")"), std::string::npos);
}

}  // namespace
}  // namespace tincay
