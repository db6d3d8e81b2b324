// The SCP03 side of per-token keys inside SoftHSM2 against common/scp03,
// which is what the token runs (docs/card-manager.md): static keys, UNLOCK
// responses and PUT KEY key data under an S-DEK derived inside the HSM.
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
// docs/hsm-adapter.md "Test vectors": the static keys of the pinned MK.
const Bytes kKEnc = HexOrDie("8616b39b3a9fd1c8d8590b8c7b68aa775573d0e14f50e973f6d35097c791eae6");
const Bytes kKMac = HexOrDie("834a9d8729e4a6c635c5be7c0d3301168f96f64d454700b17d92385596e1d54a");
const Bytes kKDek = HexOrDie("0bc716a09321deb35a8cca6ca1a5c40dc448fc3e23bc82835c3fb087972f7ddc");
const Bytes kContext(16, 0x42);  // host challenge || card challenge

// The per-token keys, computed on the host from the known blocks.
Bytes ExpectedMk() {
  return ReferenceAesEcb(kMkBlock, Concat({kUid, HexOrDie("abbaacacbaadbed2aab6bbd2cfcfcfce")}));
}
Bytes ExpectedKrk() { return ReferenceAesEcb(kKrkBlock, kR); }
// K-DEK of `base`, and S-DEK from K-DEK bytes, as the token computes them.
Bytes ExpectedKDek(ByteView base) {
  return ReferenceAesEcb(base, scp03::StaticKeyDerivationData(scp03::KeyRole::kDek));
}
Bytes ExpectedSDek(ByteView k_dek, ByteView context) {
  auto s_dek = scp03::SessionDekFromStatic(k_dek, context);
  EXPECT_TRUE(s_dek.ok()) << s_dek.status().ToString();
  return s_dek.ok() ? Bytes(s_dek->view().begin(), s_dek->view().end()) : Bytes{};
}
Bytes FactoryKey() {
  const auto key = scp03::FactoryBaseKey();
  return {key.begin(), key.end()};
}

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
  }
  EXPECT_NE(Hex(ours.enc(inputs[1])), Hex(ours.mac(inputs[1])));
}

TEST_F(Scp03KeysTest, StaticKeysMatchThePinnedVectors) {
  for (const auto& [key, role] :
       {std::pair{&kKEnc, scp03::KeyRole::kEnc}, std::pair{&kKMac, scp03::KeyRole::kMac},
        std::pair{&kKDek, scp03::KeyRole::kDek}}) {
    EXPECT_EQ(ToHex(ReferenceAesEcb(ExpectedMk(), scp03::StaticKeyDerivationData(role))),
              ToHex(*key));
  }
  EXPECT_EQ(ToHex(ReferenceKcv(kKEnc)), "7640eb");
  EXPECT_EQ(ToHex(ReferenceKcv(kKMac)), "ea3528");
  EXPECT_EQ(ToHex(ReferenceKcv(kKDek)), "1de19f");

  auto mk = DeriveTokenMk(token(), 1, kUid);
  ASSERT_TRUE(mk.ok());
  auto hsm_keys = HsmStaticKeys::Derive(token(), *mk);
  ASSERT_TRUE(hsm_keys.ok());
  const scp03::StaticKeys ours = hsm_keys->Prfs();
  const Bytes in(32, 0xA5);
  EXPECT_EQ(Hex(ours.enc(in)), ToHex(ReferenceCmac(kKEnc, in)));
  EXPECT_EQ(Hex(ours.mac(in)), ToHex(ReferenceCmac(kKMac, in)));
}

TEST_F(Scp03KeysTest, KDekOnlyDerivesAndNeverLeaves) {
  auto mk = DeriveTokenMk(token(), 1, kUid);
  ASSERT_TRUE(mk.ok());
  auto hsm_keys = HsmStaticKeys::Derive(token(), *mk);
  ASSERT_TRUE(hsm_keys.ok());
  const CK_OBJECT_HANDLE k_dek = hsm_keys->dek().handle();
  EXPECT_TRUE(BoolAttribute(token(), k_dek, CKA_DERIVE));
  for (CK_ATTRIBUTE_TYPE use : {CKA_SIGN, CKA_ENCRYPT, CKA_DECRYPT, CKA_WRAP, CKA_EXTRACTABLE}) {
    EXPECT_FALSE(BoolAttribute(token(), k_dek, use)) << use;
  }
  EXPECT_TRUE(BoolAttribute(token(), k_dek, CKA_SENSITIVE));
  EXPECT_EQ(ProbeAttribute(token(), k_dek, CKA_VALUE), CKR_ATTRIBUTE_SENSITIVE);
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

// S-DEK is derived inside the HSM from K-DEK and the channel context; the
// token's S-DEK, computed from the independently derived K-DEK bytes,
// decrypts the key data to the independently derived MK.
TEST_F(Scp03KeysTest, PutKeyDataDecryptsUnderTheTokensSDekToTheDerivedKey) {
  auto mk = DeriveTokenMk(token(), 1, kUid);
  ASSERT_TRUE(mk.ok());
  auto hsm_keys = HsmStaticKeys::Derive(token(), *mk);
  ASSERT_TRUE(hsm_keys.ok());
  const std::size_t before = CountObjects(token());
  auto data = WrapForPutKey(token(), *hsm_keys, kContext, *mk);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ(CountObjects(token()), before);  // the derived S-DEK is gone
  ASSERT_EQ(data->encrypted.size(), 32U);
  const Bytes s_dek = ExpectedSDek(ExpectedKDek(ExpectedMk()), kContext);
  auto plain = scp03::DecryptKeyData(s_dek, data->encrypted);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(ToHex(plain->view()), ToHex(ExpectedMk()));
  auto kcv = scp03::KeyCheckValue(plain->view());
  ASSERT_TRUE(kcv.ok());
  EXPECT_EQ(ToHex(data->kcv), ToHex(*kcv));
  EXPECT_EQ(ToHex(data->kcv), "39c35e");
  // docs/hsm-adapter.md "Test vectors".
  EXPECT_EQ(ToHex(s_dek), "3c2b3fc51a516815662327124a9ad58cde07b833b963a90a2cd0057945222994");
  EXPECT_EQ(ToHex(data->encrypted),
            "9c450e9cc3a02af1d248fb93b375727cff529df61bb885212965e06b35b2ef70");
}

TEST_F(Scp03KeysTest, PutKeyDataForTheKrkToo) {
  auto mk = DeriveTokenMk(token(), 1, kUid);
  ASSERT_TRUE(mk.ok());
  auto hsm_keys = HsmStaticKeys::Derive(token(), *mk);
  ASSERT_TRUE(hsm_keys.ok());
  auto krk = DeriveTokenKrk(token(), 1, SecureBytes(kR));
  ASSERT_TRUE(krk.ok());
  const Bytes context(32, 0x17);  // S16
  auto data = WrapForPutKey(token(), *hsm_keys, context, *krk);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  auto plain =
      scp03::DecryptKeyData(ExpectedSDek(ExpectedKDek(ExpectedMk()), context), data->encrypted);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(ToHex(plain->view()), ToHex(ExpectedKrk()));
  EXPECT_EQ(ToHex(data->kcv), "89ba60");
}

TEST_F(Scp03KeysTest, EachChannelContextGivesAnotherSDek) {
  auto mk = DeriveTokenMk(token(), 1, kUid);
  ASSERT_TRUE(mk.ok());
  auto hsm_keys = HsmStaticKeys::Derive(token(), *mk);
  ASSERT_TRUE(hsm_keys.ok());
  auto a = WrapForPutKey(token(), *hsm_keys, Bytes(16, 0x01), *mk);
  auto b = WrapForPutKey(token(), *hsm_keys, Bytes(16, 0x02), *mk);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(ToHex(a->encrypted), ToHex(b->encrypted));
  EXPECT_EQ(ToHex(a->kcv), ToHex(b->kcv));
}

TEST_F(Scp03KeysTest, ABadContextIsRefused) {
  auto mk = DeriveTokenMk(token(), 1, kUid);
  ASSERT_TRUE(mk.ok());
  auto hsm_keys = HsmStaticKeys::Derive(token(), *mk);
  ASSERT_TRUE(hsm_keys.ok());
  for (std::size_t n : {0, 8, 20, 33}) {
    EXPECT_EQ(WrapForPutKey(token(), *hsm_keys, Bytes(n, 0x01), *mk).status().code(),
              Code::kInvalidArgument)
        << n;
  }
}

TEST_F(Scp03KeysTest, StaticKeysCannotBeWrappedOut) {
  auto mk = DeriveTokenMk(token(), 1, kUid);
  ASSERT_TRUE(mk.ok());
  auto hsm_keys = HsmStaticKeys::Derive(token(), *mk);
  ASSERT_TRUE(hsm_keys.ok());
  // HsmStaticKeys keeps K-ENC and K-MAC to itself; derive one the same way
  // to look.
  auto k_enc = DeriveByEcbEncryptData(token(), mk->handle(),
                                      scp03::StaticKeyDerivationData(scp03::KeyRole::kEnc),
                                      StaticKeyTemplate(), "K-ENC");
  ASSERT_TRUE(k_enc.ok()) << k_enc.status().ToString();
  EXPECT_FALSE(BoolAttribute(token(), k_enc->handle(), CKA_EXTRACTABLE));
  const KeyObject* const keys[] = {&*k_enc, &hsm_keys->dek()};
  for (const KeyObject* key : keys) {
    auto wrapped = WrapForPutKey(token(), *hsm_keys, kContext, *key);
    ASSERT_FALSE(wrapped.ok());
    EXPECT_NE(wrapped.status().message().find("CKR_KEY_UNEXTRACTABLE"), std::string::npos)
        << wrapped.status().message();
  }
}

// Personalization under the public factory key still wraps inside the HSM.
TEST_F(Scp03KeysTest, StaticKeysFromThePublicFactoryKeyMatchTheTokens) {
  const std::size_t before = CountObjects(token());
  auto hsm_keys = HsmStaticKeys::DeriveFromPublicBase(token(), scp03::FactoryBaseKey());
  ASSERT_TRUE(hsm_keys.ok()) << hsm_keys.status().ToString();
  EXPECT_EQ(CountObjects(token()), before + 3) << "the imported base key is gone";
  auto reference = scp03::StaticKeysFromBase(scp03::FactoryBaseKey());
  ASSERT_TRUE(reference.ok());
  const scp03::StaticKeys ours = hsm_keys->Prfs();
  const Bytes inputs[] = {Bytes{}, Bytes(16, 0x5A),
                          scp03::KdfInput(scp03::kSessionMac, 256, 1, kContext)};
  for (const Bytes& in : inputs) {
    EXPECT_EQ(Hex(ours.enc(in)), Hex(reference->enc(in)));
    EXPECT_EQ(Hex(ours.mac(in)), Hex(reference->mac(in)));
  }

  auto mk = DeriveTokenMk(token(), 1, kUid);
  ASSERT_TRUE(mk.ok());
  auto data = WrapForPutKey(token(), *hsm_keys, kContext, *mk);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  auto plain =
      scp03::DecryptKeyData(ExpectedSDek(ExpectedKDek(FactoryKey()), kContext), data->encrypted);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(ToHex(plain->view()), ToHex(ExpectedMk()));
}

TEST_F(Scp03KeysTest, APublicBaseKeyMustBe32Bytes) {
  for (std::size_t n : {0, 16, 24, 31, 33}) {
    EXPECT_EQ(HsmStaticKeys::DeriveFromPublicBase(token(), Bytes(n, 0x40)).status().code(),
              Code::kInvalidArgument)
        << n;
  }
}

}  // namespace
}  // namespace tessera::hsm::testing
