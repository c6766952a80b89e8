// Claim matching: restatements match, topical posts and corrections do not, and the finding
// carries the fact-check.
#include <gtest/gtest.h>

#include "tincay/claims.h"

namespace tincay {
namespace {

const Normalizer& normalizer() {
  static const Normalizer n = Normalizer::create({}).value();  // immutable; shared by the tests
  return n;
}

Claim claim(const std::string& id, const std::string& text, ClaimVerdict v = ClaimVerdict::kFalse) {
  return Claim{id, text, v, "Checker", "https://fc.example/" + id, "2020-04-10", "vi"};
}

std::unique_ptr<ClaimIndex> index_of(std::vector<Claim> claims) {
  ClaimMatchOptions opts;
  EXPECT_TRUE(load_claim_word_lists(TINCAY_SOURCE_DIR, opts).has_value());
  EXPECT_FALSE(opts.debunk_markers.empty());
  return ClaimIndex::build(std::move(claims), normalizer(), opts);
}

std::vector<Claim> sample_claims() {
  return {
      claim("5g", "Sóng 5G làm lây lan virus corona"),
      claim("rice",
            "Gạo bán ở chợ Thới Bình, Cà Mau là gạo giả, để qua một đêm thì chuyển sang màu vàng"),
      claim("mc", "MC Lại Văn Sâm đột ngột qua đời ở tuổi 64"),
      claim("dogs", "Xuất hiện xe bắt chó giả đi trộm chó ở TP.HCM", ClaimVerdict::kUnproven)};
}

std::vector<std::string> matched_ids(const ClaimIndex& index, const std::string& text) {
  std::vector<std::string> ids;
  for (const ClaimMatch& m : index.match(normalizer().normalize(text))) {
    ids.push_back(index.claims()[m.claim].id);
  }
  return ids;
}

TEST(ClaimIndex, MatchesRestatementsWithAndWithoutAccents) {
  const auto index = index_of(sample_claims());
  EXPECT_EQ(matched_ids(*index, "Các bạn ơi, sóng 5G làm lây lan virus corona đấy, chia sẻ ngay"),
            std::vector<std::string>{"5g"});
  EXPECT_EQ(matched_ids(*index, "song 5g lam lay lan virus corona"),
            std::vector<std::string>{"5g"});
  EXPECT_EQ(matched_ids(*index, "Tin buồn: MC Lại Văn Sâm vừa đột ngột qua đời, hưởng thọ 64 tuổi"),
            std::vector<std::string>{"mc"});
}

TEST(ClaimIndex, TopicalPostsThatSayOtherThingsDoNotMatch) {
  const auto index = index_of(sample_claims());
  EXPECT_TRUE(matched_ids(*index, "Nhà mạng thông báo phủ sóng 5G toàn quốc từ tháng sau").empty());
  EXPECT_TRUE(matched_ids(*index, "Số ca nhiễm virus corona hôm nay giảm mạnh").empty());
  EXPECT_TRUE(matched_ids(*index, "Giá gạo xuất khẩu tại Cà Mau tăng nhẹ tuần này").empty());
  EXPECT_TRUE(matched_ids(*index, "Hôm nay trời đẹp quá").empty());
  EXPECT_TRUE(matched_ids(*index, "").empty());
}

TEST(ClaimIndex, CorrectionsAreNotRestatements) {
  const auto index = index_of(sample_claims());
  const auto all =
      index->candidates(normalizer().normalize("Sóng 5G làm lây lan virus corona là tin giả"));
  ASSERT_FALSE(all.empty());
  EXPECT_TRUE(all[0].debunked);
  EXPECT_TRUE(matched_ids(*index, "Sóng 5G làm lây lan virus corona là tin giả").empty());
}

TEST(ClaimDetector, FindingCarriesVerdictFactCheckerAndSource) {
  const auto detector = make_claim_detector(index_of(sample_claims()));
  const std::string text =
      "Mọi người ơi!!! Sóng 5G làm lây lan virus corona, đừng lắp trạm gần nhà";
  Post post;
  post.text = text;
  std::vector<Finding> findings;
  detector->detect(post, normalizer().normalize(text), findings);
  ASSERT_EQ(findings.size(), 1u);
  const Finding& f = findings[0];
  EXPECT_EQ(f.category, Category::kMisinformation);
  EXPECT_EQ(f.detector, "claim:5g");
  EXPECT_GE(f.score, 0.5);
  ASSERT_TRUE(f.value.has_value());
  EXPECT_NE(f.value->find("verdict=false"), std::string::npos);
  EXPECT_NE(f.value->find("fact_checker=Checker"), std::string::npos);
  EXPECT_NE(f.value->find("source_url=https://fc.example/5g"), std::string::npos);
  ASSERT_EQ(f.evidence.size(), 1u);
  const std::string quoted =
      text.substr(f.evidence[0].begin, f.evidence[0].end - f.evidence[0].begin);
  EXPECT_EQ(quoted, "Sóng 5G làm lây lan virus corona");
}

TEST(ClaimDetector, UnprovenAndTrueClaimsNeverLabelAPost) {
  const auto detector = make_claim_detector(index_of(sample_claims()));
  const std::string text = "Xuất hiện xe bắt chó giả đi trộm chó ở TP.HCM, mọi người cẩn thận";
  std::vector<Finding> findings;
  detector->detect(Post{}, normalizer().normalize(text), findings);
  EXPECT_TRUE(findings.empty());
}

TEST(ClaimIndex, EmptyDatabaseMatchesNothing) {
  const auto index = index_of({});
  EXPECT_TRUE(matched_ids(*index, "Sóng 5G làm lây lan virus corona").empty());
}

}  // namespace
}  // namespace tincay
