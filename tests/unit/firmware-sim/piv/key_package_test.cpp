// The key package object 5FFF20 (docs/piv-extensions.md "The key package
// object"): GET DATA without the PIN, PUT DATA under the management key and
// only for a package bound to this token, F2 emptying it in the commit that
// stores the key it held (and only then), RESET removing it, and a power cut
// at every write of that F2 leaving the key and the package together or
// neither.
#include "common/piv/key_package.hpp"

#include <gtest/gtest.h>

#include "common/tlv.hpp"
#include "tests/unit/firmware-sim/piv/oracle.hpp"
#include "tests/unit/firmware-sim/piv/secret_commands.hpp"
#include "tests/unit/firmware-sim/piv/secret_oracle.hpp"
#include "tests/unit/firmware-sim/piv/tearing_fixture.hpp"

namespace tessera::sim::pivtest {
namespace {

using piv::Algorithm;

const std::string kGetPackage = "00cb3fff055c035fff20";

CommandApdu PutPackage(ByteView value) {
  return Apdu(0xDB, 0x3F, 0xFF, Concat({HexOrDie("5c035fff20"), EncodeTlv(0x53, value)}));
}

CommandApdu Unwrap(std::uint8_t p2, Bytes data) { return Apdu(0xF2, 0x00, p2, std::move(data)); }

// The package the CMS would make of `w`: the F2 tags inside 7F71.
Bytes PackageOf(const Wrapped& w, std::optional<std::uint8_t> alg, std::uint8_t family) {
  piv::KeyPackage p;
  p.algorithm = alg;
  p.family = family;
  p.kdf = 0x06;
  p.kek_length = 32;
  p.shared = w.shared_data;
  p.blob = w.blob;
  return piv::EncodeKeyPackage(p);
}

// F2 data from a package, as `tessera token activate` hands it over.
Bytes UnwrapDataOf(ByteView package, Bytes extra = {}) {
  auto inner = ParseSingle(package, piv::kKeyPackageTag);
  EXPECT_TRUE(inner.ok());
  return Concat({inner.ok() ? *inner : ByteView{}, extra});
}

std::string Stored(PivToken& token) {
  auto value = token.storage().Get("piv/obj/5fff20");
  return value ? ToHex(value->view()) : "<none>";
}

TEST(PivKeyPackage, TableOfGetAndPutData) {
  PivToken token;
  ossl::PkeyPtr f0 = TokenKeyF0(token);
  Pkcs8Key key = NewPkcs8Key("P-256");
  const Bytes package = PackageOf(WrapTo(f0.get(), 0x9C, key.der), 0x11, 0x03);
  WrapOptions other_serial;
  other_serial.serial = kSerial + 1;
  const Bytes foreign = PackageOf(WrapTo(f0.get(), 0x9C, key.der, other_serial), 0x11, 0x03);
  const Bytes trailing = Concat({package, Bytes{0x00}});
  const Bytes unknown_tag =
      EncodeTlv(piv::kKeyPackageTag, Concat({UnwrapDataOf(package), HexOrDie("860100")}));
  token.Run({
      {"empty at manufacture", kGetPackage, "", 0x6A82},
      {"PUT DATA needs the management key", Hex(PutPackage(package)), "", 0x6982},
  });
  token.AuthenticateManagementKey();
  token.Run({
      {"not a package", Hex(PutPackage(HexOrDie("0102030405"))), "", 0x6A80},
      {"a package with a trailing byte", Hex(PutPackage(trailing)), "", 0x6A80},
      {"a package with an unknown tag", Hex(PutPackage(unknown_tag)), "", 0x6A80},
      {"a package for another serial", Hex(PutPackage(foreign)), "", 0x6A80},
      {"nothing was written", kGetPackage, "", 0x6A82},
      {"a package for this token", Hex(PutPackage(package)), ""},
  });
  EXPECT_EQ(Stored(token), ToHex(package));
  token.PowerCycle();  // no PIN, no management key
  token.Run({
      {"read back without the PIN", kGetPackage, ToHex(EncodeTlv(0x53, package))},
  });
  token.AuthenticateManagementKey();
  token.Run({
      {"a bad value leaves the stored one", Hex(PutPackage(foreign)), "", 0x6A80},
      {"still there", kGetPackage, ToHex(EncodeTlv(0x53, package))},
      {"an empty value empties it", "00db3fff075c035fff205300", ""},
      {"gone", kGetPackage, "", 0x6A82},
  });
  EXPECT_EQ(Stored(token), "<none>");
}

// F2 of the stored package's blob into 9C: the key lands, signs, and the
// package is gone; the same F2 after a failure left the package in place.
TEST(PivKeyPackage, UnwrapOfTheStoredBlobEmptiesTheObject) {
  PivToken token;
  ossl::PkeyPtr f0 = TokenKeyF0(token);
  Pkcs8Key key = NewPkcs8Key("P-256");
  const Bytes package = PackageOf(WrapTo(f0.get(), 0x9C, key.der), 0x11, 0x03);
  token.AuthenticateManagementKey();
  ASSERT_EQ(token.Send(PutPackage(package)).sw, 0x9000);
  const Bytes data = UnwrapDataOf(package);
  const Bytes as_p384 = Concat({HexOrDie("800114"), ByteView(data).subspan(3)});
  token.Run({{"without the PIN", Hex(Unwrap(0x9C, data)), "", 0x6982}});
  token.VerifyPin();
  token.Run({
      {"into the wrong slot", Hex(Unwrap(0x9D, data)), "", 0x6A80},
      {"declared P-384", Hex(Unwrap(0x9C, as_p384)), "", 0x6984},
      {"the package stays after each failure", kGetPackage, ToHex(EncodeTlv(0x53, package))},
      {"the package opens", Hex(Unwrap(0x9C, data)), "", 0x9000,
       [&](ByteView d) {
         auto contents = ParseSingle(d, 0x7F49);
         ossl::PkeyPtr pub =
             contents.ok() ? PublicKeyFrom7F49(Algorithm::kEccP256, *contents) : nullptr;
         return pub && SamePublicKey(pub.get(), key.key.get());
       }},
      {"and is gone", kGetPackage, "", 0x6A82},
  });
  EXPECT_EQ(Stored(token), "<none>");
  token.VerifyPin();  // 9C's policy is always
  Bytes digest = Sha256(AsBytes("activated"));
  EXPECT_TRUE(
      EcdsaVerifyDigest(key.key.get(), digest,
                        AuthResponse(token.Operate(0x9C, Algorithm::kEccP256, 0x81, digest).data)));
}

// Another blob, even one for the same slot and key, leaves the package.
TEST(PivKeyPackage, UnwrapOfAnotherBlobLeavesTheObject) {
  PivToken token;
  ossl::PkeyPtr f0 = TokenKeyF0(token);
  Pkcs8Key key = NewPkcs8Key("P-256");
  const Bytes package = PackageOf(WrapTo(f0.get(), 0x9C, key.der), 0x11, 0x03);
  token.AuthenticateManagementKey();
  ASSERT_EQ(token.Send(PutPackage(package)).sw, 0x9000);
  token.VerifyPin();
  token.Run({
      {"another wrapping of the same key",
       Hex(Unwrap(0x9C, UnwrapData(0x11, WrapTo(f0.get(), 0x9C, key.der)))), "", 0x9000,
       [](ByteView d) { return ToHex(d).starts_with("7f49"); }},
      {"the package stays", kGetPackage, ToHex(EncodeTlv(0x53, package))},
  });
}

// A package for a secret-key slot: F2 into C3 empties it too.
TEST(PivKeyPackage, UnwrapIntoASecretSlotEmptiesTheObject) {
  PivToken token;
  ossl::PkeyPtr f0 = TokenKeyF0(token);
  const Bytes value(32, 0x5C);
  const Bytes package = PackageOf(WrapTo(f0.get(), 0xC3, value), std::nullopt, 0x1F);
  token.AuthenticateManagementKey();
  ASSERT_EQ(token.Send(PutPackage(package)).sw, 0x9000);
  token.VerifyPin();
  token.Run({
      {"AES-256 into C3", Hex(Unwrap(0xC3, UnwrapDataOf(package, SecretAttributes(0x0001, 1)))),
       "01010c 02020101 030102 0a020001 0b00 0c00 0d01c3 0e0120"},
      {"the package is gone", kGetPackage, "", 0x6A82},
  });
  const Bytes message = BytesOf("activated");
  ResponseApdu mac = token.Send(OperateSecret(0x10, 0xC3, EncodeTlv(0x81, message)));
  ASSERT_EQ(mac.sw, 0x9000);
  EXPECT_EQ(ToHex(mac.data), ToHex(OsslCmac(value, message)));
}

TEST(PivKeyPackage, ResetRemovesIt) {
  PivToken token;
  ossl::PkeyPtr f0 = TokenKeyF0(token);
  token.AuthenticateManagementKey();
  ASSERT_EQ(token.Send(PutPackage(PackageOf(WrapTo(f0.get(), 0xC0, Bytes(16, 1)), 0x08, 0x1F))).sw,
            0x9000);
  for (int i = 0; i < 3; ++i) token.Send(Apdu(0x20, 0x00, 0x80, PinBlock("000000")));
  for (int i = 0; i < 3; ++i)
    token.Send(Apdu(0x2C, 0x00, 0x80, Concat({PinBlock("00000000"), PinBlock("123456")})));
  token.Run({
      {"RESET", "00fb0000", ""},
      {"the package is gone", kGetPackage, "", 0x6A82},
  });
  EXPECT_EQ(Stored(token), "<none>");
}

class PivKeyPackageTearing : public PivTearing {};

// After a cut at any write of the F2 that opens the stored package, 9C
// holds its old key and 5FFF20 the package, or 9C the unwrapped key and
// 5FFF20 nothing: never one without the other.
TEST_F(PivKeyPackageTearing, KeyAndPackageChangeInOneCommit) {
  std::string old_key;
  ossl::PkeyPtr f0;
  SetUpBase([&](PivToken& token) {
    token.AuthenticateManagementKey();
    old_key = ToHex(token.Generate(0x9C, Algorithm::kEccP256, 0x01));
    f0 = TokenKeyF0(token);
  });
  Pkcs8Key key = NewPkcs8Key("P-256");
  const Bytes package = PackageOf(WrapTo(f0.get(), 0x9C, key.der), 0x11, 0x03);
  SetUpBase([&](PivToken& token) {
    token.AuthenticateManagementKey();
    ASSERT_EQ(token.Send(PutPackage(package)).sw, 0x9000);
  });
  TornOperation op{[](PivToken& token) { token.VerifyPin(); },
                   Unwrap(0x9C, UnwrapDataOf(package, HexOrDie("aa0101")))};
  TearAtEveryWrite(op, [&](PivToken& token) {
    ResponseApdu meta = token.Send("00f7009c");
    ASSERT_EQ(meta.sw, 0x9000);
    const bool old = ToHex(meta.data).find(old_key) != std::string::npos;
    const ResponseApdu stored = token.Send(kGetPackage);
    if (old) {
      EXPECT_EQ(ToHex(stored.data), ToHex(EncodeTlv(0x53, package)));
    } else {
      EXPECT_EQ(stored.sw, 0x6A82) << "the key is in and the package still there";
      auto fields = ParseTlvs(meta.data);
      ASSERT_TRUE(fields.ok() && FindTag(*fields, 0x04));
      ossl::PkeyPtr pub =
          PublicKeyFrom7F49(Algorithm::kEccP256,
                            Bytes(FindTag(*fields, 0x04)->begin(), FindTag(*fields, 0x04)->end()));
      EXPECT_TRUE(pub && SamePublicKey(pub.get(), key.key.get()));
    }
  });
}

}  // namespace
}  // namespace tessera::sim::pivtest
