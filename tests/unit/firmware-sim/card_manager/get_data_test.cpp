// GET DATA, SELECT and the class and instruction checks of the card manager
// (docs/card-manager.md "Identity", "GET DATA", "Commands"), byte for byte.
#include <gtest/gtest.h>

#include "common/card_manager_constants.hpp"
#include "firmware-sim/os/file_storage.hpp"
#include "tests/unit/firmware-sim/card_manager/cm_host.hpp"
#include "tests/unit/firmware-sim/card_manager/cm_token.hpp"

namespace tessera::sim::cmtest {
namespace {

// GP CPLC: fabricator 5453, IC type 0003, OS ID 5445, OS release date 6325,
// level 0100, fabrication date 0000, IC serial 00BC614E, the rest zero.
std::string Cplc() {
  return "9f7f2a 5453 0003 5445 6325 0100 0000 00bc614e" + std::string(52, '0');
}

TEST_F(CardManagerTest, GetDataAnswersANewTokenByteForByte) {
  const std::string uid = ToHex(token().uid());
  token().Run({
      {"UID, class 80", "80cadf3000", "df3010" + uid},
      {"UID, class 00", "00cadf3000", "df3010" + uid},
      {"CPLC", "80ca9f7f00", Cplc()},
      {"key information: the factory key", "80ca00e000", "e006c00401ff8820"},
      {"executive status: MANUFACTURED, 5 of 5", "80cadf3100", "df3103010505"},
      {"unknown tag", "80cadf3200", "", 0x6A88},
      {"unknown tag E1", "80ca00e100", "", 0x6A88},
  });
}

TEST_F(CardManagerTest, GetDataAfterPersonalizationListsTheKrkThenTheMk) {
  ASSERT_EQ(Personalize(token()), 0x9000);
  token().Run({
      {"key information", "80ca00e000", "e00c c00401018820 c00402018820"},
      {"executive status: PERSONALIZED", "80cadf3100", "df31030f0505"},
      {"UID unchanged", "80cadf3000", "df3010" + ToHex(token().uid())},
  });
}

TEST_F(CardManagerTest, SelectAnswersTheFciWithTheAid) {
  token().Run({{"SELECT", std::string(kSelectCardManager), "6f0c840af054455353455241434d"}});
}

TEST_F(CardManagerTest, ClassesAndInstructionsOutsideTheContractAreClearStatusWords) {
  token().Run({
      {"INITIALIZE UPDATE in class 00", "0050000008 0102030405060708", "", 0x6E00},
      {"GET DATA in class A0", "a0cadf3000", "", 0x6E00},
      {"GET DATA in class 84 without a channel", "84cadf3000", "", 0x6982},
      {"GET CHALLENGE without a channel", "8084000010", "", 0x6982},
      {"UNLOCK without a channel", "805a010010" + std::string(32, '0'), "", 0x6982},
      {"PUT KEY without a channel", "80d8008101 01", "", 0x6982},
      {"SET STATUS without a channel", "80f080ff", "", 0x6982},
      {"unknown instruction", "80ee000000", "", 0x6D00},
      {"GET DATA still fine", "80cadf3100", "df3103010505"},
  });
}

TEST_F(CardManagerTest, PivIsSelectableBesideTheCardManager) {
  ResponseApdu piv = token().Send("00a4040005a000000308");
  EXPECT_EQ(piv.sw, 0x9000);
  ASSERT_FALSE(piv.data.empty());
  EXPECT_EQ(piv.data[0], 0x61) << "the PIV application property template";
  EXPECT_NE(token().Send("80cadf3000").sw, 0x9000) << "PIV answers, not the card manager";
  token().Select();
  EXPECT_EQ(token().Send("80cadf3000").sw, 0x9000);
}

// A state file written before the card manager existed has no "cm/" record:
// the token loads it as MANUFACTURED with the sequence counter at 0.
TEST_F(CardManagerTest, AStateFileWithoutCardManagerRecordsIsManufacturedAtCounterZero) {
  const std::filesystem::path path = file();
  token_.reset();
  {
    auto storage = FileStorage::Open(path);
    ASSERT_TRUE(storage.ok()) << storage.status().ToString();
    Transaction txn;
    for (const std::string& key : (*storage)->Keys("cm/")) txn.Erase(key);
    ASSERT_FALSE(txn.empty()) << "manufacture wrote the card manager's records";
    ASSERT_TRUE((*storage)->Commit(txn).ok());
    EXPECT_TRUE((*storage)->Keys("cm/").empty());
  }
  token_ = CmToken::Load(path);
  ASSERT_NE(token_, nullptr);
  token().Select();
  token().Run({
      {"executive status", "80cadf3100", "df3103010505"},
      {"key information", "80ca00e000", "e006c00401ff8820"},
  });
  Host host(token());
  ASSERT_EQ(host.Open(FactoryKeySet()), 0x9000);
  EXPECT_EQ(host.last_sequence(), 1u);
  host.Close();
  ASSERT_EQ(Personalize(token()), 0x9000);
  EXPECT_EQ(ProbeKeySet(token(), Mk1()), 0x9000);
}

}  // namespace
}  // namespace tessera::sim::cmtest
