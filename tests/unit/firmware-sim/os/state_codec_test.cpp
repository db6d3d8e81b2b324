#include "firmware-sim/os/state_codec.hpp"

#include <gtest/gtest.h>

#include "firmware-sim/os/crc32.hpp"

namespace tessera::sim {
namespace {

std::string CrcHex(ByteView data) {
  Bytes b;
  PutU32(b, Crc32(data));
  return ToHex(b);
}

Bytes ToBytes(const SecureBytes& s) { return Bytes(s.view().begin(), s.view().end()); }

Bytes EncodeFileOrDie(const StateMap& state) {
  auto image = EncodeStateFile(state);
  EXPECT_TRUE(image.ok()) << image.status().ToString();
  return image.ok() ? ToBytes(*image) : Bytes{};
}

// A committed record with its END! marker, as Commit leaves it on disk.
Bytes EncodeCommittedRecord(const Transaction& txn) {
  auto record = EncodeRecord(txn);
  EXPECT_TRUE(record.ok()) << record.status().ToString();
  Bytes out = record.ok() ? ToBytes(*record) : Bytes{};
  Append(out, AsBytes(kRecordEnd));
  return out;
}

StateMap OneEntryState() {
  StateMap state;
  state.emplace("k", SecureBytes(HexOrDie("0102")));
  return state;
}

Code DecodeCode(ByteView image) { return DecodeStateFile(image).status().code(); }

TEST(StateCodec, LaysOutTheHeaderAndSnapshotAsDocumented) {
  // docs/state-file.md: "TSSTATE1" | u32 length | entries | u32 CRC; an entry is
  // u16 key length | key | u8 kind | u32 value length | value.
  const std::string entry =
      "0001"
      "6b"
      "00"
      "00000002"
      "0102";
  EXPECT_EQ(ToHex(EncodeFileOrDie(OneEntryState())),
            ToHex(AsBytes("TSSTATE1")) + "0000000a" + entry + CrcHex(HexOrDie(entry)));
  EXPECT_EQ(ToHex(EncodeFileOrDie({})), ToHex(AsBytes("TSSTATE1")) + "00000000" + "00000000");
}

TEST(StateCodec, LaysOutAJournalRecordAsDocumented) {
  Transaction txn;
  txn.Put("k", HexOrDie("ff"));
  txn.Erase("xy");
  const std::string payload =
      "0001"
      "6b"
      "00"
      "00000001"
      "ff"
      "0002"
      "7879"
      "01"
      "00000000";
  EXPECT_EQ(ToHex(EncodeCommittedRecord(txn)), ToHex(AsBytes("TXN1")) + "00000012" + payload +
                                                   CrcHex(HexOrDie(payload)) +
                                                   ToHex(AsBytes("END!")));
}

TEST(StateCodec, ReplaysRecordsInOrderOverTheSnapshot) {
  Bytes image = EncodeFileOrDie(OneEntryState());
  Transaction first;
  first.Put("a", HexOrDie("01"));
  first.Put("k", HexOrDie("03"));
  Transaction second;
  second.Erase("a");
  second.Put("b", HexOrDie("02"));
  Append(image, EncodeCommittedRecord(first));
  Append(image, EncodeCommittedRecord(second));
  auto decoded = DecodeStateFile(image);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->records, 2u);
  EXPECT_FALSE(decoded->torn_tail);
  EXPECT_EQ(decoded->valid_end, image.size());
  ASSERT_EQ(decoded->state.size(), 2u);
  EXPECT_EQ(ToHex(decoded->state.at("k").view()), "03");
  EXPECT_EQ(ToHex(decoded->state.at("b").view()), "02");
}

TEST(StateCodec, DropsEveryProperPrefixOfAFinalRecordAsTorn) {
  const Bytes base = EncodeFileOrDie(OneEntryState());
  Transaction txn;
  txn.Put("k", Bytes(300, 0x55));
  const Bytes record = EncodeCommittedRecord(txn);
  for (std::size_t cut = 1; cut < record.size(); ++cut) {
    Bytes image = base;
    Append(image, ByteView(record).first(cut));
    auto decoded = DecodeStateFile(image);
    ASSERT_TRUE(decoded.ok()) << "cut " << cut << ": " << decoded.status().ToString();
    EXPECT_TRUE(decoded->torn_tail) << cut;
    EXPECT_EQ(decoded->valid_end, base.size()) << cut;
    EXPECT_EQ(ToHex(decoded->state.at("k").view()), "0102") << cut;
  }
}

TEST(StateCodec, CallsATailThatNoCommitCouldWriteCorrupt) {
  const Bytes base = EncodeFileOrDie(OneEntryState());
  Transaction txn;
  txn.Put("k", HexOrDie("03"));
  const Bytes record = EncodeCommittedRecord(txn);

  Bytes garbage = base;
  Append(garbage, HexOrDie("545859"));  // "TXY" is no prefix of "TXN1"
  EXPECT_EQ(DecodeCode(garbage), Code::kCorrupt);

  Bytes bad_marker = base;
  Append(bad_marker, ByteView(record).first(record.size() - 4));
  Append(bad_marker, AsBytes("END?"));
  EXPECT_EQ(DecodeCode(bad_marker), Code::kCorrupt);

  Bytes half_bad_marker = base;
  Append(half_bad_marker, ByteView(record).first(record.size() - 4));
  Append(half_bad_marker, AsBytes("EX"));
  EXPECT_EQ(DecodeCode(half_bad_marker), Code::kCorrupt);

  Bytes huge_length = base;
  Append(huge_length, AsBytes("TXN1"));
  Append(huge_length, HexOrDie("ffffffff"));
  EXPECT_EQ(DecodeCode(huge_length), Code::kCorrupt);

  Bytes bad_crc = base;
  Append(bad_crc, record);
  bad_crc[base.size() + 8] ^= 0x01;  // first payload byte of the final, complete record
  EXPECT_EQ(DecodeCode(bad_crc), Code::kCorrupt);
}

TEST(StateCodec, RejectsASnapshotWithAnEraseOrABrokenEntry) {
  const std::string erase_entry =
      "0001"
      "6b"
      "01"
      "00000000";
  Bytes with_erase = Concat({AsBytes("TSSTATE1"), HexOrDie("00000008"), HexOrDie(erase_entry),
                             HexOrDie(CrcHex(HexOrDie(erase_entry)))});
  EXPECT_EQ(DecodeCode(with_erase), Code::kCorrupt);

  const std::string overlong =
      "0001"
      "6b"
      "00"
      "00000009"
      "01";  // value runs past the list
  Bytes broken = Concat({AsBytes("TSSTATE1"), HexOrDie("00000009"), HexOrDie(overlong),
                         HexOrDie(CrcHex(HexOrDie(overlong)))});
  EXPECT_EQ(DecodeCode(broken), Code::kCorrupt);
}

TEST(StateCodec, CallsAnyCutInsideTheHeaderOrSnapshotCorrupt) {
  const Bytes image = EncodeFileOrDie(OneEntryState());
  for (std::size_t cut = 0; cut < image.size(); ++cut) {
    EXPECT_EQ(DecodeCode(ByteView(image).first(cut)), Code::kCorrupt) << "cut " << cut;
  }
}

TEST(StateCodec, RefusesKeysLongerThanTheirLengthField) {
  Transaction txn;
  txn.Put(std::string(70000, 'k'), HexOrDie("01"));
  EXPECT_EQ(EncodeRecord(txn).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::sim
