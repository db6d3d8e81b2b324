// The directory's records and lifecycle rules, on every backend: round
// trips, ordering, the refusals, unknown UIDs and malformed input.
#include <gtest/gtest.h>

#include <string>

#include "services/directory/directory.hpp"
#include "services/directory/token_record.hpp"
#include "tests/integration/services/directory/directory_fixture.hpp"

namespace tessera::directory::testing {
namespace {

bool Mentions(const Status& status, const std::string& text) {
  return status.message().find(text) != std::string::npos;
}

TokenRecord Get(const Directory& directory, std::uint32_t n) {
  auto found = directory.FindByUid(Uid(n));
  EXPECT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_TRUE(found.ok() && found->has_value()) << "no token " << n;
  return found.ok() && found->has_value() ? **found : TokenRecord{};
}

TEST(Lifecycle, WordsRoundTripAndOthersAreRefused) {
  for (Lifecycle l :
       {Lifecycle::kPersonalizing, Lifecycle::kPersonalized, Lifecycle::kTerminated}) {
    auto back = LifecycleFromString(ToString(l));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, l);
  }
  EXPECT_EQ(ToString(Lifecycle::kPersonalized), "personalized");
  EXPECT_EQ(LifecycleFromString("Personalized").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(LifecycleFromString("").status().code(), Code::kInvalidArgument);
}

TEST_P(TokenDirectoryTest, RecordPersonalizingStoresEveryFieldAndFindsItByUidAndSerial) {
  auto directory = Open();
  ASSERT_TRUE(directory->RecordPersonalizing(Uid(7), 4242, Cryptogram(7), 3, 5).ok());

  TokenRecord expected;
  expected.uid = Uid(7);
  expected.serial = 4242;
  expected.cryptogram = Cryptogram(7);
  expected.krk_version = 3;
  expected.mk_version = 5;
  expected.lifecycle = Lifecycle::kPersonalizing;
  expected.created_at = 1'700'000'000;
  expected.updated_at = 1'700'000'000;
  EXPECT_EQ(Get(*directory, 7), expected);
  auto by_serial = directory->FindBySerial(4242);
  ASSERT_TRUE(by_serial.ok());
  ASSERT_TRUE(by_serial->has_value());
  EXPECT_EQ(**by_serial, expected);
}

TEST_P(TokenDirectoryTest, UnknownUidOrSerialIsFoundEmpty) {
  auto directory = Open();
  Record(*directory, 1);
  auto by_uid = directory->FindByUid(Uid(2));
  ASSERT_TRUE(by_uid.ok());
  EXPECT_FALSE(by_uid->has_value());
  auto by_serial = directory->FindBySerial(999);
  ASSERT_TRUE(by_serial.ok());
  EXPECT_FALSE(by_serial->has_value());
}

TEST_P(TokenDirectoryTest, ListIsOrderedBySerial) {
  auto directory = Open();
  auto list = directory->List();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  for (std::uint32_t serial : {30u, 4'000'000'000u, 10u, 20u}) {
    ASSERT_TRUE(directory->RecordPersonalizing(Uid(serial), serial, Cryptogram(serial), 1, 1).ok());
  }
  list = directory->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 4u);
  EXPECT_EQ((*list)[0].serial, 10u);
  EXPECT_EQ((*list)[1].serial, 20u);
  EXPECT_EQ((*list)[2].serial, 30u);
  EXPECT_EQ((*list)[3].serial, 4'000'000'000u);
  EXPECT_EQ((*list)[0].uid, Uid(10));
}

TEST_P(TokenDirectoryTest, MarkPersonalizedMovesOnAndKeepsCreatedAt) {
  auto directory = Open();
  Record(*directory, 1);
  SetNow(1'700'000'100);
  ASSERT_TRUE(directory->MarkPersonalized(Uid(1), Cryptogram(1)).ok());
  TokenRecord token = Get(*directory, 1);
  EXPECT_EQ(token.lifecycle, Lifecycle::kPersonalized);
  EXPECT_EQ(token.created_at, 1'700'000'000);
  EXPECT_EQ(token.updated_at, 1'700'000'100);
  EXPECT_EQ(token.cryptogram, Cryptogram(1));
}

TEST_P(TokenDirectoryTest, MarkPersonalizedTwiceIsRefused) {
  auto directory = Open();
  Record(*directory, 1);
  ASSERT_TRUE(directory->MarkPersonalized(Uid(1), Cryptogram(1)).ok());
  Status again = directory->MarkPersonalized(Uid(1), Cryptogram(1));
  EXPECT_EQ(again.code(), Code::kConditionsNotSatisfied);
  EXPECT_TRUE(Mentions(again, "is personalized")) << again.message();
}

TEST_P(TokenDirectoryTest, RecordingAgainWhilePersonalizingReplacesTheRow) {
  auto directory = Open();
  Record(*directory, 1);
  SetNow(1'700'000'050);
  ASSERT_TRUE(directory->RecordPersonalizing(Uid(1), 77, Cryptogram(99), 2, 4).ok());
  TokenRecord token = Get(*directory, 1);
  EXPECT_EQ(token.serial, 77u);
  EXPECT_EQ(token.cryptogram, Cryptogram(99));
  EXPECT_EQ(token.krk_version, 2);
  EXPECT_EQ(token.mk_version, 4);
  EXPECT_EQ(token.created_at, 1'700'000'000);
  EXPECT_EQ(token.updated_at, 1'700'000'050);
  auto old_serial = directory->FindBySerial(1001);
  ASSERT_TRUE(old_serial.ok());
  EXPECT_FALSE(old_serial->has_value());
  EXPECT_EQ(directory->List()->size(), 1u);
}

TEST_P(TokenDirectoryTest, APersonalizedTokensCryptogramIsNeverOverwritten) {
  auto directory = Open();
  Record(*directory, 1);
  ASSERT_TRUE(directory->MarkPersonalized(Uid(1), Cryptogram(1)).ok());
  const TokenRecord before = Get(*directory, 1);

  Status refused = directory->RecordPersonalizing(Uid(1), 1001, Cryptogram(2), 1, 1);
  EXPECT_EQ(refused.code(), Code::kConditionsNotSatisfied);
  EXPECT_TRUE(Mentions(refused, ToHex(Uid(1)))) << refused.message();
  EXPECT_TRUE(Mentions(refused, "it is personalized")) << refused.message();
  EXPECT_EQ(Get(*directory, 1), before);
}

TEST_P(TokenDirectoryTest, ATerminatedTokenIsNotRecordedAgain) {
  auto directory = Open();
  Record(*directory, 1);
  ASSERT_TRUE(directory->MarkTerminated(Uid(1)).ok());
  const TokenRecord before = Get(*directory, 1);
  Status refused = directory->RecordPersonalizing(Uid(1), 1001, Cryptogram(2), 1, 1);
  EXPECT_EQ(refused.code(), Code::kConditionsNotSatisfied);
  EXPECT_TRUE(Mentions(refused, "it is terminated")) << refused.message();
  EXPECT_EQ(Get(*directory, 1), before);
}

TEST_P(TokenDirectoryTest, ASerialOfAnotherTokenIsRefused) {
  auto directory = Open();
  Record(*directory, 1);  // serial 1001
  Record(*directory, 2);  // serial 1002
  Status refused = directory->RecordPersonalizing(Uid(3), 1001, Cryptogram(3), 1, 1);
  EXPECT_EQ(refused.code(), Code::kConditionsNotSatisfied);
  EXPECT_TRUE(Mentions(refused, "serial 1001 already belongs to token " + ToHex(Uid(1))))
      << refused.message();
  // Nor may a token still personalizing take another token's serial.
  EXPECT_EQ(directory->RecordPersonalizing(Uid(2), 1001, Cryptogram(2), 1, 1).code(),
            Code::kConditionsNotSatisfied);
  auto list = directory->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ(Get(*directory, 2).serial, 1002u);
}

TEST_P(TokenDirectoryTest, AReplacementSetsTheTargetThenTheNewVersion) {
  auto directory = Open();
  Record(*directory, 1);
  ASSERT_TRUE(directory->MarkPersonalized(Uid(1), Cryptogram(1)).ok());

  SetNow(1'700'000'200);
  ASSERT_TRUE(directory->BeginReplacement(Uid(1), 2).ok());
  TokenRecord token = Get(*directory, 1);
  EXPECT_EQ(token.mk_version, 1);
  EXPECT_EQ(token.target_mk_version, std::optional<std::uint8_t>(2));
  EXPECT_EQ(token.updated_at, 1'700'000'200);

  SetNow(1'700'000'300);
  ASSERT_TRUE(directory->FinishReplacement(Uid(1), 2).ok());
  token = Get(*directory, 1);
  EXPECT_EQ(token.mk_version, 2);
  EXPECT_EQ(token.target_mk_version, std::nullopt);
  EXPECT_EQ(token.lifecycle, Lifecycle::kPersonalized);
  EXPECT_EQ(token.krk_version, 1);  // the KRK, and so the cryptogram, stay
  EXPECT_EQ(token.cryptogram, Cryptogram(1));
  EXPECT_EQ(token.updated_at, 1'700'000'300);
}

TEST_P(TokenDirectoryTest, MarkPersonalizedNeedsTheCryptogramItRecorded) {
  auto directory = Open();
  Record(*directory, 1);
  // Another run replaced the row with its own cryptogram in the meantime.
  ASSERT_TRUE(directory->RecordPersonalizing(Uid(1), 1001, Cryptogram(7), 1, 1).ok());
  Status stale = directory->MarkPersonalized(Uid(1), Cryptogram(1));
  EXPECT_EQ(stale.code(), Code::kConditionsNotSatisfied);
  EXPECT_TRUE(Mentions(stale, "replaced by another run")) << stale.message();
  EXPECT_EQ(Get(*directory, 1).lifecycle, Lifecycle::kPersonalizing);
  EXPECT_TRUE(directory->MarkPersonalized(Uid(1), Cryptogram(7)).ok());
}

TEST_P(TokenDirectoryTest, SettleMkVersionRecordsWhatTheCardProvedAndClearsTheTarget) {
  auto directory = Open();
  Record(*directory, 1);
  EXPECT_EQ(directory->SettleMkVersion(Uid(1), 2).code(), Code::kConditionsNotSatisfied);
  ASSERT_TRUE(directory->MarkPersonalized(Uid(1), Cryptogram(1)).ok());
  ASSERT_TRUE(directory->BeginReplacement(Uid(1), 3).ok());
  // The interrupted replacement to 3 did commit on the card.
  ASSERT_TRUE(directory->SettleMkVersion(Uid(1), 3).ok());
  EXPECT_EQ(Get(*directory, 1).mk_version, 3);
  EXPECT_EQ(Get(*directory, 1).target_mk_version, std::nullopt);
  const TokenRecord settled = Get(*directory, 1);
  SetNow(1'700'009'000);
  ASSERT_TRUE(directory->SettleMkVersion(Uid(1), 3).ok());
  EXPECT_EQ(Get(*directory, 1), settled);  // no change, not even updated_at
}

TEST_P(TokenDirectoryTest, BeginReplacementResumesTheSameTargetOrRetargets) {
  auto directory = Open();
  Record(*directory, 1);
  ASSERT_TRUE(directory->MarkPersonalized(Uid(1), Cryptogram(1)).ok());
  ASSERT_TRUE(directory->BeginReplacement(Uid(1), 2).ok());
  const TokenRecord begun = Get(*directory, 1);

  SetNow(1'700'000'500);
  EXPECT_TRUE(directory->BeginReplacement(Uid(1), 2).ok());
  EXPECT_EQ(Get(*directory, 1), begun);  // a no-op: not even updated_at moves

  // The caller proved the card still holds version 1: a new target replaces
  // the unfinished one.
  ASSERT_TRUE(directory->BeginReplacement(Uid(1), 3).ok());
  EXPECT_EQ(Get(*directory, 1).target_mk_version, std::optional<std::uint8_t>(3));
  EXPECT_EQ(Get(*directory, 1).mk_version, 1);
}

TEST_P(TokenDirectoryTest, AReplacementNeedsAPersonalizedTokenAndANewVersion) {
  auto directory = Open();
  Record(*directory, 1);
  Status early = directory->BeginReplacement(Uid(1), 2);
  EXPECT_EQ(early.code(), Code::kConditionsNotSatisfied);
  EXPECT_TRUE(Mentions(early, "is personalizing")) << early.message();

  ASSERT_TRUE(directory->MarkPersonalized(Uid(1), Cryptogram(1)).ok());
  Status same = directory->BeginReplacement(Uid(1), 1);
  EXPECT_EQ(same.code(), Code::kConditionsNotSatisfied);
  EXPECT_TRUE(Mentions(same, "already has that version")) << same.message();

  ASSERT_TRUE(directory->MarkTerminated(Uid(1)).ok());
  EXPECT_EQ(directory->BeginReplacement(Uid(1), 2).code(), Code::kConditionsNotSatisfied);
}

TEST_P(TokenDirectoryTest, FinishReplacementMustMatchTheTargetInFlight) {
  auto directory = Open();
  Record(*directory, 1);
  ASSERT_TRUE(directory->MarkPersonalized(Uid(1), Cryptogram(1)).ok());
  Status none = directory->FinishReplacement(Uid(1), 2);
  EXPECT_EQ(none.code(), Code::kConditionsNotSatisfied);
  EXPECT_TRUE(Mentions(none, "no replacement in flight")) << none.message();

  ASSERT_TRUE(directory->BeginReplacement(Uid(1), 2).ok());
  Status wrong = directory->FinishReplacement(Uid(1), 3);
  EXPECT_EQ(wrong.code(), Code::kConditionsNotSatisfied);
  EXPECT_EQ(Get(*directory, 1).target_mk_version, std::optional<std::uint8_t>(2));

  ASSERT_TRUE(directory->FinishReplacement(Uid(1), 2).ok());
  const TokenRecord done = Get(*directory, 1);
  SetNow(1'700'000'900);
  EXPECT_TRUE(directory->FinishReplacement(Uid(1), 2).ok());  // a resumed run: no-op
  EXPECT_EQ(Get(*directory, 1), done);
}

TEST_P(TokenDirectoryTest, TerminationWorksFromAnyStateAndClearsATarget) {
  auto directory = Open();
  Record(*directory, 1);
  Record(*directory, 2);
  ASSERT_TRUE(directory->MarkPersonalized(Uid(2), Cryptogram(2)).ok());
  ASSERT_TRUE(directory->BeginReplacement(Uid(2), 9).ok());

  ASSERT_TRUE(directory->MarkTerminated(Uid(1)).ok());
  ASSERT_TRUE(directory->MarkTerminated(Uid(2)).ok());
  EXPECT_EQ(Get(*directory, 1).lifecycle, Lifecycle::kTerminated);
  const TokenRecord two = Get(*directory, 2);
  EXPECT_EQ(two.lifecycle, Lifecycle::kTerminated);
  EXPECT_EQ(two.target_mk_version, std::nullopt);
  EXPECT_EQ(two.cryptogram, Cryptogram(2));  // kept as history

  SetNow(1'700'001'000);
  EXPECT_TRUE(directory->MarkTerminated(Uid(2)).ok());
  EXPECT_EQ(Get(*directory, 2), two);
  EXPECT_EQ(directory->MarkPersonalized(Uid(1), Cryptogram(1)).code(),
            Code::kConditionsNotSatisfied);
}

TEST_P(TokenDirectoryTest, AnUnknownUidIsNotFoundNamedInHex) {
  auto directory = Open();
  Record(*directory, 1);
  const Bytes unknown = Uid(0xdeadbeef);
  const std::string hex = ToHex(unknown);
  for (const Status& s :
       {directory->MarkPersonalized(unknown, Cryptogram(1)),
        directory->BeginReplacement(unknown, 2), directory->FinishReplacement(unknown, 2),
        directory->MarkTerminated(unknown)}) {
    EXPECT_EQ(s.code(), Code::kNotFound);
    EXPECT_TRUE(Mentions(s, hex)) << s.message();
  }
}

TEST_P(TokenDirectoryTest, MalformedInputIsInvalidArgumentAndWritesNothing) {
  auto directory = Open();
  const Bytes short_uid(kUidSize - 1, 0x11);
  const Bytes long_uid(kUidSize + 1, 0x11);
  EXPECT_EQ(directory->RecordPersonalizing(short_uid, 1, Cryptogram(1), 1, 1).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(directory->RecordPersonalizing(long_uid, 1, Cryptogram(1), 1, 1).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(directory->RecordPersonalizing(Uid(1), 1, Bytes{}, 1, 1).code(),
            Code::kInvalidArgument);
  const Bytes short_cryptogram(kCryptogramSize - 1, 0x22);
  EXPECT_EQ(directory->RecordPersonalizing(Uid(1), 1, short_cryptogram, 1, 1).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(directory->FindByUid(short_uid).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(directory->FindByUid(Bytes{}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(directory->MarkPersonalized(short_uid, Cryptogram(1)).code(), Code::kInvalidArgument);
  EXPECT_EQ(directory->BeginReplacement(long_uid, 2).code(), Code::kInvalidArgument);
  EXPECT_EQ(directory->FinishReplacement(long_uid, 2).code(), Code::kInvalidArgument);
  EXPECT_EQ(directory->MarkTerminated(Bytes{}).code(), Code::kInvalidArgument);
  auto list = directory->List();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, TokenDirectoryTest, ::testing::ValuesIn(TestedBackends()),
                         BackendName);

}  // namespace
}  // namespace tessera::directory::testing
