// Per-token diversification inside SoftHSM2 against pinned vectors and an
// independent OpenSSL computation (docs/hsm-adapter.md "Test vectors").
// Derived keys are compared by KCV and CMAC outputs: their values never
// leave the HSM.
#include "hsm/diversify.hpp"

#include <gtest/gtest.h>

#include "hsm/derive.hpp"
#include "hsm/scp03_keys.hpp"
#include "hsm/version_objects.hpp"
#include "hsm/version_record.hpp"
#include "tests/integration/hsm/softhsm_fixture.hpp"
#include "tests/integration/hsm/test_keys.hpp"

namespace tessera::hsm::testing {
namespace {

// The vectors of docs/hsm-adapter.md "Test vectors".
const Bytes kMkBlock = HexOrDie("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
const Bytes kKrkBlock =
    HexOrDie("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
const Bytes kUid = HexOrDie("544553534552412d5549442d30303031");  // "TESSERA-UID-0001"
const Bytes kR = HexOrDie("c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf");
const Bytes kMkData = HexOrDie("544553534552412d5549442d30303031abbaacacbaadbed2aab6bbd2cfcfcfce");
const Bytes kMk = HexOrDie("1efb25592c7fd646b288e72ad86cacc7d98c46a862d7cffd47945cf55ea66bd6");
const Bytes kKrk = HexOrDie("52fc1239998f757a48b30947640d907c50dfc3519564800ef9643cb21c443a7a");
const Bytes kMessage = {'T', 'E', 'S', 'S', 'E', 'R', 'A'};

class DiversifyTest : public OpenTokenTest {
 protected:
  void SetUp() override {
    OpenTokenTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ImportBlock(token(), MkBlockLabel(1), kMkBlock);
    ImportBlock(token(), KrkBlockLabel(1), kKrkBlock);
  }
};

TEST(Diversification, MkDataIsUidThenItsComplement) {
  auto data = MkDiversificationData(kUid);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(ToHex(*data), ToHex(kMkData));
  EXPECT_EQ(MkDiversificationData(Bytes(15, 0)).status().code(), Code::kInvalidArgument);
}

TEST(Diversification, PinnedVectorsMatchAnIndependentComputation) {
  EXPECT_EQ(ToHex(ReferenceAesEcb(kMkBlock, kMkData)), ToHex(kMk));
  EXPECT_EQ(ToHex(ReferenceAesEcb(kKrkBlock, kR)), ToHex(kKrk));
  EXPECT_EQ(ToHex(ReferenceKcv(kMk)), "39c35e");
  EXPECT_EQ(ToHex(ReferenceKcv(kKrk)), "89ba60");
  EXPECT_EQ(ToHex(ReferenceCmac(kMk, kMessage)), "426c191b489f719914be8b7d0ca7d9d7");
}

TEST_F(DiversifyTest, TokenMkMatchesThePinnedVector) {
  auto mk = DeriveTokenMk(token(), 1, kUid);
  ASSERT_TRUE(mk.ok()) << mk.status().ToString();
  auto kcv = KeyCheckValue(token(), *mk);
  ASSERT_TRUE(kcv.ok()) << kcv.status().ToString();
  EXPECT_EQ(ToHex(*kcv), "39c35e");
  auto mac = Cmac(token(), *mk, kMessage);
  ASSERT_TRUE(mac.ok()) << mac.status().ToString();
  EXPECT_EQ(ToHex(mac->view()), "426c191b489f719914be8b7d0ca7d9d7");
  EXPECT_EQ(ToHex(mac->view()), ToHex(ReferenceCmac(ReferenceAesEcb(kMkBlock, kMkData), kMessage)));
}

TEST_F(DiversifyTest, TokenKrkMatchesThePinnedVector) {
  auto krk = DeriveTokenKrk(token(), 1, SecureBytes(kR));
  ASSERT_TRUE(krk.ok()) << krk.status().ToString();
  auto kcv = KeyCheckValue(token(), *krk);
  ASSERT_TRUE(kcv.ok());
  EXPECT_EQ(ToHex(*kcv), "89ba60");
  auto mac = Cmac(token(), *krk, kMessage);
  ASSERT_TRUE(mac.ok());
  EXPECT_EQ(ToHex(mac->view()), ToHex(ReferenceCmac(kKrk, kMessage)));
}

TEST_F(DiversifyTest, BlockCheckValuesMatchThePinnedVectors) {
  auto mk_block = RequireTokenObject(token().session(), ObjectClass::kSecretKey, MkBlockLabel(1));
  auto krk_block = RequireTokenObject(token().session(), ObjectClass::kSecretKey, KrkBlockLabel(1));
  ASSERT_TRUE(mk_block.ok() && krk_block.ok());
  auto mk_check = BlockCheckValue(token(), *mk_block, "MK block");
  auto krk_check = BlockCheckValue(token(), *krk_block, "KRK block");
  ASSERT_TRUE(mk_check.ok() && krk_check.ok()) << mk_check.status().ToString();
  EXPECT_EQ(ToHex(*mk_check), "8184ae");
  EXPECT_EQ(ToHex(*krk_check), "7254ac");
  EXPECT_EQ(ToHex(*mk_check), ToHex(ReferenceKcv(ReferenceAesEcb(kMkBlock, Bytes(32, 0x00)))));
}

TEST_F(DiversifyTest, DerivedKeysAreSensitiveSessionObjects) {
  auto mk = DeriveTokenMk(token(), 1, kUid);
  ASSERT_TRUE(mk.ok());
  EXPECT_EQ(ProbeAttribute(token(), mk->handle(), CKA_VALUE),
            static_cast<CK_RV>(CKR_ATTRIBUTE_SENSITIVE));
  EXPECT_FALSE(BoolAttribute(token(), mk->handle(), CKA_TOKEN));
  EXPECT_TRUE(BoolAttribute(token(), mk->handle(), CKA_SENSITIVE));
  EXPECT_TRUE(BoolAttribute(token(), mk->handle(), CKA_EXTRACTABLE));
  EXPECT_TRUE(BoolAttribute(token(), mk->handle(), CKA_SIGN));
  EXPECT_FALSE(BoolAttribute(token(), mk->handle(), CKA_DECRYPT));
}

TEST_F(DiversifyTest, KeyObjectDestroysTheDerivedKey) {
  const std::size_t before = CountObjects(token());
  CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
  {
    auto mk = DeriveTokenMk(token(), 1, kUid);
    ASSERT_TRUE(mk.ok());
    handle = mk->handle();
    EXPECT_EQ(CountObjects(token()), before + 1);
  }
  EXPECT_EQ(CountObjects(token()), before);
  EXPECT_EQ(ProbeAttribute(token(), handle, CKA_CLASS),
            static_cast<CK_RV>(CKR_OBJECT_HANDLE_INVALID));
}

TEST_F(DiversifyTest, DifferentUidsGiveDifferentMks) {
  Bytes other = kUid;
  other[15] ^= 0x01;
  auto a = DeriveTokenMk(token(), 1, kUid);
  auto b = DeriveTokenMk(token(), 1, other);
  ASSERT_TRUE(a.ok() && b.ok());
  auto mac_a = Cmac(token(), *a, kMessage);
  auto mac_b = Cmac(token(), *b, kMessage);
  ASSERT_TRUE(mac_a.ok() && mac_b.ok());
  EXPECT_NE(ToHex(mac_a->view()), ToHex(mac_b->view()));
}

TEST_F(DiversifyTest, BadInputsAndMissingVersionsAreClearErrors) {
  auto short_uid = DeriveTokenMk(token(), 1, Bytes(8, 0x11));
  EXPECT_EQ(short_uid.status().code(), Code::kInvalidArgument);
  auto short_r = DeriveTokenKrk(token(), 1, SecureBytes(Bytes(16, 0x11)));
  EXPECT_EQ(short_r.status().code(), Code::kInvalidArgument);
  auto bad_version = DeriveTokenMk(token(), 0x80, kUid);
  EXPECT_EQ(bad_version.status().code(), Code::kInvalidArgument);
  EXPECT_NE(bad_version.status().message().find("80"), std::string::npos);

  auto missing = DeriveTokenMk(token(), 2, kUid);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_NE(missing.status().message().find("'tessera-mk-v02'"), std::string::npos)
      << missing.status().message();
  EXPECT_NE(missing.status().message().find(kLabel), std::string::npos);
}

TEST(Diversification, HsmWithoutEcbEncryptDataIsRefused) {
  HsmQuirks cbc_only{.name = "Acme HSM", .supports_aes_cbc_encrypt_data = true};
  Status status = RequireEcbEncryptData(cbc_only, "acme");
  EXPECT_EQ(status.code(), Code::kFunctionNotSupported);
  EXPECT_NE(status.message().find("CKM_AES_ECB_ENCRYPT_DATA"), std::string::npos);
  EXPECT_NE(status.message().find("Acme HSM"), std::string::npos);
  EXPECT_TRUE(RequireEcbEncryptData(QuirksFor("SoftHSM project", ""), "x").ok());
}

}  // namespace
}  // namespace tessera::hsm::testing
