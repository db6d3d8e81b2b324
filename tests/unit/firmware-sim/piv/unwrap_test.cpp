// UNWRAP AND STORE (INS F2, docs/piv-extensions.md "F2"): every error row of
// the doc's table, in its order, with nothing stored after any of them; keys
// of each type made and wrapped on the host land in PIV slots and sign as
// the original keys; secret keys land in C0..DF, including a blob made by
// hand with plain OpenSSL.
#include <gtest/gtest.h>

#include "common/tlv.hpp"
#include "tests/unit/firmware-sim/piv/oracle.hpp"
#include "tests/unit/firmware-sim/piv/secret_commands.hpp"
#include "tests/unit/firmware-sim/piv/secret_oracle.hpp"

namespace tessera::sim::pivtest {
namespace {

using piv::Algorithm;

CommandApdu Unwrap(std::uint8_t p2, Bytes data) { return Apdu(0xF2, 0x00, p2, std::move(data)); }

Bytes Flipped(Bytes b, std::size_t at) {
  b[at] ^= 0x01;
  return b;
}

TEST(PivUnwrap, RefusesWithoutThePinAndLeavesItsCounterAlone) {
  PivToken token;
  ossl::PkeyPtr f0 = TokenKeyF0(token);
  Pkcs8Key key = NewPkcs8Key("P-256");
  Bytes data = UnwrapData(0x11, WrapTo(f0.get(), 0x9C, key.der));
  token.Run({
      {"no PIN verified", Hex(Unwrap(0x9C, data)), "", 0x6982},
      {"the PIN keeps all its tries", "00f70080", "0101ff 050101 06020303"},
      {"nothing stored", "00f7009c", "", 0x6A88},
  });
  token.VerifyPin();
  token.Run({{"with the PIN", Hex(Unwrap(0x9C, data)), "", 0x9000,
              [](ByteView d) { return ToHex(d).starts_with("7f494386410"); }}});
}

TEST(PivUnwrap, TableOfErrorRowsStoresNothing) {
  PivToken token;
  PivToken other(2);
  ossl::PkeyPtr f0 = TokenKeyF0(token);
  ossl::PkeyPtr other_f0 = TokenKeyF0(other);
  Pkcs8Key key = NewPkcs8Key("P-256");
  const Wrapped w = WrapTo(f0.get(), 0x9C, key.der);
  const Bytes good = UnwrapData(0x11, w);
  Wrapped retargeted = w;
  retargeted.shared_data = Flipped(w.shared_data, 8);  // 9D in the shared data
  Wrapped renamed = w;
  renamed.shared_data[3] = 0x32;  // "TSW2"
  Wrapped stretched = w;
  stretched.shared_data.push_back(0x00);  // a context byte the KDF never saw
  Wrapped short_shared = w;
  short_shared.shared_data.resize(8);
  Wrapped short_blob = w;
  short_blob.blob.resize(65);
  Wrapped off_curve = w;
  off_curve.blob = Flipped(w.blob, 64);
  Wrapped tampered = w;
  tampered.blob = Flipped(w.blob, w.blob.size() - 1);
  const Bytes not_pkcs8(40, 0x5A);
  WrapOptions other_serial;
  other_serial.serial = kSerial + 1;
  token.VerifyPin();
  token.Run({
      {"P1 01", Hex(Apdu(0xF2, 0x01, 0x9C, good)), "", 0x6A86},
      {"P2 9B", Hex(Unwrap(0x9B, good)), "", 0x6A86},
      {"P2 F0", Hex(Unwrap(0xF0, good)), "", 0x6A86},
      {"P2 F9", Hex(Unwrap(0xF9, good)), "", 0x6A86},
      {"P2 00", Hex(Unwrap(0x00, good)), "", 0x6A86},
      {"P2 E0", Hex(Unwrap(0xE0, good)), "", 0x6A86},
      {"no data", "00f2009c", "", 0x6A80},
      {"truncated TLV", "00f2009c03800211", "", 0x6A80},
      {"tag 80 twice", Hex(Unwrap(0x9C, Concat({HexOrDie("800111"), good}))), "", 0x6A80},
      {"unknown tag 99", Hex(Unwrap(0x9C, Concat({good, HexOrDie("990100")}))), "", 0x6A80},
      {"no blob", Hex(Unwrap(0x9C, Concat({HexOrDie("800111810106820120"), EncodeTlv(0x83, w.shared_data)}))),
       "", 0x6A80},
      {"KEK length 17", Hex(Unwrap(0x9C, UnwrapData(0x11, w, {}, 0x06, 0x11))), "", 0x6A80},
      {"tag 80 RSA-1024", Hex(Unwrap(0x9C, UnwrapData(0x06, w))), "", 0x6A80},
      {"tag 80 AES for a PIV slot", Hex(Unwrap(0x9C, UnwrapData(0x0C, w))), "", 0x6A80},
      {"secret-key usage for a PIV slot", Hex(Unwrap(0x9C, UnwrapData(0x11, w, SecretAttributes(1)))),
       "", 0x6A80},
      {"shared data of 8 bytes", Hex(Unwrap(0x9C, UnwrapData(0x11, short_shared))), "", 0x6A80},
      {"blob of only a point", Hex(Unwrap(0x9C, UnwrapData(0x11, short_blob))), "", 0x6A80},
      {"KDF 05 (SHA-1)", Hex(Unwrap(0x9C, UnwrapData(0x11, w, {}, 0x05))), "", 0x6A80},
      {"KDF 09", Hex(Unwrap(0x9C, UnwrapData(0x11, w, {}, 0x09))), "", 0x6A80},
      {"shared data TSW2", Hex(Unwrap(0x9C, UnwrapData(0x11, renamed))), "", 0x6A80},
      {"another serial",
       Hex(Unwrap(0x9C, UnwrapData(0x11, WrapTo(f0.get(), 0x9C, key.der, other_serial)))),
       "", 0x6A80},
      {"another slot in the shared data", Hex(Unwrap(0x9C, UnwrapData(0x11, retargeted))), "",
       0x6A80},
      {"blob for 9C sent to 9D", Hex(Unwrap(0x9D, good)), "", 0x6A80},
      {"target FF into a PIV slot",
       Hex(Unwrap(0x9C, UnwrapData(0x11, WrapTo(f0.get(), 0xFF, key.der)))), "", 0x6A80},
      {"point not on P-256", Hex(Unwrap(0x9C, UnwrapData(0x11, off_curve))), "", 0x6A80},
      {"blob tampered", Hex(Unwrap(0x9C, UnwrapData(0x11, tampered))), "", 0x6300},
      {"context added after wrapping", Hex(Unwrap(0x9C, UnwrapData(0x11, stretched))), "", 0x6300},
      {"KEK length other than wrapped", Hex(Unwrap(0x9C, UnwrapData(0x11, w, {}, 0x06, 0x10))), "",
       0x6300},
      {"KDF other than wrapped", Hex(Unwrap(0x9C, UnwrapData(0x11, w, {}, 0x07))), "", 0x6300},
      {"wrapped to another token's F0",
       Hex(Unwrap(0x9C, UnwrapData(0x11, WrapTo(other_f0.get(), 0x9C, key.der)))), "", 0x6300},
      {"P-256 key declared P-384", Hex(Unwrap(0x9C, UnwrapData(0x14, w))), "", 0x6984},
      {"P-256 key declared Ed25519", Hex(Unwrap(0x9C, UnwrapData(0xE0, w))), "", 0x6984},
      {"P-256 key declared RSA-2048", Hex(Unwrap(0x9C, UnwrapData(0x07, w))), "", 0x6984},
      {"not PKCS#8", Hex(Unwrap(0x9C, UnwrapData(0x11, WrapTo(f0.get(), 0x9C, not_pkcs8)))), "",
       0x6984},
      {"after all that, 9C is still empty", "00f7009c", "", 0x6A88},
      {"the PIN kept its tries", "00f70080", "0101ff 050101 06020303"},
      {"the right blob opens", Hex(Unwrap(0x9C, good)), "", 0x9000,
       [&](ByteView d) {
         auto contents = ParseSingle(d, 0x7F49);
         ossl::PkeyPtr pub =
             contents.ok() ? PublicKeyFrom7F49(Algorithm::kEccP256, *contents) : nullptr;
         return pub && SamePublicKey(pub.get(), key.key.get());
       }},
      {"origin imported, 9C defaults always/never", "00f7009c", "", 0x9000,
       [](ByteView d) { return ToHex(d).starts_with("010111020203010301020443864104"); }},
      {"ATTEST refuses an unwrapped key", "00f99c00", "", 0x6A80},
  });
}

TEST(PivUnwrap, SecretKeyErrorRows) {
  PivToken token;
  ossl::PkeyPtr f0 = TokenKeyF0(token);
  const Bytes value(32, 0x42);
  token.AuthenticateManagementKey();
  ASSERT_EQ(token.Send(ImportSecret(0xC0, 0x0C, value, SecretAttributes(1))).sw, 0x9000);
  token.VerifyPin();
  const Wrapped to_c0 = WrapTo(f0.get(), 0xC0, value);
  const Wrapped to_c1 = WrapTo(f0.get(), 0xC1, value);
  token.Run({
      {"slot C0 occupied", Hex(Unwrap(0xC0, UnwrapData(0x0C, to_c0))), "", 0x6985},
      {"P-256 algorithm for a secret slot", Hex(Unwrap(0xC1, UnwrapData(0x11, to_c1))), "", 0x6A80},
      {"PIN policy tag AA for a secret slot",
       Hex(Unwrap(0xC1, UnwrapData(0x0C, to_c1, HexOrDie("aa0101")))), "", 0x6A80},
      {"usage bit 0040", Hex(Unwrap(0xC1, UnwrapData(0x0C, to_c1, HexOrDie("0a020040")))), "",
       0x6A80},
      {"label of 33 bytes",
       Hex(Unwrap(0xC1, UnwrapData(0x0C, to_c1, EncodeTlv(0x0B, Bytes(33, 0x41))))), "", 0x6A80},
      {"AES-128 declared for 32 bytes", Hex(Unwrap(0xC1, UnwrapData(0x08, to_c1))), "", 0x6984},
      {"C1 still empty", "00f700c1", "", 0x6A88},
      {"AES-256 into C1", Hex(Unwrap(0xC1, UnwrapData(0x0C, to_c1, SecretAttributes(0x0003, 1)))),
       "01010c 02020101 030102 0a020003 0b00 0c00 0d01c1 0e0120"},
  });

  PivToken full(3);
  ossl::PkeyPtr full_f0 = TokenKeyF0(full);
  full.AuthenticateManagementKey();
  FillEverySecretSlot(full);
  full.VerifyPin();
  full.Run({{"no free slot for FF",
             Hex(Unwrap(0xFF, UnwrapData(0x0C, WrapTo(full_f0.get(), 0xFF, value)))), "", 0x6A84}});
}

TEST(PivUnwrap, AnySlotTargetTakesTheLowestFreeOrANamedSlot) {
  PivToken token;
  ossl::PkeyPtr f0 = TokenKeyF0(token);
  token.VerifyPin();
  const Bytes value(24, 0x24);
  WrapOptions with_context;
  with_context.context = BytesOf("issuance 42");
  const Wrapped any = WrapTo(f0.get(), 0xFF, value, with_context);
  const Bytes data = UnwrapData(0x20, any, SecretAttributes(0x0001, 0, AsBytes("L"), AsBytes("I")));
  token.Run({
      {"FF takes C0", Hex(Unwrap(0xFF, data)), "", 0x9000,
       [](ByteView d) { return ToHex(d).find("0d01c0") != std::string::npos; }},
      {"FF again takes C1", Hex(Unwrap(0xFF, data)), "", 0x9000,
       [](ByteView d) { return ToHex(d).find("0d01c1") != std::string::npos; }},
      {"or any named slot", Hex(Unwrap(0xD7, data)),
       "010120 02020201 030102 0a020001 0b014c 0c0149 0d01d7 0e0118"},
      {"but no PIV slot", Hex(Unwrap(0x9A, data)), "", 0x6A80},
  });
}

// Opened on the token, the value is the one OpenSSL wrapped: a CMAC by the
// unwrapped key equals OpenSSL's CMAC under the original value.
TEST(PivUnwrap, OpensABlobMadeByHandWithPlainOpenSsl) {
  PivToken token;
  ossl::PkeyPtr f0 = TokenKeyF0(token);
  token.VerifyPin();
  const Bytes value = HexOrDie("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const Bytes shared = Concat({HexOrDie("5453573100bc614ec5"), BytesOf("cms")});
  Wrapped w{shared, OsslEcdhAesWrap(f0.get(), "SHA384", 24, shared, value)};
  ASSERT_EQ(
      token.Send(Unwrap(0xC5, UnwrapData(0x0C, w, SecretAttributes(0x0001, 1), 0x07, 0x18))).sw,
      0x9000);
  const Bytes message = BytesOf("wrapped by hand");
  ResponseApdu mac = token.Send(OperateSecret(0x10, 0xC5, EncodeTlv(0x81, message)));
  ASSERT_EQ(mac.sw, 0x9000);
  EXPECT_EQ(ToHex(mac.data), ToHex(OsslCmac(value, message)));
}

struct UnwrapCase {
  const char* name;
  const char* type;
  unsigned bits;
  Algorithm alg;
};

class PivUnwrapKeys : public ::testing::TestWithParam<UnwrapCase> {};

// The key lands in 9D with origin "imported" and signs (or agrees) as the
// key OpenSSL made.
TEST_P(PivUnwrapKeys, UnwrappedKeyIsTheOneOpenSslMade) {
  const UnwrapCase& p = GetParam();
  PivToken token;
  ossl::PkeyPtr f0 = TokenKeyF0(token);
  Pkcs8Key key = NewPkcs8Key(p.type, p.bits);
  const auto alg = static_cast<std::uint8_t>(p.alg);
  token.VerifyPin();
  ResponseApdu r = token.Send(
      Unwrap(0x9D, UnwrapData(alg, WrapTo(f0.get(), 0x9D, key.der), HexOrDie("aa0101ab0102"))));
  ASSERT_EQ(r.sw, 0x9000);
  auto contents = ParseSingle(r.data, 0x7F49);
  ASSERT_TRUE(contents.ok());
  ossl::PkeyPtr answered = PublicKeyFrom7F49(p.alg, *contents);
  ASSERT_NE(answered, nullptr);
  EXPECT_TRUE(SamePublicKey(answered.get(), key.key.get()));
  // Algorithm, PIN never, touch always, origin imported, the same public key.
  EXPECT_EQ(ToHex(token.Send("00f7009d").data),
            ToHex(Concat({Bytes{0x01, 0x01, alg}, HexOrDie("020201020301 02"),
                          EncodeTlv(0x04, *contents)})));

  if (piv::IsRsa(p.alg)) {
    Bytes block = Pkcs1SignatureBlock(AsBytes("unwrapped"), p.bits / 8);
    EXPECT_TRUE(RsaRawMatches(key.key.get(), block,
                              AuthResponse(token.Operate(0x9D, p.alg, 0x81, block).data)));
  } else if (piv::IsEcdsaCurve(p.alg)) {
    Bytes digest = Sha256(AsBytes("unwrapped"));
    EXPECT_TRUE(EcdsaVerifyDigest(key.key.get(), digest,
                                  AuthResponse(token.Operate(0x9D, p.alg, 0x81, digest).data)));
  } else if (p.alg == Algorithm::kEd25519) {
    EXPECT_TRUE(
        Ed25519Verify(key.key.get(), AsBytes("unwrapped"),
                      AuthResponse(token.Operate(0x9D, p.alg, 0x81, AsBytes("unwrapped")).data)));
  } else {
    HostKey host = NewHostKey(p.alg);
    EXPECT_EQ(ToHex(AuthResponse(token.Operate(0x9D, p.alg, 0x85, host.public_encoding).data)),
              ToHex(Derive(host.key.get(), key.key.get())));
  }
  EXPECT_EQ(token.Send("00f99d00").sw, 0x6A80);  // nothing to attest
}

INSTANTIATE_TEST_SUITE_P(EveryWrappableType, PivUnwrapKeys,
                         ::testing::Values(UnwrapCase{"Rsa2048", "RSA", 2048, Algorithm::kRsa2048},
                                           UnwrapCase{"Rsa3072", "RSA", 3072, Algorithm::kRsa3072},
                                           UnwrapCase{"P256", "P-256", 0, Algorithm::kEccP256},
                                           UnwrapCase{"P384", "P-384", 0, Algorithm::kEccP384},
                                           UnwrapCase{"Ed25519", "ED25519", 0, Algorithm::kEd25519},
                                           UnwrapCase{"X25519", "X25519", 0, Algorithm::kX25519}),
                         [](const ::testing::TestParamInfo<UnwrapCase>& p) {
                           return std::string(p.param.name);
                         });

}  // namespace
}  // namespace tessera::sim::pivtest
