// The derivations of SECRET KEY MANAGE (INS F4 P1 03 and 04,
// docs/piv-extensions.md "F4"): the derived key is checked by using it on
// the token and comparing with the same key computed on the host (the
// peer's side of the ECDH, then HKDF, with plain OpenSSL).
#include <gtest/gtest.h>

#include "common/tlv.hpp"
#include "tests/unit/firmware-sim/piv/oracle.hpp"
#include "tests/unit/firmware-sim/piv/secret_commands.hpp"
#include "tests/unit/firmware-sim/piv/secret_oracle.hpp"

namespace tessera::sim::pivtest {
namespace {

using piv::Algorithm;

const Bytes kSalt = HexOrDie("000102030405060708090a0b0c");
const Bytes kInfo = HexOrDie("f0f1f2f3f4f5f6f7f8f9");
const Bytes kMessage = HexOrDie("4d41432074686973");

// F4 03 data: the new key (type, [length]), base, peer, KDF, [salt, info], attributes.
Bytes EcdhData(std::uint8_t type, std::uint8_t length, std::uint8_t base, ByteView peer,
               std::uint8_t kdf, Bytes attributes) {
  Bytes d = EncodeTlv(0x01, Bytes{type});
  if (length != 0) AppendTlv(d, 0x0E, Bytes{length});
  AppendTlv(d, 0x90, Bytes{base});
  AppendTlv(d, 0x91, peer);
  AppendTlv(d, 0x92, Bytes{kdf});
  if (kdf == 0x01) {
    AppendTlv(d, 0x86, kSalt);
    AppendTlv(d, 0x87, kInfo);
  }
  Append(d, attributes);
  return d;
}

CommandApdu DeriveCommand(std::uint8_t p1, std::uint8_t slot, Bytes data) {
  return Apdu(0xF4, p1, slot, std::move(data));
}

Bytes Mac(PivToken& token, std::uint8_t op, std::uint8_t slot) {
  ResponseApdu r = token.Send(OperateSecret(op, slot, EncodeTlv(0x81, kMessage)));
  EXPECT_EQ(r.sw, 0x9000);
  return r.data;
}

class PivSecretKeyEcdh : public ::testing::TestWithParam<Algorithm> {};

TEST_P(PivSecretKeyEcdh, DerivedFromASlotKeyMatchesTheHostSide) {
  const Algorithm alg = GetParam();
  PivToken token;
  token.AuthenticateManagementKey();
  ossl::PkeyPtr slot_key = PublicKeyFrom7F49(alg, token.Generate(0x9D, alg, 0x02));
  HostKey host = NewHostKey(alg);
  const Bytes z = Derive(host.key.get(), slot_key.get());
  token.VerifyPin();

  // HKDF-SHA-256 into a 48-byte generic secret.
  ResponseApdu r = token.Send(DeriveCommand(
      0x03, 0xC3, EcdhData(0x20, 48, 0x9D, host.public_encoding, 0x01, SecretAttributes(0x21, 1))));
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_EQ(ToHex(r.data), "010120020201010301030a0200210b000c000d01c30e0130");
  EXPECT_EQ(ToHex(Mac(token, 0x20, 0xC3)),
            ToHex(OsslHmac("SHA256", OsslHkdf(z, kSalt, kInfo, 48), kMessage)));

  // No KDF: an AES-128 key is the first 16 bytes of Z.
  ASSERT_EQ(token
                .Send(DeriveCommand(
                    0x03, 0xC4,
                    EcdhData(0x08, 0, 0x9D, host.public_encoding, 0x00, SecretAttributes(1, 1))))
                .sw,
            0x9000);
  EXPECT_EQ(ToHex(Mac(token, 0x10, 0xC4)), ToHex(OsslCmac(ByteView(z).first(16), kMessage)));
}

INSTANTIATE_TEST_SUITE_P(AgreementKeys, PivSecretKeyEcdh,
                         ::testing::Values(Algorithm::kEccP256, Algorithm::kEccP384,
                                           Algorithm::kX25519),
                         [](const ::testing::TestParamInfo<Algorithm>& p) {
                           std::string name(piv::AlgorithmName(p.param));
                           std::erase(name, '-');
                           return name;
                         });

TEST(PivSecretKeyDerive, EcdhWithTheTokenKeyNeedsThePin) {
  PivToken token;
  ossl::PkeyPtr f0 = TokenKeyF0(token);
  HostKey host = NewHostKey(Algorithm::kEccP256);
  const Bytes data = EcdhData(0x20, 0, 0xF0, host.public_encoding, 0x01, SecretAttributes(1, 1));
  token.Run({
      {"F0's own policy is never, yet the PIN is needed", Hex(DeriveCommand(0x03, 0xC0, data)), "",
       0x6982},
      {"the PIN kept its tries", "00f70080", "0101ff 050101 06020303"},
      {"nothing stored", "00f700c0", "", 0x6A88},
  });
  token.VerifyPin();
  ASSERT_EQ(token.Send(DeriveCommand(0x03, 0xC0, data)).sw, 0x9000);
  const Bytes z = Derive(host.key.get(), f0.get());
  EXPECT_EQ(ToHex(Mac(token, 0x20, 0xC0)),
            ToHex(OsslHmac("SHA256", OsslHkdf(z, kSalt, kInfo, 32), kMessage)));
}

TEST(PivSecretKeyDerive, TableOfEcdhErrorRows) {
  PivToken token;
  token.AuthenticateManagementKey();
  token.Generate(0x9D, Algorithm::kEccP256, 0x02);
  token.Generate(0x9E, Algorithm::kEccP256, 0x02);
  token.Generate(0x9A, Algorithm::kEd25519, 0x01);
  ASSERT_EQ(token.Send(GenerateSecret(0xC1, 0x08, {})).sw, 0x9000);
  HostKey host = NewHostKey(Algorithm::kEccP256);
  HostKey p384 = NewHostKey(Algorithm::kEccP384);
  const Bytes& peer = host.public_encoding;
  Bytes off_curve = peer;
  off_curve.back() ^= 0x01;
  const Bytes attrs = SecretAttributes(1);
  token.Run(
      {{"base 9E (once) without the PIN",
        Hex(DeriveCommand(0x03, 0xC0, EcdhData(0x20, 0, 0x9E, peer, 0x01, attrs))), "", 0x6982}});
  token.VerifyPin();
  token.Run({
      {"base 9B", Hex(DeriveCommand(0x03, 0xC0, EcdhData(0x20, 0, 0x9B, peer, 0x01, attrs))), "",
       0x6A80},
      {"base F9", Hex(DeriveCommand(0x03, 0xC0, EcdhData(0x20, 0, 0xF9, peer, 0x01, attrs))), "",
       0x6A80},
      {"base C1", Hex(DeriveCommand(0x03, 0xC0, EcdhData(0x20, 0, 0xC1, peer, 0x01, attrs))), "",
       0x6A80},
      {"unknown KDF 02", Hex(DeriveCommand(0x03, 0xC0, EcdhData(0x20, 0, 0x9D, peer, 0x02, attrs))),
       "", 0x6A80},
      {"no KDF",
       Hex(DeriveCommand(0x03, 0xC0, Concat({HexOrDie("010120 90019d"), EncodeTlv(0x91, peer)}))),
       "", 0x6A80},
      {"no peer", Hex(DeriveCommand(0x03, 0xC0, HexOrDie("010120 90019d 920101"))), "", 0x6A80},
      {"salt without a KDF",
       Hex(DeriveCommand(0x03, 0xC0,
                         Concat({EcdhData(0x20, 0, 0x9D, peer, 0x00, attrs), HexOrDie("860101")}))),
       "", 0x6A80},
      {"HKDF mode tag 93 is for P1 04",
       Hex(DeriveCommand(0x03, 0xC0,
                         Concat({EcdhData(0x20, 0, 0x9D, peer, 0x01, attrs), HexOrDie("930101")}))),
       "", 0x6A80},
      {"base slot 82 empty",
       Hex(DeriveCommand(0x03, 0xC0, EcdhData(0x20, 0, 0x82, peer, 0x01, attrs))), "", 0x6A88},
      {"Ed25519 cannot agree",
       Hex(DeriveCommand(0x03, 0xC0, EcdhData(0x20, 0, 0x9A, peer, 0x01, attrs))), "", 0x6985},
      {"target occupied",
       Hex(DeriveCommand(0x03, 0xC1, EcdhData(0x20, 0, 0x9D, peer, 0x01, attrs))), "", 0x6985},
      {"peer point off the curve",
       Hex(DeriveCommand(0x03, 0xC0, EcdhData(0x20, 0, 0x9D, off_curve, 0x01, attrs))), "", 0x6A80},
      {"P-384 peer for a P-256 key",
       Hex(DeriveCommand(0x03, 0xC0, EcdhData(0x20, 0, 0x9D, p384.public_encoding, 0x01, attrs))),
       "", 0x6A80},
      {"64 bytes from a 32-byte Z without KDF",
       Hex(DeriveCommand(0x03, 0xC0, EcdhData(0x20, 64, 0x9D, peer, 0x00, attrs))), "", 0x6A80},
      {"C0 still empty", "00f700c0", "", 0x6A88},
  });
}

Bytes HkdfData(std::uint8_t type, std::uint8_t base, std::optional<std::uint8_t> mode, bool salt,
               Bytes attributes) {
  Bytes d = EncodeTlv(0x01, Bytes{type});
  AppendTlv(d, 0x90, Bytes{base});
  if (mode) AppendTlv(d, 0x93, Bytes{*mode});
  if (salt) AppendTlv(d, 0x86, kSalt);
  AppendTlv(d, 0x87, kInfo);
  Append(d, attributes);
  return d;
}

TEST(PivSecretKeyDerive, HkdfFromASecretKeyMatchesOpenSsl) {
  PivToken token;
  const Bytes base = HexOrDie("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
  token.AuthenticateManagementKey();
  ASSERT_EQ(token.Send(ImportSecret(0xC0, 0x20, base, SecretAttributes(0x0010, 1))).sw, 0x9000);
  token.Run({
      {"extract and expand",
       Hex(DeriveCommand(0x04, 0xC1, HkdfData(0x20, 0xC0, 0x01, true, SecretAttributes(1, 1)))),
       "010120 02020101 030103 0a020001 0b00 0c00 0d01c1 0e0120"},
      {"expand only",
       Hex(DeriveCommand(0x04, 0xC2, HkdfData(0x0C, 0xC0, 0x02, false, SecretAttributes(1, 1)))),
       "01010c 02020101 030103 0a020001 0b00 0c00 0d01c2 0e0120"},
      {"mode absent: extract and expand",
       Hex(DeriveCommand(0x04, 0xC3,
                         HkdfData(0x20, 0xC0, std::nullopt, true, SecretAttributes(1, 1)))),
       "010120 02020101 030103 0a020001 0b00 0c00 0d01c3 0e0120"},
  });
  EXPECT_EQ(ToHex(Mac(token, 0x20, 0xC1)),
            ToHex(OsslHmac("SHA256", OsslHkdf(base, kSalt, kInfo, 32), kMessage)));
  EXPECT_EQ(ToHex(Mac(token, 0x10, 0xC2)),
            ToHex(OsslCmac(OsslHkdfExpand(base, kInfo, 32), kMessage)));
  EXPECT_EQ(ToHex(Mac(token, 0x20, 0xC3)), ToHex(Mac(token, 0x20, 0xC1)));
}

TEST(PivSecretKeyDerive, TableOfHkdfErrorRows) {
  PivToken token;
  token.AuthenticateManagementKey();
  ASSERT_EQ(token.Send(ImportSecret(0xC0, 0x20, Bytes(32, 1), SecretAttributes(0x0001, 1))).sw,
            0x9000);  // no derive usage
  ASSERT_EQ(token.Send(ImportSecret(0xC1, 0x20, Bytes(32, 2), SecretAttributes(0x0010, 2))).sw,
            0x9000);  // PIN once
  ASSERT_EQ(token.Send(ImportSecret(0xC2, 0x08, Bytes(16, 3), SecretAttributes(0x0010, 1))).sw,
            0x9000);  // too short to be a PRK
  const Bytes attrs = SecretAttributes(1);
  token.Run({
      {"base without the derive usage",
       Hex(DeriveCommand(0x04, 0xD0, HkdfData(0x20, 0xC0, 1, true, attrs))), "", 0x6985},
      {"base PIN once, no PIN",
       Hex(DeriveCommand(0x04, 0xD0, HkdfData(0x20, 0xC1, 1, true, attrs))), "", 0x6982},
      {"base empty", Hex(DeriveCommand(0x04, 0xD0, HkdfData(0x20, 0xC9, 1, true, attrs))), "",
       0x6A88},
      {"base 9A", Hex(DeriveCommand(0x04, 0xD0, HkdfData(0x20, 0x9A, 1, true, attrs))), "", 0x6A80},
      {"mode 03", Hex(DeriveCommand(0x04, 0xD0, HkdfData(0x20, 0xC2, 3, true, attrs))), "", 0x6A80},
      {"expand only with a salt",
       Hex(DeriveCommand(0x04, 0xD0, HkdfData(0x20, 0xC2, 2, true, attrs))), "", 0x6A80},
      {"expand only from 16 bytes",
       Hex(DeriveCommand(0x04, 0xD0, HkdfData(0x20, 0xC2, 2, false, attrs))), "", 0x6A80},
      {"peer tag 91 is for P1 03",
       Hex(DeriveCommand(0x04, 0xD0,
                         Concat({HkdfData(0x20, 0xC2, 1, true, attrs), HexOrDie("910100")}))),
       "", 0x6A80},
      {"target occupied", Hex(DeriveCommand(0x04, 0xC1, HkdfData(0x20, 0xC2, 1, true, attrs))), "",
       0x6985},
      {"D0 still empty", "00f700d0", "", 0x6A88},
      {"a 16-byte base can still be extracted",
       Hex(DeriveCommand(0x04, 0xD0, HkdfData(0x20, 0xC2, 1, true, attrs))),
       "010120 02020201 030103 0a020001 0b00 0c00 0d01d0 0e0120"},
  });
}

}  // namespace
}  // namespace tessera::sim::pivtest
