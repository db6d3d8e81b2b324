#include "firmware-sim/os/file_storage.hpp"

#include <gtest/gtest.h>

#include "tests/unit/firmware-sim/os/test_files.hpp"

namespace tessera::sim {
namespace {

using testing::DumpStorage;
using testing::ReadFileBytes;
using testing::TempDir;
using testing::ValueHex;
using testing::WriteFileBytes;

Transaction InitialState() {
  Transaction txn;
  txn.Put("cm/uid", HexOrDie("00112233445566778899aabbccddeeff"));
  txn.Put("piv/pin", HexOrDie("313233343536ffff"));
  txn.Put("piv/slot/9a", Bytes(700, 0x9a));
  return txn;
}

std::unique_ptr<FileStorage> CreateOrDie(const std::filesystem::path& path,
                                         const Transaction& initial) {
  auto created = FileStorage::Create(path, initial);
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  return created.ok() ? std::move(created).value() : nullptr;
}

std::unique_ptr<FileStorage> OpenOrDie(const std::filesystem::path& path) {
  auto opened = FileStorage::Open(path);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  return opened.ok() ? std::move(opened).value() : nullptr;
}

// Opening must fail with kCorrupt and a message that names the file.
void ExpectCorrupt(const std::filesystem::path& path) {
  auto opened = FileStorage::Open(path);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Code::kCorrupt) << opened.status().ToString();
  EXPECT_NE(opened.status().message().find(path.string()), std::string::npos)
      << opened.status().message();
}

TEST(FileStorage, ReadsBackWhatWasCreatedAndCommittedAfterReopening) {
  TempDir dir;
  const auto path = dir / "token.state";
  auto storage = CreateOrDie(path, InitialState());
  ASSERT_NE(storage, nullptr);
  EXPECT_EQ(ValueHex(*storage, "piv/pin"), "313233343536ffff");
  Transaction txn;
  txn.Put("piv/pin", HexOrDie("3939393939393939"));
  txn.Erase("piv/slot/9a");
  txn.Put("piv/slot/9c", HexOrDie("9c"));
  ASSERT_TRUE(storage->Commit(txn).ok());
  EXPECT_EQ(storage->Keys("piv/"), (std::vector<std::string>{"piv/pin", "piv/slot/9c"}));
  const auto before = DumpStorage(*storage);
  storage.reset();

  auto reopened = OpenOrDie(path);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(DumpStorage(*reopened), before);
  EXPECT_EQ(ValueHex(*reopened, "piv/pin"), "3939393939393939");
  EXPECT_FALSE(reopened->Get("piv/slot/9a").has_value());
  EXPECT_EQ(reopened->path(), path);
}

TEST(FileStorage, MatchesMemoryStorageAfterManyCommitsAndAReload) {
  TempDir dir;
  const auto path = dir / "token.state";
  auto storage = CreateOrDie(path, Transaction{});
  ASSERT_NE(storage, nullptr);
  MemoryStorage mirror;
  for (int i = 0; i < 150; ++i) {
    Transaction txn;
    txn.Put("k/" + std::to_string(i % 17),
            Bytes(static_cast<std::size_t>(i % 40), static_cast<std::uint8_t>(i)));
    if (i % 5 == 0) txn.Erase("k/" + std::to_string((i * 7) % 17));
    ASSERT_TRUE(storage->Commit(txn).ok()) << i;
    ASSERT_TRUE(mirror.Commit(txn).ok());
  }
  EXPECT_EQ(DumpStorage(*storage), DumpStorage(mirror));
  storage.reset();
  auto reopened = OpenOrDie(path);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(DumpStorage(*reopened), DumpStorage(mirror));
}

TEST(FileStorage, CompactsAJournalPastTheLimitAndReloadsTheSameState) {
  TempDir dir;
  const auto path = dir / "token.state";
  auto storage = CreateOrDie(path, InitialState());
  ASSERT_NE(storage, nullptr);
  MemoryStorage mirror;
  ASSERT_TRUE(mirror.Commit(InitialState()).ok());
  bool compacted = false;
  for (int i = 0; i < 100 && !compacted; ++i) {
    const auto size_before = std::filesystem::file_size(path);
    Transaction txn;
    txn.Put("blob/" + std::to_string(i % 3), Bytes(1024, static_cast<std::uint8_t>(i)));
    ASSERT_TRUE(storage->Commit(txn).ok()) << i;
    ASSERT_TRUE(mirror.Commit(txn).ok());
    compacted = std::filesystem::file_size(path) < size_before;
    if (compacted) {
      EXPECT_GT(size_before, FileStorage::kCompactAfter);
    }
  }
  ASSERT_TRUE(compacted);
  EXPECT_LT(std::filesystem::file_size(path), 8u * 1024);
  EXPECT_EQ(DumpStorage(*storage), DumpStorage(mirror));
  // The compacted file takes further appends.
  ASSERT_TRUE(storage->Put("after", HexOrDie("aa")).ok());
  ASSERT_TRUE(mirror.Put("after", HexOrDie("aa")).ok());
  storage.reset();
  auto reopened = OpenOrDie(path);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(DumpStorage(*reopened), DumpStorage(mirror));
}

TEST(FileStorage, RefusesToCreateOverAnExistingFile) {
  TempDir dir;
  const auto path = dir / "token.state";
  ASSERT_NE(CreateOrDie(path, InitialState()), nullptr);
  const Bytes before = ReadFileBytes(path);
  auto again = FileStorage::Create(path, Transaction{});
  EXPECT_FALSE(again.ok());
  EXPECT_EQ(ReadFileBytes(path), before);
}

TEST(FileStorage, ReportsAMissingFileAsNotFound) {
  TempDir dir;
  auto opened = FileStorage::Open(dir / "absent.state");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Code::kNotFound);
}

TEST(FileStorage, RemovesAStrayNewFileOnOpen) {
  TempDir dir;
  const auto path = dir / "token.state";
  ASSERT_NE(CreateOrDie(path, InitialState()), nullptr);
  WriteFileBytes(dir / "token.state.new", AsBytes("TSSTATE1 half a compaction"));
  auto reopened = OpenOrDie(path);
  ASSERT_NE(reopened, nullptr);
  EXPECT_FALSE(std::filesystem::exists(dir / "token.state.new"));
  EXPECT_EQ(ValueHex(*reopened, "piv/pin"), "313233343536ffff");
}

TEST(FileStorage, CutsATornFinalRecordOffSoTheNextAppendStartsClean) {
  TempDir dir;
  const auto path = dir / "token.state";
  ASSERT_NE(CreateOrDie(path, InitialState()), nullptr);
  const auto clean_size = std::filesystem::file_size(path);
  Bytes image = ReadFileBytes(path);
  Append(image, AsBytes("TXN1"));
  Append(image, HexOrDie("00000100"
                         "0003"));  // a record cut short after its length
  WriteFileBytes(path, image);

  auto reopened = OpenOrDie(path);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(std::filesystem::file_size(path), clean_size);
  ASSERT_TRUE(reopened->Put("next", HexOrDie("01")).ok());
  reopened.reset();
  auto again = OpenOrDie(path);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(ValueHex(*again, "next"), "01");
}

TEST(FileStorage, CallsABadMagicCorruptNamingTheFile) {
  TempDir dir;
  const auto path = dir / "token.state";
  ASSERT_NE(CreateOrDie(path, InitialState()), nullptr);
  Bytes image = ReadFileBytes(path);
  image[0] = 'X';
  WriteFileBytes(path, image);
  ExpectCorrupt(path);
}

TEST(FileStorage, CallsABadSnapshotCrcCorruptNamingTheFile) {
  TempDir dir;
  const auto path = dir / "token.state";
  ASSERT_NE(CreateOrDie(path, InitialState()), nullptr);
  Bytes image = ReadFileBytes(path);
  image[40] ^= 0x80;  // inside the first entry
  WriteFileBytes(path, image);
  ExpectCorrupt(path);
}

TEST(FileStorage, CallsATruncatedHeaderOrSnapshotCorruptNamingTheFile) {
  TempDir dir;
  const auto path = dir / "token.state";
  ASSERT_NE(CreateOrDie(path, InitialState()), nullptr);
  const Bytes image = ReadFileBytes(path);
  for (std::size_t cut : {std::size_t{0}, std::size_t{7}, std::size_t{10}, std::size_t{12},
                          image.size() / 2, image.size() - 1}) {
    WriteFileBytes(path, ByteView(image).first(cut));
    SCOPED_TRACE("cut at " + std::to_string(cut));
    ExpectCorrupt(path);
  }
}

TEST(FileStorage, CallsADamagedRecordFollowedByAnotherCorruptNamingTheFile) {
  TempDir dir;
  const auto path = dir / "token.state";
  auto storage = CreateOrDie(path, InitialState());
  ASSERT_NE(storage, nullptr);
  const auto first_record = std::filesystem::file_size(path);
  ASSERT_TRUE(storage->Put("piv/pin", HexOrDie("3939393939393939")).ok());
  ASSERT_TRUE(storage->Put("piv/puk", HexOrDie("3132333435363738")).ok());
  storage.reset();
  Bytes image = ReadFileBytes(path);
  image[first_record + 12] ^= 0x01;  // inside the first record's payload
  WriteFileBytes(path, image);
  ExpectCorrupt(path);
}

TEST(FileStorage, NeverResetsACorruptFile) {
  TempDir dir;
  const auto path = dir / "token.state";
  ASSERT_NE(CreateOrDie(path, InitialState()), nullptr);
  Bytes image = ReadFileBytes(path);
  image[0] = 'X';
  WriteFileBytes(path, image);
  ExpectCorrupt(path);
  EXPECT_EQ(ReadFileBytes(path), image);
}

}  // namespace
}  // namespace tessera::sim
