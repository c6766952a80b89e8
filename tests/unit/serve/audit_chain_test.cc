// The audit log's hash chain: intact chains pass; an edited, removed or reordered entry is named.
#include <gtest/gtest.h>

#include "tincay/service_store.h"

namespace tincay {
namespace {

std::vector<AuditEntry> make_chain(int n) {
  std::vector<AuditEntry> chain;
  std::string prev(64, '0');
  for (int i = 1; i <= n; ++i) {
    AuditEntry e;
    e.seq = i;
    e.at_unix = 1700000000 + i;
    e.kind = "review";
    e.subject = "post-" + std::to_string(i);
    e.actor = "key:2";
    e.payload = "{\"outcome\":\"uphold\"}";
    e.prev_hash = prev;
    e.hash = audit_entry_hash(e);
    prev = e.hash;
    chain.push_back(e);
  }
  return chain;
}

TEST(AuditChain, IntactChainVerifies) {
  EXPECT_EQ(verify_audit_chain(make_chain(5)), std::nullopt);
  EXPECT_EQ(verify_audit_chain({}), std::nullopt);
}

TEST(AuditChain, EditedEntryIsNamed) {
  auto chain = make_chain(5);
  chain[2].payload = "{\"outcome\":\"overturn\"}";
  const auto problem = verify_audit_chain(chain);
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("entry 3 was edited"), std::string::npos) << *problem;
}

TEST(AuditChain, EditRecomputingTheHashIsCaughtAtTheNextEntry) {
  auto chain = make_chain(5);
  chain[1].subject = "post-x";
  chain[1].hash = audit_entry_hash(chain[1]);
  const auto problem = verify_audit_chain(chain);
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("entry 3"), std::string::npos) << *problem;
}

TEST(AuditChain, RemovedEntryIsNamed) {
  auto chain = make_chain(5);
  chain.erase(chain.begin() + 3);
  const auto problem = verify_audit_chain(chain);
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("entry 4 was removed"), std::string::npos) << *problem;
}

TEST(AuditChain, RemovedAndRenumberedIsCaught) {
  auto chain = make_chain(5);
  chain.erase(chain.begin() + 1);
  for (std::size_t i = 0; i < chain.size(); ++i) chain[i].seq = static_cast<std::int64_t>(i + 1);
  const auto problem = verify_audit_chain(chain);
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("entry 2"), std::string::npos) << *problem;
}

TEST(AuditChain, ReorderedEntriesAreNamed) {
  auto chain = make_chain(5);
  std::swap(chain[1], chain[2]);
  const auto problem = verify_audit_chain(chain);
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("entry 3 is out of order"), std::string::npos) << *problem;
}

TEST(AuditChain, CanonicalFormSeparatesFields) {
  AuditEntry a, b;
  a.kind = "ab";
  a.subject = "c";
  b.kind = "a";
  b.subject = "bc";
  EXPECT_NE(audit_entry_hash(a), audit_entry_hash(b));
}

}  // namespace
}  // namespace tincay
