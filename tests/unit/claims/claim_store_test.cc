// Claims in the SQLite store: upsert, list, remove; a database from before migration 2 upgrades.
#include <filesystem>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include "tincay/store.h"

namespace tincay {
namespace {

std::string temp_db(const char* name) {
  const auto path =
      std::filesystem::temp_directory_path() /
      (std::string("tincay_claims_") + name + "_" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  return path.string();
}

TEST(ClaimStore, PutListRemove) {
  const std::string path = temp_db("plr");
  {
    auto store = open_sqlite_store(path);
    ASSERT_TRUE(store.has_value()) << store.error().to_string();
    Claim a{"b2", "claim two", ClaimVerdict::kMisleading, "C", "https://f.example/2", "", "vi"};
    Claim b{"a1", "claim one", ClaimVerdict::kFalse, "C", "https://f.example/1", "2020-01-01", ""};
    ASSERT_TRUE((*store)->put_claims({a, b}).has_value());
    b.claim = "claim one, corrected";
    ASSERT_TRUE((*store)->put_claims({b}).has_value());  // upsert by id
    auto listed = (*store)->list_claims();
    ASSERT_TRUE(listed.has_value());
    ASSERT_EQ(listed->size(), 2u);
    EXPECT_EQ((*listed)[0].id, "a1");
    EXPECT_EQ((*listed)[0].claim, "claim one, corrected");
    EXPECT_EQ((*listed)[1].verdict, ClaimVerdict::kMisleading);
    auto removed = (*store)->remove_claim("a1");
    ASSERT_TRUE(removed.has_value());
    EXPECT_TRUE(*removed);
    removed = (*store)->remove_claim("a1");
    ASSERT_TRUE(removed.has_value());
    EXPECT_FALSE(*removed);
  }
  auto reopened = open_sqlite_store(path);
  ASSERT_TRUE(reopened.has_value());
  EXPECT_EQ((*reopened)->list_claims()->size(), 1u);
  std::filesystem::remove(path);
}

TEST(ClaimStore, DatabaseRejectsAClaimWithoutSource) {
  const std::string path = temp_db("nosrc");
  auto store = open_sqlite_store(path);
  ASSERT_TRUE(store.has_value());
  const Claim bad{"x", "claim", ClaimVerdict::kFalse, "C", "", "", ""};
  EXPECT_FALSE((*store)->put_claims({bad}).has_value());
  EXPECT_TRUE((*store)->list_claims()->empty());  // all or nothing
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace tincay
