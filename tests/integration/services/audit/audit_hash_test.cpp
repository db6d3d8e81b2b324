// The canonical encodings of services/audit/audit_hash.hpp, byte for byte:
// known answers computed independently (Python's struct and hashlib), so a
// change to the encoding cannot pass unnoticed (docs/audit.md "Encodings").
#include "services/audit/audit_hash.hpp"

#include <gtest/gtest.h>

#include "common/bytes.hpp"

namespace tessera::audit {
namespace {

directory::AuditRow FirstRow() {
  directory::AuditRow row;
  row.seq = 1;
  row.time = 1700000000;
  row.actor = "cli:root";
  row.action = "ca.init";
  row.object = "ca/root";
  row.request_id = "req-1";
  row.details = R"({"k":1})";
  row.prev_hash = GenesisHash();
  return row;
}

TEST(AuditHash, EncodesARecordAsLengthPrefixedFieldsAndBigEndianIntegers) {
  EXPECT_EQ(ToHex(EncodeRecord(FirstRow())),
            "00000010746573736572612d61756469742d7631"  // u32 16, "tessera-audit-v1"
            "0000000000000001"                          // seq 1
            "000000006553f100"                          // time 1700000000
            "00000008636c693a726f6f74"                  // "cli:root"
            "0000000763612e696e6974"                    // "ca.init"
            "0000000763612f726f6f74"                    // "ca/root"
            "000000057265712d31"                        // "req-1"
            "000000077b226b223a317d"                    // {"k":1}
            "00000020"                                  // prev_hash: 32 zero bytes
            "0000000000000000000000000000000000000000000000000000000000000000");
}

TEST(AuditHash, HashesRecordsToTheKnownAnswers) {
  directory::AuditRow first = FirstRow();
  auto h1 = RecordHash(first);
  ASSERT_TRUE(h1.ok()) << h1.status().ToString();
  EXPECT_EQ(ToHex(*h1), "ea8be982944994dca62973a434aad1c0f37106cd8d52e58c0e5db9ba94abdc45");

  directory::AuditRow second;
  second.seq = 2;
  second.time = 1700000001;
  second.actor = "tesserad";
  second.action = "ca.issue";
  second.object = "ca/root/serial/0a";
  second.prev_hash = *h1;
  second.hash = HexOrDie("ff");  // not part of the encoding
  auto h2 = RecordHash(second);
  ASSERT_TRUE(h2.ok());
  EXPECT_EQ(ToHex(*h2), "1022bc0e6c371913f0cdbc7b8ce6981db782acb9925570ce50de6614053d4f43");
}

TEST(AuditHash, EncodesACheckpointWithItsOwnTag) {
  EXPECT_EQ(ToHex(EncodeCheckpoint(
                2, 1700000002,
                HexOrDie("1022bc0e6c371913f0cdbc7b8ce6981db782acb9925570ce50de6614053d4f43"))),
            "0000001b746573736572612d61756469742d636865636b706f696e742d7631"
            "0000000000000002"
            "000000006553f102"
            "000000201022bc0e6c371913f0cdbc7b8ce6981db782acb9925570ce50de6614053d4f43");
}

TEST(AuditHash, KeepsFieldBoundariesApart) {
  // Moving a byte from one field to the next changes the hash: the lengths
  // are part of what is hashed.
  directory::AuditRow a = FirstRow();
  directory::AuditRow b = FirstRow();
  a.actor = "ab";
  a.action = "c";
  b.actor = "a";
  b.action = "bc";
  EXPECT_NE(*RecordHash(a), *RecordHash(b));
}

}  // namespace
}  // namespace tessera::audit
