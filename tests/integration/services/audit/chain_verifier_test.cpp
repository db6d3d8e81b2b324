// ChainVerifier on rows in memory (services/audit/chain_verifier.hpp): every kind of
// tampering the database allows, found and named, with checkpoints signed
// on the host by a P-256 key in the form hsm::SignForX509 makes (DER
// ECDSA-with-SHA-256).
#include "services/audit/chain_verifier.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <vector>

#include "common/ossl.hpp"
#include "services/audit/audit_hash.hpp"
#include "services/audit/audit_key.hpp"

namespace tessera::audit {
namespace {

using directory::AuditCheckpoint;
using directory::AuditRow;

class HostKey {
 public:
  HostKey() : key_(EVP_EC_gen("P-256")) {}
  Bytes Spki() const { return *ossl::PublicKeyToDer(key_.get()); }
  Bytes Sign(ByteView message) const {
    ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t size = 0;
    EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()), 1);
    EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &size, message.data(), message.size()), 1);
    Bytes signature(size);
    EXPECT_EQ(EVP_DigestSign(ctx.get(), signature.data(), &size, message.data(), message.size()),
              1);
    signature.resize(size);
    return signature;
  }

 private:
  ossl::PkeyPtr key_;
};

// Records 1..n chained as audit::Append chains them.
std::vector<AuditRow> Chain(int n) {
  std::vector<AuditRow> rows;
  Bytes prev = GenesisHash();
  for (int i = 1; i <= n; ++i) {
    AuditRow row;
    row.seq = i;
    row.time = 1700000000 + i;
    row.actor = "tesserad";
    row.action = "ca.issue";
    row.object = "ca/root/serial/" + std::to_string(i);
    row.request_id = "req-" + std::to_string(i);
    row.prev_hash = prev;
    row.hash = *RecordHash(row);
    prev = row.hash;
    rows.push_back(row);
  }
  return rows;
}

void Rehash(std::vector<AuditRow>& rows, std::size_t from_index) {
  for (std::size_t i = from_index; i < rows.size(); ++i) {
    if (i > 0) rows[i].prev_hash = rows[i - 1].hash;
    rows[i].hash = *RecordHash(rows[i]);
  }
}

AuditCheckpoint Checkpoint(const HostKey& key, const AuditRow& row) {
  AuditCheckpoint c;
  c.seq = row.seq;
  c.time = row.time + 1;
  c.head_hash = row.hash;
  c.hsm = "audit-hsm";
  c.key_label = "tessera-audit";
  c.public_key = key.Spki();
  c.signature = key.Sign(EncodeCheckpoint(c.seq, c.time, c.head_hash));
  return c;
}

VerifyReport Walk(const std::vector<AuditRow>& rows, std::vector<AuditCheckpoint> checkpoints,
                  const Bytes& pinned, std::int64_t from = 1) {
  ChainVerifier verifier(std::move(checkpoints), pinned, from);
  for (const AuditRow& row : rows) {
    if (row.seq < verifier.start()) continue;  // what ListAudit(start) leaves out
    if (!verifier.Add(row)) break;
  }
  return verifier.Finish();
}

class ChainVerifierTest : public ::testing::Test {
 protected:
  HostKey key_;
  std::vector<AuditRow> rows_ = Chain(10);
  // Signed before any test tampers with the rows: records 4 and 8.
  const std::vector<AuditCheckpoint> checkpoints_ = {Checkpoint(key_, rows_[3]),
                                                     Checkpoint(key_, rows_[7])};
  std::vector<AuditCheckpoint> Checkpoints() const { return checkpoints_; }
};

TEST_F(ChainVerifierTest, FindsAnIntactLogIntactAndReportsItsUnsignedTail) {
  VerifyReport r = Walk(rows_, Checkpoints(), key_.Spki());
  ASSERT_TRUE(r.intact()) << r.broken->what;
  EXPECT_EQ(r.records_checked, 10);
  EXPECT_EQ(r.checkpoints_checked, 2);
  EXPECT_EQ(r.last_checkpoint, 8);
  EXPECT_EQ(r.unsigned_records(), 2);
}

TEST_F(ChainVerifierTest, NamesAnEditedRecord) {
  rows_[5].object = "ca/root/serial/evil";
  VerifyReport r = Walk(rows_, Checkpoints(), key_.Spki());
  ASSERT_FALSE(r.intact());
  EXPECT_EQ(r.broken->seq, 6);
  EXPECT_NE(r.broken->what.find("does not hash to its stored hash"), std::string::npos);
}

TEST_F(ChainVerifierTest, NamesADeletedRecordAsMissing) {
  rows_.erase(rows_.begin() + 4);  // record 5
  VerifyReport r = Walk(rows_, Checkpoints(), key_.Spki());
  ASSERT_FALSE(r.intact());
  EXPECT_EQ(r.broken->seq, 5);
  EXPECT_NE(r.broken->what.find("record 5 is missing"), std::string::npos);
}

TEST_F(ChainVerifierTest, FindsTwoRecordsSwapped) {
  std::swap(rows_[1], rows_[2]);  // contents of 2 and 3 swapped, seqs kept in order
  std::swap(rows_[1].seq, rows_[2].seq);
  VerifyReport r = Walk(rows_, Checkpoints(), key_.Spki());
  ASSERT_FALSE(r.intact());
  EXPECT_EQ(r.broken->seq, 2);
}

TEST_F(ChainVerifierTest, FindsARehashedChainByTheCheckpointAfterTheEdit) {
  rows_[5].actor = "mallory";
  Rehash(rows_, 5);  // a consistent chain again, but not the one signed at 8
  VerifyReport r = Walk(rows_, Checkpoints(), key_.Spki());
  ASSERT_FALSE(r.intact());
  EXPECT_EQ(r.broken->seq, 8);
  EXPECT_NE(r.broken->what.find("records 5 to 8 were rewritten"), std::string::npos)
      << r.broken->what;
}

TEST_F(ChainVerifierTest, CannotSeeARehashedTailAfterTheLastCheckpoint) {
  // What checkpoints cannot do, stated: the unsigned tail is only chained.
  rows_[8].actor = "mallory";
  Rehash(rows_, 8);
  VerifyReport r = Walk(rows_, Checkpoints(), key_.Spki());
  EXPECT_TRUE(r.intact());
  EXPECT_EQ(r.unsigned_records(), 2);
}

TEST_F(ChainVerifierTest, FindsAForgedSignature) {
  auto checkpoints = Checkpoints();
  checkpoints[0].signature.back() ^= 0x01;
  VerifyReport r = Walk(rows_, checkpoints, key_.Spki());
  ASSERT_FALSE(r.intact());
  EXPECT_EQ(r.broken->seq, 4);
  EXPECT_NE(r.broken->what.find("signature does not verify"), std::string::npos);
}

TEST_F(ChainVerifierTest, RefusesACheckpointSignedByAnotherKey) {
  HostKey other;
  rows_[5].actor = "mallory";
  Rehash(rows_, 5);
  // The forger re-signs with a key of their own and stores it beside.
  std::vector<AuditCheckpoint> checkpoints = {Checkpoint(key_, rows_[3]),
                                              Checkpoint(other, rows_[7])};
  VerifyReport r = Walk(rows_, checkpoints, key_.Spki());
  ASSERT_FALSE(r.intact());
  EXPECT_EQ(r.broken->seq, 8);
  EXPECT_NE(r.broken->what.find("not the pinned key"), std::string::npos);
}

TEST_F(ChainVerifierTest, FindsRecordsCutFromTheEndUpToACheckpoint) {
  rows_.resize(6);  // records 7..10 gone; the checkpoint at 8 remains
  VerifyReport r = Walk(rows_, Checkpoints(), key_.Spki());
  ASSERT_FALSE(r.intact());
  EXPECT_EQ(r.broken->seq, 7);
  EXPECT_NE(r.broken->what.find("cut from the end"), std::string::npos);
}

TEST_F(ChainVerifierTest, FindsRecordsCutFromTheStart) {
  rows_.erase(rows_.begin());
  VerifyReport r = Walk(rows_, Checkpoints(), key_.Spki());
  ASSERT_FALSE(r.intact());
  EXPECT_EQ(r.broken->seq, 1);
}

TEST_F(ChainVerifierTest, StartsFromTheCheckpointAtOrBeforeFrom) {
  rows_[1].actor = "mallory";  // before the anchor: not walked
  VerifyReport r = Walk(rows_, Checkpoints(), key_.Spki(), 6);
  ASSERT_TRUE(r.intact()) << r.broken->what;
  EXPECT_EQ(r.start, 4);
  EXPECT_EQ(r.anchor_checkpoint, 4);
  EXPECT_EQ(r.records_checked, 7);
}

TEST_F(ChainVerifierTest, AnchorsAFromStartByItsSignedHash) {
  rows_[3].actor = "mallory";  // the anchor itself
  VerifyReport r = Walk(rows_, Checkpoints(), key_.Spki(), 4);
  ASSERT_FALSE(r.intact());
  EXPECT_EQ(r.broken->seq, 4);
}

TEST_F(ChainVerifierTest, FindsAnEmptyLogIntact) {
  VerifyReport r = Walk({}, {}, key_.Spki());
  EXPECT_TRUE(r.intact());
  EXPECT_EQ(r.last_seq, 0);
  EXPECT_EQ(r.unsigned_records(), 0);
}

TEST(AuditKey, RoundTripsThePinnedKeyThroughPem) {
  HostKey key;
  auto pem = PublicKeyPem(key.Spki());
  ASSERT_TRUE(pem.ok());
  EXPECT_EQ(pem->rfind("-----BEGIN PUBLIC KEY-----", 0), 0U);
  auto back = PublicKeyFromPem(*pem);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, key.Spki());
  EXPECT_EQ(PublicKeyFromPem("not a key").status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::audit
