#include "firmware-sim/os/storage.hpp"

#include <gtest/gtest.h>

#include "tests/unit/firmware-sim/os/test_files.hpp"

namespace tessera::sim {
namespace {

using testing::ValueHex;

TEST(MemoryStorage, GetsWhatWasPutAndNothingElse) {
  MemoryStorage storage;
  ASSERT_TRUE(storage.Put("piv/pin", HexOrDie("31323334")).ok());
  EXPECT_EQ(ValueHex(storage, "piv/pin"), "31323334");
  EXPECT_FALSE(storage.Get("piv/pi").has_value());
  EXPECT_FALSE(storage.Get("piv/pin2").has_value());
}

TEST(MemoryStorage, ReplacesAndErasesValues) {
  MemoryStorage storage;
  ASSERT_TRUE(storage.Put("a", HexOrDie("01")).ok());
  ASSERT_TRUE(storage.Put("a", HexOrDie("0202")).ok());
  EXPECT_EQ(ValueHex(storage, "a"), "0202");
  Transaction erase;
  erase.Erase("a");
  erase.Erase("never-there");
  ASSERT_TRUE(storage.Commit(erase).ok());
  EXPECT_FALSE(storage.Get("a").has_value());
  EXPECT_TRUE(storage.Keys("").empty());
}

TEST(MemoryStorage, ListsKeysByPrefixInOrder) {
  MemoryStorage storage;
  Transaction txn;
  for (const char* key :
       {"piv/slot/9c", "cm/uid", "piv/slot/9a", "piv/pin", "pivx", "piv/slot/9e"}) {
    txn.Put(key, HexOrDie("00"));
  }
  ASSERT_TRUE(storage.Commit(txn).ok());
  EXPECT_EQ(storage.Keys("piv/slot/"),
            (std::vector<std::string>{"piv/slot/9a", "piv/slot/9c", "piv/slot/9e"}));
  EXPECT_EQ(storage.Keys("piv/"),
            (std::vector<std::string>{"piv/pin", "piv/slot/9a", "piv/slot/9c", "piv/slot/9e"}));
  EXPECT_EQ(storage.Keys("").size(), 6u);
  EXPECT_TRUE(storage.Keys("zz").empty());
}

TEST(MemoryStorage, LetsTheLastOperationOnAKeyWinWithinATransaction) {
  MemoryStorage storage;
  ASSERT_TRUE(storage.Put("gone", HexOrDie("01")).ok());
  Transaction txn;
  txn.Put("k", HexOrDie("01"));
  txn.Put("k", HexOrDie("02"));
  txn.Erase("e");
  txn.Put("e", HexOrDie("03"));
  txn.Put("gone", HexOrDie("04"));
  txn.Erase("gone");
  ASSERT_TRUE(storage.Commit(txn).ok());
  EXPECT_EQ(ValueHex(storage, "k"), "02");
  EXPECT_EQ(ValueHex(storage, "e"), "03");
  EXPECT_FALSE(storage.Get("gone").has_value());
}

TEST(MemoryStorage, HandsOutCopiesThatDoNotAliasTheStore) {
  MemoryStorage storage;
  ASSERT_TRUE(storage.Put("k", HexOrDie("0102")).ok());
  auto copy = storage.Get("k");
  ASSERT_TRUE(copy.has_value());
  (*copy)[0] = 0xff;
  EXPECT_EQ(ValueHex(storage, "k"), "0102");
}

}  // namespace
}  // namespace tessera::sim
