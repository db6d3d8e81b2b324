// The SCP03 side of per-token keys inside SoftHSM2 against common/scp03,
// which is what the token runs (docs/card-manager.md): static keys, UNLOCK
// responses and PUT KEY key data.
#include "hsm/scp03_keys.hpp"

#include <gtest/gtest.h>

#include "common/scp03/kdf.hpp"
#include "common/scp03/key_set.hpp"
#include "hsm/derive.hpp"
#include "hsm/diversify.hpp"
#include "hsm/key_templates.hpp"
#include "hsm/version_objects.hpp"
#include "tests/integration/hsm/softhsm_fixture.hpp"
#include "tests/integration/hsm/test_keys.hpp"

namespace tessera::hsm::testing {
namespace {

const Bytes kMkBlock = HexOrDie("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
const Bytes kKrkBlock =
    HexOrDie("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
const Bytes kUid = HexOrDie("544553534552412d5549442d30303031");
const Bytes kR = HexOrDie("c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf");
const Bytes kSDek = HexOrDie("f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff");

// The per-token keys, computed on the host from the known blocks.
Bytes ExpectedMk() {
  return ReferenceAesEcb(kMkBlock, Concat({kUid, HexOrDie("abbaacacbaadbed2aab6bbd2cfcfcfce")}));
}
Bytes ExpectedKrk() { return ReferenceAesEcb(kKrkBlock, kR); }

class Scp03KeysTest : public OpenTokenTest {
 protected:
  void SetUp() override {
    OpenTokenTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ImportBlock(token(), MkBlockLabel(1), kMkBlock);
    ImportBlock(token(), KrkBlockLabel(1), kKrkBlock);
  }
};

std::string Hex(const Result<SecureBytes>& r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? ToHex(r->view()) : std::string();
}

TEST_F(Scp03KeysTest, StaticKeysFromTheHsmEqualThoseFromTheBaseKeyBytes) {
  auto mk = DeriveTokenMk(token(), 1, kUid);
  ASSERT_TRUE(mk.ok()) << mk.status().ToString();
  auto hsm_keys = HsmStaticKeys::Derive(token(), *mk);
  ASSERT_TRUE(hsm_keys.ok()) << hsm_keys.status().ToString();
  auto reference = scp03::StaticKeysFromBase(ExpectedMk());
  ASSERT_TRUE(reference.ok()) << reference.status().ToString();

  const scp03::StaticKeys ours = hsm_keys->Prfs();
  const Bytes inputs[] = {Bytes{}, Bytes(16, 0x5A),
                          scp03::KdfInput(scp03::kSessionEnc, 256, 1, Bytes(16, 0x33))};
  for (const Bytes& in : inputs) {
    EXPECT_EQ(Hex(ours.enc(in)), Hex(reference->enc(in)));
    EXPECT_EQ(Hex(ours.mac(in)), Hex(reference->mac(in)));
    EXPECT_EQ(Hex(ours.dek(in)), Hex(reference->dek(in)));
  }
  EXPECT_NE(Hex(ours.enc(inputs[1])), Hex(ours.mac(inputs[1])));
}

TEST_F(Scp03KeysTest, StaticKeysMatchThePinnedVectors) {
  // docs/hsm-adapter.md "Test vectors": the static keys of the pinned MK.
  const Bytes k_enc = HexOrDie("8616b39b3a9fd1c8d8590b8c7b68aa775573d0e14f50e973f6d35097c791eae6");
  const Bytes k_mac = HexOrDie("834a9d8729e4a6c635c5be7c0d3301168f96f64d454700b17d92385596e1d54a");
  const Bytes k_dek = HexOrDie("0bc716a09321deb35a8cca6ca1a5c40dc448fc3e23bc82835c3fb087972f7ddc");
  EXPECT_EQ(
      ToHex(ReferenceAesEcb(ExpectedMk(), scp03::StaticKeyDerivationData(scp03::KeyRole::kEnc))),
      ToHex(k_enc));
  EXPECT_EQ(ToHex(ReferenceKcv(k_enc)), "7640eb");
  EXPECT_EQ(ToHex(ReferenceKcv(k_mac)), "ea3528");
  EXPECT_EQ(ToHex(ReferenceKcv(k_dek)), "1de19f");

  auto mk = DeriveTokenMk(token(), 1, kUid);
  ASSERT_TRUE(mk.ok());
  auto hsm_keys = HsmStaticKeys::Derive(token(), *mk);
  ASSERT_TRUE(hsm_keys.ok());
  const scp03::StaticKeys ours = hsm_keys->Prfs();
  const Bytes in(32, 0xA5);
  EXPECT_EQ(Hex(ours.enc(in)), ToHex(ReferenceCmac(k_enc, in)));
  EXPECT_EQ(Hex(ours.mac(in)), ToHex(ReferenceCmac(k_mac, in)));
  EXPECT_EQ(Hex(ours.dek(in)), ToHex(ReferenceCmac(k_dek, in)));
}

TEST_F(Scp03KeysTest, SessionKeysDerivedThroughTheHsmMatchTheReference) {
  auto mk = DeriveTokenMk(token(), 1, kUid);
  ASSERT_TRUE(mk.ok());
  auto hsm_keys = HsmStaticKeys::Derive(token(), *mk);
  ASSERT_TRUE(hsm_keys.ok());
  auto reference = scp03::StaticKeysFromBase(ExpectedMk());
  ASSERT_TRUE(reference.ok());
  const Bytes context(16, 0x42);
  auto ours = scp03::DeriveSessionKeys(hsm_keys->Prfs(), context);
  auto theirs = scp03::DeriveSessionKeys(*reference, context);
  ASSERT_TRUE(ours.ok() && theirs.ok());
  EXPECT_EQ(ToHex(ours->enc.view()), ToHex(theirs->enc.view()));
  EXPECT_EQ(ToHex(ours->mac.view()), ToHex(theirs->mac.view()));
  EXPECT_EQ(ToHex(ours->rmac.view()), ToHex(theirs->rmac.view()));
  EXPECT_EQ(ToHex(ours->dek.view()), ToHex(theirs->dek.view()));
}

TEST_F(Scp03KeysTest, UnlockResponseIsTheTokensCmacUnderTheKrk) {
  auto krk = DeriveTokenKrk(token(), 1, SecureBytes(kR));
  ASSERT_TRUE(krk.ok());
  const Bytes challenge = HexOrDie("000102030405060708090a0b0c0d0e0f");
  const Bytes message = scp03::UnlockMessage(challenge, kUid);
  auto ours = Cmac(token(), *krk, message);
  EXPECT_EQ(Hex(ours), Hex(scp03::AesCmac(ExpectedKrk(), message)));
  EXPECT_EQ(Hex(ours), "d0d81e45a669709b4d153e05757dc7b0");  // docs/hsm-adapter.md
}

TEST_F(Scp03KeysTest, PutKeyDataDecryptsUnderSDekToTheDerivedKey) {
  auto mk = DeriveTokenMk(token(), 1, kUid);
  ASSERT_TRUE(mk.ok());
  const std::size_t before = CountObjects(token());
  auto data = WrapForPutKey(token(), kSDek, *mk);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ(CountObjects(token()), before);  // the imported S-DEK is gone
  ASSERT_EQ(data->encrypted.size(), 32U);
  auto plain = scp03::DecryptKeyData(kSDek, data->encrypted);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(ToHex(plain->view()), ToHex(ExpectedMk()));
  auto kcv = scp03::KeyCheckValue(plain->view());
  ASSERT_TRUE(kcv.ok());
  EXPECT_EQ(ToHex(data->kcv), ToHex(*kcv));
  EXPECT_EQ(ToHex(data->kcv), "39c35e");
  auto encrypted = scp03::EncryptKeyData(kSDek, ExpectedMk());
  ASSERT_TRUE(encrypted.ok());
  EXPECT_EQ(ToHex(data->encrypted), ToHex(*encrypted));
}

TEST_F(Scp03KeysTest, PutKeyDataForTheKrkToo) {
  auto krk = DeriveTokenKrk(token(), 1, SecureBytes(kR));
  ASSERT_TRUE(krk.ok());
  auto data = WrapForPutKey(token(), kSDek, *krk);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  auto plain = scp03::DecryptKeyData(kSDek, data->encrypted);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(ToHex(plain->view()), ToHex(ExpectedKrk()));
  EXPECT_EQ(ToHex(data->kcv), "89ba60");
}

TEST_F(Scp03KeysTest, BadSDekIsRefused) {
  auto mk = DeriveTokenMk(token(), 1, kUid);
  ASSERT_TRUE(mk.ok());
  EXPECT_EQ(WrapForPutKey(token(), Bytes(20, 0x01), *mk).status().code(), Code::kInvalidArgument);
}

TEST_F(Scp03KeysTest, StaticKeysCannotBeWrappedOut) {
  auto mk = DeriveTokenMk(token(), 1, kUid);
  ASSERT_TRUE(mk.ok());
  // HsmStaticKeys keeps its keys to itself; derive one the same way to look.
  auto k_enc = DeriveByEcbEncryptData(token(), mk->handle(),
                                      scp03::StaticKeyDerivationData(scp03::KeyRole::kEnc),
                                      StaticKeyTemplate(), "K-ENC");
  ASSERT_TRUE(k_enc.ok()) << k_enc.status().ToString();
  EXPECT_FALSE(BoolAttribute(token(), k_enc->handle(), CKA_EXTRACTABLE));
  auto wrapped = WrapForPutKey(token(), kSDek, *k_enc);
  ASSERT_FALSE(wrapped.ok());
  EXPECT_NE(wrapped.status().message().find("CKR_KEY_UNEXTRACTABLE"), std::string::npos)
      << wrapped.status().message();
}

}  // namespace
}  // namespace tessera::hsm::testing
