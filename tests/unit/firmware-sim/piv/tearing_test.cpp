// Power cuts at every write index of the PIV commands that change state
// (DESIGN.md "tearing"): count the writes W of an operation on a state file,
// then for each N in 0..W-1 replay it on a fresh copy with the power cut
// after N writes, reopen the file and check the applet's state is whole: the
// old one, the new one, or (for PIN checks) the committed decrement.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>

#include "common/tlv.hpp"
#include "tests/unit/firmware-sim/piv/oracle.hpp"
#include "tests/unit/firmware-sim/piv/tearing_fixture.hpp"

namespace tessera::sim::pivtest {
namespace {

using piv::Algorithm;

// Metadata 06 <max> <left> of the PIN; and whether it is still the default.
struct PinState {
  int tries_left = -1;
  bool is_default = false;
};

PinState ReadPin(PivToken& token) {
  std::string meta = ToHex(token.Send("00f70080").data);  // 0101ff 0501dd 0602mmll
  EXPECT_EQ(meta.size(), 20u) << meta;
  if (meta.size() != 20) return {};
  return {std::stoi(meta.substr(18, 2), nullptr, 16), meta.substr(10, 2) == "01"};
}

TEST_F(PivTearing, VerifyWithTheRightPinKeepsOrRestoresTheCounter) {
  TornOperation op{[](PivToken&) {}, Apdu(0x20, 0x00, 0x80, PinBlock("123456"))};
  TearAtEveryWrite(op, [](PivToken& token) {
    PinState pin = ReadPin(token);
    EXPECT_TRUE(pin.tries_left == 3 || pin.tries_left == 2) << pin.tries_left;
    token.VerifyPin();  // the PIN itself is intact
  });
}

TEST_F(PivTearing, VerifyWithAWrongPinNeverGivesTheTryBack) {
  TornOperation op{[](PivToken&) {}, Apdu(0x20, 0x00, 0x80, PinBlock("999999"))};
  TearAtEveryWrite(op, [](PivToken& token) {
    PinState pin = ReadPin(token);
    // A cut before the decrement is committed means the PIN was never compared.
    EXPECT_TRUE(pin.tries_left == 3 || pin.tries_left == 2) << pin.tries_left;
    token.VerifyPin();
  });
}

TEST_F(PivTearing, ChangeReferenceDataLeavesTheOldOrTheNewPin) {
  TornOperation op{[](PivToken&) {},
                   Apdu(0x24, 0x00, 0x80, Concat({PinBlock("123456"), PinBlock("654321")}))};
  TearAtEveryWrite(op, [](PivToken& token) {
    PinState pin = ReadPin(token);
    if (pin.is_default) {
      EXPECT_TRUE(pin.tries_left == 3 || pin.tries_left == 2) << pin.tries_left;
      token.VerifyPin("123456");
    } else {
      EXPECT_EQ(pin.tries_left, 3);  // the new value comes with the restored counter
      token.VerifyPin("654321");
    }
  });
}

// The slot's key as GET METADATA reports it, proven to be the key that signs.
std::string ProvenSlotKey(PivToken& token, std::uint8_t slot, Algorithm alg) {
  ResponseApdu meta = token.Send(Apdu(0xF7, 0x00, slot));
  auto fields = ParseTlvs(meta.data);
  if (!fields.ok() || !FindTag(*fields, 0x04)) return "<no key>";
  Bytes contents(FindTag(*fields, 0x04)->begin(), FindTag(*fields, 0x04)->end());
  ossl::PkeyPtr pub = PublicKeyFrom7F49(alg, contents);
  Bytes block = Pkcs1SignatureBlock(AsBytes("torn?"), piv::RsaBits(alg) / 8);
  ResponseApdu r = token.Operate(slot, alg, 0x81, block);
  EXPECT_EQ(r.sw, 0x9000);
  EXPECT_TRUE(pub && RsaRawMatches(pub.get(), block, AuthResponse(r.data)))
      << "metadata and private key disagree";
  return ToHex(contents);
}

TEST_F(PivTearing, GenerateLeavesTheOldKeyOrTheCompleteNewOne) {
  std::string old_key;
  SetUpBase([&](PivToken& token) {
    token.AuthenticateManagementKey();
    old_key = ToHex(token.Generate(0x9A, Algorithm::kRsa2048, 0x01));
  });
  TornOperation op{[](PivToken& token) { token.AuthenticateManagementKey(); },
                   Apdu(0x47, 0x00, 0x9A, HexOrDie("ac06800107aa0101"))};
  std::string new_key;
  TearAtEveryWrite(op, [&](PivToken& token) {
    std::string key = ProvenSlotKey(token, 0x9A, Algorithm::kRsa2048);
    if (new_key.empty()) new_key = key;  // the first check sees the completed run
    EXPECT_TRUE(key == old_key || key == new_key) << key;
  });
  EXPECT_NE(new_key, old_key);
}

TEST_F(PivTearing, ImportLeavesTheOldKeyOrTheCompleteImportedOne) {
  std::string old_key;
  SetUpBase([&](PivToken& token) {
    token.AuthenticateManagementKey();
    old_key = ToHex(token.Generate(0x9D, Algorithm::kRsa2048, 0x01));
  });
  ImportedKey imported = NewImportableKey(Algorithm::kRsa2048);
  TornOperation op{[](PivToken& token) { token.AuthenticateManagementKey(); },
                   Apdu(0xFE, 0x07, 0x9D, Concat({imported.data, HexOrDie("aa0101")}))};
  TearAtEveryWrite(op, [&](PivToken& token) {
    std::string key = ProvenSlotKey(token, 0x9D, Algorithm::kRsa2048);
    if (key == old_key) return;
    ossl::PkeyPtr pub = PublicKeyFrom7F49(Algorithm::kRsa2048, HexOrDie(key));
    EXPECT_TRUE(pub && SamePublicKey(pub.get(), imported.key.get())) << key;
  });
}

TEST_F(PivTearing, PutDataLeavesTheOldOrTheNewObject) {
  const Bytes old_value(300, 0x0A);
  const Bytes new_value(1500, 0x0B);  // several storage chunks
  SetUpBase([&](PivToken& token) {
    token.AuthenticateManagementKey();
    token.Send(
        Apdu(0xDB, 0x3F, 0xFF, Concat({HexOrDie("5c035fc10b"), EncodeTlv(0x53, old_value)})));
  });
  TornOperation op{
      [](PivToken& token) { token.AuthenticateManagementKey(); },
      Apdu(0xDB, 0x3F, 0xFF, Concat({HexOrDie("5c035fc10b"), EncodeTlv(0x53, new_value)}))};
  TearAtEveryWrite(op, [&](PivToken& token) {
    ResponseApdu r = token.Send("00cb3fff055c035fc10b");
    std::string got = ToHex(r.data);
    EXPECT_TRUE(got == ToHex(EncodeTlv(0x53, old_value)) ||
                got == ToHex(EncodeTlv(0x53, new_value)))
        << got.substr(0, 40) << "... (" << r.data.size() << " bytes)";
  });
}

}  // namespace
}  // namespace tessera::sim::pivtest
