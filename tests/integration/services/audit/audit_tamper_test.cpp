// `tessera audit verify` against a log changed behind its back with SQL, on
// SQLite and on PostgreSQL (docs/audit.md "Verifying"): each change is found,
// the first broken record is named, and the exit code is 1. An intact log
// exits 0 and says which records no checkpoint covers yet.
#include <openssl/evp.h>

#include <string>

#include "common/crypto/hash.hpp"
#include "common/ossl.hpp"
#include "services/audit/audit_hash.hpp"
#include "tests/integration/services/audit/audit_fixture.hpp"

namespace tessera::audit::testing {
namespace {

using directory::Backend;

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Records 1..10 with checkpoints at 5 and 10, then 3 unsigned: 11..13.
class AuditTamperTest : public AuditTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(AuditTest::SetUp());
    ASSERT_NO_FATAL_FAILURE(AppendRecords(5));
    ASSERT_NO_FATAL_FAILURE(Checkpoint());
    ASSERT_NO_FATAL_FAILURE(AppendRecords(5));
    ASSERT_NO_FATAL_FAILURE(Checkpoint());
    ASSERT_NO_FATAL_FAILURE(AppendRecords(3));
  }

  void ExpectBrokenAt(std::int64_t seq, const std::string& why) const {
    auto r = Verify();
    EXPECT_EQ(r.exit_code, 1) << r.Describe();
    EXPECT_TRUE(Has(r.out, "audit log BROKEN at record " + std::to_string(seq) + ": "))
        << r.Describe();
    EXPECT_TRUE(Has(r.out, why)) << r.Describe();
  }
};

TEST_P(AuditTamperTest, PassesAnIntactLogAndReportsTheUnsignedTail) {
  auto r = Verify();
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(
      Has(r.out, "audit log intact: records 1 to 13, 2 checkpoints verified with key sha256:"))
      << r.Describe();
  EXPECT_TRUE(Has(
      r.out, "unsigned tail: records 11 to 13 are not covered by the last checkpoint (record 10)"))
      << r.Describe();
}

TEST_P(AuditTamperTest, PinsTheKeyFromTheHsmToo) {
  auto r = Tessera({"audit", "verify", "--directory", url(), "--hsm", kHsm});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Has(r.out, "audit log intact")) << r.Describe();
}

TEST_P(AuditTamperTest, TakesTheDirectoryFromTheSettingsWithoutTheFlag) {
  auto r =
      Tessera({"audit", "verify", "--key", PinFile().string()}, {"TESSERA_DIRECTORY=" + url()});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Has(r.out, "audit log intact: records 1 to 13")) << r.Describe();
}

TEST_P(AuditTamperTest, NamesARecordWhoseFieldWasEdited) {
  ASSERT_EQ(Exec("UPDATE audit SET object = $1 WHERE seq = 7", {std::string("ca/root/serial/99")}),
            1);
  ExpectBrokenAt(7, "does not hash to its stored hash");
}

TEST_P(AuditTamperTest, NamesAnEditedRecordInTheUnsignedTail) {
  ASSERT_EQ(Exec("UPDATE audit SET time = time + 1 WHERE seq = 12"), 1);
  ExpectBrokenAt(12, "does not hash to its stored hash");
}

TEST_P(AuditTamperTest, FindsADeletedRecordAsAGap) {
  ASSERT_EQ(Exec("DELETE FROM audit WHERE seq = 6"), 1);
  ExpectBrokenAt(6, "record 6 is missing: the next record in the log is 7");
}

TEST_P(AuditTamperTest, FindsTwoRecordsThatSwappedPlaces) {
  // Record 3 becomes 4 and 4 becomes 3: the same rows, in another order.
  ASSERT_EQ(Exec("UPDATE audit SET seq = 1000003 WHERE seq = 3"), 1);
  ASSERT_EQ(Exec("UPDATE audit SET seq = 3 WHERE seq = 4"), 1);
  ASSERT_EQ(Exec("UPDATE audit SET seq = 4 WHERE seq = 1000003"), 1);
  ExpectBrokenAt(3, "does not hash to its stored hash");
}

TEST_P(AuditTamperTest, FindsACheckpointWhoseSignatureWasEdited) {
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 13U);
  // A valid DER signature shape, wrong value: flip a bit of r.
  std::vector<directory::AuditCheckpoint> checkpoints;
  ASSERT_TRUE(db().Read([&](directory::SqlTransaction& tx) -> Status {
                    TESSERA_ASSIGN_OR_RETURN(checkpoints, directory::ListCheckpoints(tx));
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(checkpoints.size(), 2U);
  Bytes signature = checkpoints[0].signature;
  signature[10] ^= 0x01;
  ASSERT_EQ(Exec("UPDATE audit_checkpoints SET signature = $1 WHERE seq = 5", {signature}), 1);
  ExpectBrokenAt(5, "checkpoint at record 5: the signature does not verify with the pinned key");
}

TEST_P(AuditTamperTest, FindsAChainRehashedAfterAnEditByTheNextCheckpoint) {
  ASSERT_EQ(Exec("UPDATE audit SET actor = $1 WHERE seq = 7", {std::string("mallory")}), 1);
  ASSERT_NO_FATAL_FAILURE(Rehash(7));
  ExpectBrokenAt(10, "records 6 to 10 were rewritten after they were signed");
}

TEST_P(AuditTamperTest, FindsRecordsCutFromTheEndUpToACheckpoint) {
  ASSERT_EQ(Exec("DELETE FROM audit WHERE seq >= 9"), 5);
  ExpectBrokenAt(9, "records were cut from the end");
}

TEST_P(AuditTamperTest, StartsFromTheCheckpointAtOrBeforeFrom) {
  // Record 2 is edited, but --from 7 starts at the checkpoint at 5.
  ASSERT_EQ(Exec("UPDATE audit SET actor = $1 WHERE seq = 2", {std::string("mallory")}), 1);
  auto r = Verify({"--from", "7"});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Has(r.out, "starting at the checkpoint at record 5")) << r.Describe();
  EXPECT_TRUE(Has(r.out, "audit log intact: records 5 to 13")) << r.Describe();
  EXPECT_EQ(Verify().exit_code, 1);
}

TEST_P(AuditTamperTest, RefusesACheckpointSignedByAnotherKey) {
  // A forger rewrites the tail and signs it with a key of their own, stored
  // beside the checkpoint as its key: the signature is good, the key is not.
  ASSERT_EQ(Exec("UPDATE audit SET actor = $1 WHERE seq = 12", {std::string("mallory")}), 1);
  ASSERT_NO_FATAL_FAILURE(Rehash(12));
  const directory::AuditRow head = Rows().back();
  ossl::PkeyPtr forger(EVP_EC_gen("P-256"));
  ASSERT_NE(forger, nullptr);
  const Bytes message = EncodeCheckpoint(head.seq, head.time + 1, head.hash);
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t size = 0;
  ASSERT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, forger.get()), 1);
  ASSERT_EQ(EVP_DigestSign(ctx.get(), nullptr, &size, message.data(), message.size()), 1);
  Bytes signature(size);
  ASSERT_EQ(EVP_DigestSign(ctx.get(), signature.data(), &size, message.data(), message.size()), 1);
  signature.resize(size);
  ASSERT_EQ(Exec("INSERT INTO audit_checkpoints (seq, time, head_hash, hsm, key_label, "
                 "public_key, signature) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                 {head.seq, head.time + 1, head.hash, std::string(kHsm),
                  std::string("tessera-audit"), *ossl::PublicKeyToDer(forger.get()), signature}),
            1);
  ExpectBrokenAt(13, "is signed by key sha256:" +
                         ToHex(*crypto::DigestOnce(crypto::Hash::kSha256,
                                                   *ossl::PublicKeyToDer(forger.get()))) +
                         ", not the pinned key");
}

TEST_P(AuditTamperTest, RefusesToSignABrokenChain) {
  ASSERT_EQ(Exec("UPDATE audit SET details = $1 WHERE seq = 12", {std::string("{}")}), 1);
  auto r = Tessera({"audit", "checkpoint", "--hsm", kHsm, "--directory", url()});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_TRUE(Has(r.err, "refusing to sign the audit head: record 12")) << r.Describe();
}

TEST_P(AuditTamperTest, ExitsTwoWithoutAPinnedKey) {
  auto r = Tessera({"audit", "verify", "--directory", url()});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  r = Verify({"--from", "0"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditTamperTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgresql), BackendName);

}  // namespace
}  // namespace tessera::audit::testing
