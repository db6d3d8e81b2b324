// Power cuts at every write index (DESIGN.md "tearing"): each test counts the
// writes of one operation with a fuse, then replays the operation on a fresh
// copy of the file with the power cut at write N, for every N.
#include <gtest/gtest.h>

#include "firmware-sim/os/file_storage.hpp"
#include "firmware-sim/os/power_fuse.hpp"
#include "tests/unit/firmware-sim/os/test_files.hpp"

namespace tessera::sim {
namespace {

using testing::Dump;
using testing::DumpStorage;
using testing::TempDir;
using testing::ValueHex;

// Several keys of different sizes, one spanning many chunks, and an erase.
Transaction MixedTransaction() {
  Transaction txn;
  txn.Put("piv/pin", HexOrDie("3939393939393939"));
  txn.Put("piv/slot/9a", Bytes(1500, 0x5a));
  txn.Erase("piv/slot/9c");
  txn.Put("piv/empty", {});
  txn.Put("piv/counter", HexOrDie("02"));
  return txn;
}

Transaction BaseState() {
  Transaction txn;
  txn.Put("piv/pin", HexOrDie("313233343536ffff"));
  txn.Put("piv/slot/9c", Bytes(300, 0x9c));
  txn.Put("piv/counter", HexOrDie("03"));
  return txn;
}

Dump DumpFile(const std::filesystem::path& path) {
  auto opened = FileStorage::Open(path);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  return opened.ok() ? DumpStorage(**opened) : Dump{};
}

void CopyFresh(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

// After a reopen the file must take and keep one more commit.
void ExpectFurtherCommitWorks(const std::filesystem::path& path, const Dump& state) {
  auto opened = FileStorage::Open(path);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ASSERT_TRUE((*opened)->Put("later", HexOrDie("4c")).ok());
  opened->reset();
  Dump expected = state;
  expected["later"] = "4c";
  EXPECT_EQ(DumpFile(path), expected);
}

struct TearOutcomes {
  int before = 0;
  int after = 0;
};

// Replays `op` against a fresh copy of `base` once per write index, cutting
// the power at that write, and checks the state is all-old or all-new.
template <typename Op>
TearOutcomes TearAtEveryWrite(const TempDir& dir, const std::filesystem::path& base, Op op) {
  const auto work = dir / "work.state";
  CopyFresh(base, work);
  const Dump before = DumpFile(work);
  PowerFuse counter;
  Dump after;
  {
    auto storage = FileStorage::Open(work, &counter);
    EXPECT_TRUE(storage.ok());
    if (!storage.ok()) return {};
    EXPECT_TRUE(op(**storage).ok());
    after = DumpStorage(**storage);
  }
  EXPECT_NE(before, after);
  const std::size_t writes = counter.writes();
  EXPECT_GE(writes, 2u);

  TearOutcomes outcomes;
  for (std::size_t n = 0; n < writes; ++n) {
    SCOPED_TRACE("power cut at write " + std::to_string(n) + " of " + std::to_string(writes));
    CopyFresh(base, work);
    PowerFuse fuse;
    fuse.Arm(n);
    {
      auto storage = FileStorage::Open(work, &fuse);
      EXPECT_TRUE(storage.ok());
      if (!storage.ok()) continue;
      EXPECT_EQ(op(**storage).code(), Code::kPowerLost);
      EXPECT_TRUE(fuse.blown());
      // The failed transaction is invisible and the object stays dead, even
      // with the power back.
      EXPECT_EQ(DumpStorage(**storage), before);
      fuse.Reset();
      EXPECT_EQ((*storage)->Put("x", HexOrDie("01")).code(), Code::kPowerLost);
    }
    const Dump reloaded = DumpFile(work);
    EXPECT_FALSE(std::filesystem::exists(dir / "work.state.new"));
    if (reloaded == before) {
      ++outcomes.before;
    } else if (reloaded == after) {
      ++outcomes.after;
    } else {
      ADD_FAILURE() << "state is neither the old nor the new one";
    }
    ExpectFurtherCommitWorks(work, reloaded);
  }
  return outcomes;
}

TEST(FileStorage, KeepsOldOrNewStateWhenPowerIsCutAtAnyWriteOfACommit) {
  TempDir dir;
  const auto base = dir / "base.state";
  {
    auto created = FileStorage::Create(base, BaseState());
    ASSERT_TRUE(created.ok());
    ASSERT_TRUE((*created)->Put("cm/uid", HexOrDie("0011")).ok());  // a journal to replay
  }
  const Transaction txn = MixedTransaction();
  TearOutcomes outcomes = TearAtEveryWrite(dir, base, [&](Storage& s) { return s.Commit(txn); });
  // The END! marker is the last write, so a cut anywhere leaves the old state.
  EXPECT_GE(outcomes.before, 8);
  EXPECT_EQ(outcomes.after, 0);
}

TEST(FileStorage, KeepsOldOrNewStateWhenPowerIsCutAtAnyWriteOfACompaction) {
  TempDir dir;
  const auto base = dir / "base.state";
  {
    auto created = FileStorage::Create(base, BaseState());
    ASSERT_TRUE(created.ok());
    // Overwrite a few keys until the journal (the file past its snapshot) is
    // over the limit: the next commit compacts.
    const auto snapshot_end = std::filesystem::file_size(base);
    for (int i = 0; std::filesystem::file_size(base) - snapshot_end <= FileStorage::kCompactAfter;
         ++i) {
      ASSERT_TRUE(
          (*created)
              ->Put("blob/" + std::to_string(i % 3), Bytes(1024, static_cast<std::uint8_t>(i)))
              .ok());
    }
  }
  const auto size_before = std::filesystem::file_size(base);
  const Transaction txn = MixedTransaction();
  TearOutcomes outcomes = TearAtEveryWrite(dir, base, [&](Storage& s) { return s.Commit(txn); });
  EXPECT_LT(std::filesystem::file_size(dir / "work.state"), size_before / 4);  // it did compact
  // Cuts before the rename keep the old file; a cut at the rename keeps the new one.
  EXPECT_GE(outcomes.before, 8);
  EXPECT_EQ(outcomes.after, 1);
}

TEST(FileStorage, LeavesNoFileOrACompleteOneWhenPowerIsCutAtAnyWriteOfCreate) {
  TempDir dir;
  const auto path = dir / "token.state";
  Transaction initial = BaseState();
  initial.Put("piv/slot/9a", Bytes(1200, 0x9a));
  std::size_t writes = 0;
  {
    PowerFuse counter;
    auto created = FileStorage::Create(path, initial, &counter);
    ASSERT_TRUE(created.ok());
    writes = counter.writes();
  }
  const Dump complete = DumpFile(path);
  ASSERT_GE(writes, 6u);
  int none = 0;
  int whole = 0;
  for (std::size_t n = 0; n < writes; ++n) {
    SCOPED_TRACE("power cut at write " + std::to_string(n));
    std::filesystem::remove(path);
    PowerFuse fuse;
    fuse.Arm(n);
    auto created = FileStorage::Create(path, initial, &fuse);
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.status().code(), Code::kPowerLost);
    auto opened = FileStorage::Open(path);
    EXPECT_FALSE(std::filesystem::exists(dir / "token.state.new"));
    if (!opened.ok()) {
      EXPECT_EQ(opened.status().code(), Code::kNotFound) << opened.status().ToString();
      ++none;
      // Nothing was created, so creating again must work.
      ASSERT_TRUE(FileStorage::Create(path, initial).ok());
    } else {
      EXPECT_EQ(DumpStorage(**opened), complete);
      ++whole;
    }
    EXPECT_EQ(DumpFile(path), complete);
  }
  EXPECT_EQ(none, static_cast<int>(writes) - 1);
  EXPECT_EQ(whole, 1);
}

TEST(FileStorage, CountsOneWritePerChunkPlusTheEndMarker) {
  TempDir dir;
  const auto path = dir / "token.state";
  ASSERT_TRUE(FileStorage::Create(path, Transaction{}).ok());
  PowerFuse fuse;
  auto storage = FileStorage::Open(path, &fuse);
  ASSERT_TRUE(storage.ok());
  Transaction txn;
  txn.Put("k", Bytes(1000, 1));  // record: 8 + (2 + 1 + 1 + 4 + 1000) + 4 = 1020 bytes
  ASSERT_TRUE((*storage)->Commit(txn).ok());
  EXPECT_EQ(fuse.writes(), 4u + 1u);  // ceil(1020 / 256) chunks, then END!
  EXPECT_EQ(ValueHex(**storage, "k").size(), 2000u);
}

}  // namespace
}  // namespace tessera::sim
