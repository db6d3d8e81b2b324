// Power cuts at every write index of the Tessera extension commands that
// change state (docs/piv-extensions.md "Tearing"): UNWRAP AND STORE into a
// PIV slot and a secret-key slot, and SECRET KEY MANAGE import, generate,
// both derivations and delete. After each cut the reloaded slot holds the
// old key or the complete new one, proven by using it.
#include <gtest/gtest.h>

#include "common/tlv.hpp"
#include "tests/unit/firmware-sim/piv/oracle.hpp"
#include "tests/unit/firmware-sim/piv/secret_commands.hpp"
#include "tests/unit/firmware-sim/piv/secret_oracle.hpp"
#include "tests/unit/firmware-sim/piv/tearing_fixture.hpp"

namespace tessera::sim::pivtest {
namespace {

using piv::Algorithm;

const Bytes kMessage = HexOrDie("746f726e3f");
const Bytes kValue = HexOrDie("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

// The slot's P-256 key as GET METADATA reports it, proven to be the key
// that signs; "<no key>" when the slot is empty.
std::string ProvenP256Key(PivToken& token, std::uint8_t slot) {
  ResponseApdu meta = token.Send(Apdu(0xF7, 0x00, slot));
  auto fields = ParseTlvs(meta.data);
  if (meta.sw != 0x9000 || !fields.ok() || !FindTag(*fields, 0x04)) return "<no key>";
  Bytes contents(FindTag(*fields, 0x04)->begin(), FindTag(*fields, 0x04)->end());
  ossl::PkeyPtr pub = PublicKeyFrom7F49(Algorithm::kEccP256, contents);
  Bytes digest = Sha256(kMessage);
  ResponseApdu r = token.Operate(slot, Algorithm::kEccP256, 0x81, digest);
  EXPECT_TRUE(pub && EcdsaVerifyDigest(pub.get(), digest, AuthResponse(r.data)))
      << "metadata and private key disagree";
  return ToHex(contents);
}

// The MAC (F5 `op`) the secret key in `slot` gives over kMessage, or
// "<empty>" when GET METADATA says the slot is empty.
std::string SecretKeyMac(PivToken& token, std::uint8_t slot, std::uint8_t op) {
  ResponseApdu meta = token.Send(Apdu(0xF7, 0x00, slot));
  if (meta.sw == 0x6A88) return "<empty>";
  EXPECT_EQ(meta.sw, 0x9000);
  ResponseApdu r = token.Send(OperateSecret(op, slot, EncodeTlv(0x81, kMessage)));
  EXPECT_EQ(r.sw, 0x9000) << "metadata present but the key does not work";
  return ToHex(r.data);
}

class PivSecretTearing : public PivTearing {};

TEST_F(PivSecretTearing, UnwrapIntoAPivSlotLeavesTheOldKeyOrTheUnwrappedOne) {
  std::string old_key;
  ossl::PkeyPtr f0;
  SetUpBase([&](PivToken& token) {
    token.AuthenticateManagementKey();
    old_key = ToHex(token.Generate(0x9C, Algorithm::kEccP256, 0x01));
    f0 = TokenKeyF0(token);
  });
  Pkcs8Key key = NewPkcs8Key("P-256");
  TornOperation op{[](PivToken& token) { token.VerifyPin(); },
                   Apdu(0xF2, 0x00, 0x9C,
                        UnwrapData(0x11, WrapTo(f0.get(), 0x9C, key.der), HexOrDie("aa0101")))};
  TearAtEveryWrite(op, [&](PivToken& token) {
    std::string got = ProvenP256Key(token, 0x9C);
    if (got == old_key) return;
    ossl::PkeyPtr pub = PublicKeyFrom7F49(Algorithm::kEccP256, HexOrDie(got));
    EXPECT_TRUE(pub && SamePublicKey(pub.get(), key.key.get())) << got;
  });
}

TEST_F(PivSecretTearing, UnwrapIntoASecretSlotLeavesItEmptyOrWhole) {
  ossl::PkeyPtr f0;
  SetUpBase([&](PivToken& token) { f0 = TokenKeyF0(token); });
  TornOperation op{[](PivToken& token) { token.VerifyPin(); },
                   Apdu(0xF2, 0x00, 0xC4,
                        UnwrapData(0x0C, WrapTo(f0.get(), 0xC4, kValue), SecretAttributes(1, 1)))};
  const std::string mac = ToHex(OsslCmac(kValue, kMessage));
  TearAtEveryWrite(op, [&](PivToken& token) {
    std::string got = SecretKeyMac(token, 0xC4, 0x10);
    EXPECT_TRUE(got == "<empty>" || got == mac) << got;
  });
}

TEST_F(PivSecretTearing, ImportLeavesTheSlotEmptyOrWhole) {
  TornOperation op{[](PivToken& token) { token.AuthenticateManagementKey(); },
                   ImportSecret(0xC0, 0x20, kValue, SecretAttributes(1, 1, BytesOf("torn")))};
  const std::string mac = ToHex(OsslHmac("SHA256", kValue, kMessage));
  TearAtEveryWrite(op, [&](PivToken& token) {
    std::string got = SecretKeyMac(token, 0xC0, 0x20);
    EXPECT_TRUE(got == "<empty>" || got == mac) << got;
    if (got == mac) {
      EXPECT_EQ(ToHex(token.Send("00f700c0").data),
                "010120020201010301020a0200010b04746f726e0c000e0120");
    }
  });
}

TEST_F(PivSecretTearing, GenerateLeavesTheSlotEmptyOrTheCompleteKey) {
  TornOperation op{[](PivToken& token) { token.AuthenticateManagementKey(); },
                   GenerateSecret(0xC0, 0x0C, SecretAttributes(1, 1))};
  std::string generated;
  TearAtEveryWrite(op, [&](PivToken& token) {
    std::string got = SecretKeyMac(token, 0xC0, 0x10);
    if (generated.empty()) generated = got;  // the first check sees the completed run
    EXPECT_TRUE(got == "<empty>" || got == generated) << got;
  });
  EXPECT_NE(generated, "<empty>");
}

TEST_F(PivSecretTearing, EcdhDerivationLeavesTheSlotEmptyOrTheDerivedKey) {
  ossl::PkeyPtr slot_key;
  SetUpBase([&](PivToken& token) {
    token.AuthenticateManagementKey();
    slot_key =
        PublicKeyFrom7F49(Algorithm::kEccP256, token.Generate(0x9D, Algorithm::kEccP256, 0x02));
  });
  HostKey host = NewHostKey(Algorithm::kEccP256);
  Bytes data = HexOrDie("010120 90019d 920100");
  AppendTlv(data, 0x91, host.public_encoding);
  Append(data, SecretAttributes(1, 1));
  TornOperation op{[](PivToken& token) { token.VerifyPin(); }, Apdu(0xF4, 0x03, 0xC2, data)};
  const Bytes z = Derive(host.key.get(), slot_key.get());
  const std::string mac = ToHex(OsslHmac("SHA256", z, kMessage));
  TearAtEveryWrite(op, [&](PivToken& token) {
    std::string got = SecretKeyMac(token, 0xC2, 0x20);
    EXPECT_TRUE(got == "<empty>" || got == mac) << got;
  });
}

TEST_F(PivSecretTearing, HkdfDerivationLeavesTheSlotEmptyOrTheDerivedKey) {
  SetUpBase([&](PivToken& token) {
    token.AuthenticateManagementKey();
    ASSERT_EQ(token.Send(ImportSecret(0xC1, 0x20, kValue, SecretAttributes(0x0010, 1))).sw, 0x9000);
  });
  TornOperation op{
      [](PivToken&) {},
      Apdu(0xF4, 0x04, 0xC3,
           Concat({HexOrDie("010108 9001c1 930101 870474657374"), SecretAttributes(1, 1)}))};
  const std::string mac = ToHex(OsslCmac(OsslHkdf(kValue, {}, BytesOf("test"), 16), kMessage));
  TearAtEveryWrite(op, [&](PivToken& token) {
    std::string got = SecretKeyMac(token, 0xC3, 0x10);
    EXPECT_TRUE(got == "<empty>" || got == mac) << got;
  });
}

TEST_F(PivSecretTearing, DeleteLeavesTheKeyWholeOrGone) {
  SetUpBase([&](PivToken& token) {
    token.AuthenticateManagementKey();
    ASSERT_EQ(token.Send(ImportSecret(0xC0, 0x0C, kValue, SecretAttributes(1, 1))).sw, 0x9000);
  });
  TornOperation op{[](PivToken& token) { token.AuthenticateManagementKey(); },
                   Apdu(0xF4, 0x05, 0xC0)};
  const std::string mac = ToHex(OsslCmac(kValue, kMessage));
  std::string first;
  TearAtEveryWrite(op, [&](PivToken& token) {
    std::string got = SecretKeyMac(token, 0xC0, 0x10);
    if (first.empty()) first = got;
    EXPECT_TRUE(got == "<empty>" || got == mac) << got;
  });
  EXPECT_EQ(first, "<empty>");  // the completed delete
}

}  // namespace
}  // namespace tessera::sim::pivtest
