// SECRET KEY MANAGE (INS F4, docs/piv-extensions.md "F4"): import, generate
// and delete under the management key, every error row, the 32 slots, and
// RESET wiping them. Derivations are in secret_key_derive_test.cpp.
#include <gtest/gtest.h>

#include "common/tlv.hpp"
#include "tests/unit/firmware-sim/piv/secret_commands.hpp"
#include "tests/unit/firmware-sim/piv/secret_oracle.hpp"

namespace tessera::sim::pivtest {
namespace {

const Bytes kAes256 = HexOrDie("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");

TEST(PivSecretKeyManage, TableOfImportRows) {
  PivToken token;
  const Bytes usage = SecretAttributes(0x003F);
  token.Run(
      {{"needs the management key", Hex(ImportSecret(0xC0, 0x0C, kAes256, usage)), "", 0x6982}});
  token.VerifyPin();  // the PIN is not the management key
  token.Run({{"the PIN is not enough", Hex(ImportSecret(0xC0, 0x0C, kAes256, usage)), "", 0x6982}});
  token.AuthenticateManagementKey();
  token.Run({
      {"P1 00", Hex(Apdu(0xF4, 0x00, 0xC0, HexOrDie("01010c"))), "", 0x6A86},
      {"P1 06", Hex(Apdu(0xF4, 0x06, 0xC0, HexOrDie("01010c"))), "", 0x6A86},
      {"P2 BF", Hex(ImportSecret(0xBF, 0x0C, kAes256, usage)), "", 0x6A86},
      {"P2 E0", Hex(ImportSecret(0xE0, 0x0C, kAes256, usage)), "", 0x6A86},
      {"P2 9A", Hex(ImportSecret(0x9A, 0x0C, kAes256, usage)), "", 0x6A86},
      {"no type", Hex(Apdu(0xF4, 0x01, 0xC0, EncodeTlv(0x81, kAes256))), "", 0x6A80},
      {"type 03 (3DES)", Hex(ImportSecret(0xC0, 0x03, Bytes(24, 1), usage)), "", 0x6A80},
      {"type 11 (P-256)", Hex(ImportSecret(0xC0, 0x11, kAes256, usage)), "", 0x6A80},
      {"AES-256 of 31 bytes", Hex(ImportSecret(0xC0, 0x0C, Bytes(31, 1), usage)), "", 0x6A80},
      {"AES-128 of 32 bytes", Hex(ImportSecret(0xC0, 0x08, kAes256, usage)), "", 0x6A80},
      {"generic of 15 bytes", Hex(ImportSecret(0xC0, 0x20, Bytes(15, 1), usage)), "", 0x6A80},
      {"generic of 65 bytes", Hex(ImportSecret(0xC0, 0x20, Bytes(65, 1), usage)), "", 0x6A80},
      {"no value", Hex(Apdu(0xF4, 0x01, 0xC0, HexOrDie("01010c"))), "", 0x6A80},
      {"usage bit 0040", Hex(ImportSecret(0xC0, 0x0C, kAes256, SecretAttributes(0x0040))), "",
       0x6A80},
      {"usage of one byte", Hex(ImportSecret(0xC0, 0x0C, kAes256, HexOrDie("0a0101"))), "", 0x6A80},
      {"PIN policy 04", Hex(ImportSecret(0xC0, 0x0C, kAes256, SecretAttributes(1, 4))), "", 0x6A80},
      {"label of 33 bytes",
       Hex(ImportSecret(0xC0, 0x0C, kAes256, EncodeTlv(0x0B, Bytes(33, 0x41)))), "", 0x6A80},
      {"ID of 33 bytes", Hex(ImportSecret(0xC0, 0x0C, kAes256, EncodeTlv(0x0C, Bytes(33, 0x41)))),
       "", 0x6A80},
      {"unknown tag 0E", Hex(ImportSecret(0xC0, 0x0C, kAes256, HexOrDie("0e0120"))), "", 0x6A80},
      {"usage given twice", Hex(ImportSecret(0xC0, 0x0C, kAes256, Concat({usage, usage}))), "",
       0x6A80},
      {"C0 still empty", "00f700c0", "", 0x6A88},
      {"import AES-256, label and ID",
       Hex(ImportSecret(0xC0, 0x0C, kAes256,
                        SecretAttributes(0x003F, 3, BytesOf("k"), HexOrDie("0102")))),
       "01010c 02020301 030102 0a02003f 0b016b 0c020102 0d01c0 0e0120"},
      {"GET METADATA C0 (no 0D)", "00f700c0",
       "01010c 02020301 030102 0a02003f 0b016b 0c020102 0e0120"},
      {"occupied", Hex(ImportSecret(0xC0, 0x0C, kAes256, usage)), "", 0x6985},
      {"generic of 64 bytes, default PIN policy into FF",
       Hex(ImportSecret(0xFF, 0x20, Bytes(64, 7), {})),
       "010120 02020201 030102 0a020000 0b00 0c00 0d01c1 0e0140"},
  });
}

TEST(PivSecretKeyManage, TableOfGenerateAndDeleteRows) {
  PivToken token;
  token.Run({
      {"generate needs the management key", Hex(GenerateSecret(0xC2, 0x08, {})), "", 0x6982},
      {"delete needs the management key", "00f405c2", "", 0x6982},
  });
  token.AuthenticateManagementKey();
  token.Run({
      {"AES-128 with length 17", Hex(GenerateSecret(0xC2, 0x08, HexOrDie("0e0111"))), "", 0x6A80},
      {"generic with length 15", Hex(GenerateSecret(0xC2, 0x20, HexOrDie("0e010f"))), "", 0x6A80},
      {"length of 2 bytes", Hex(GenerateSecret(0xC2, 0x20, HexOrDie("0e020020"))), "", 0x6A80},
      {"a value is not for generate", Hex(GenerateSecret(0xC2, 0x20, HexOrDie("8101aa"))), "",
       0x6A80},
      {"AES-128 with its own length", Hex(GenerateSecret(0xC2, 0x08, HexOrDie("0e0110"))),
       "010108 02020201 030101 0a020000 0b00 0c00 0d01c2 0e0110"},
      {"generic without length: 32 bytes", Hex(GenerateSecret(0xC3, 0x20, SecretAttributes(1))),
       "010120 02020201 030101 0a020001 0b00 0c00 0d01c3 0e0120"},
      {"generic of 48", Hex(GenerateSecret(0xC4, 0x20, HexOrDie("0e0130"))), "", 0x9000,
       [](ByteView d) { return ToHex(d).ends_with("0d01c40e0130"); }},
      {"occupied", Hex(GenerateSecret(0xC2, 0x08, {})), "", 0x6985},
      {"delete with P2 FF", "00f405ff", "", 0x6A86},
      {"delete with data", "00f405c201aa", "", 0x6A80},
      {"delete an empty slot", "00f405c5", "", 0x6A88},
      {"delete C2", "00f405c2", ""},
      {"C2 is empty", "00f700c2", "", 0x6A88},
      {"delete C2 again", "00f405c2", "", 0x6A88},
      {"C3 is still there", "00f700c3", "010120 02020201 030101 0a020001 0b00 0c00 0e0120"},
  });
}

// Two generated keys MAC differently: each is fresh from the token's Rng.
TEST(PivSecretKeyManage, GeneratedKeysAreFreshAndUsable) {
  PivToken token;
  token.AuthenticateManagementKey();
  ASSERT_EQ(token.Send(GenerateSecret(0xC0, 0x0C, SecretAttributes(1, 1))).sw, 0x9000);
  ASSERT_EQ(token.Send(GenerateSecret(0xC1, 0x0C, SecretAttributes(1, 1))).sw, 0x9000);
  ResponseApdu a = token.Send(OperateSecret(0x10, 0xC0, EncodeTlv(0x81, BytesOf("m"))));
  ResponseApdu b = token.Send(OperateSecret(0x10, 0xC1, EncodeTlv(0x81, BytesOf("m"))));
  ASSERT_EQ(a.sw, 0x9000);
  ASSERT_EQ(b.sw, 0x9000);
  EXPECT_EQ(a.data.size(), 16u);
  EXPECT_NE(ToHex(a.data), ToHex(b.data));
}

TEST(PivSecretKeyManage, ThirtyTwoSlotsThenNoSpace) {
  PivToken token;
  token.AuthenticateManagementKey();
  for (int i = 0; i < 32; ++i) {
    ResponseApdu r = token.Send(GenerateSecret(0xFF, 0x08, {}));
    ASSERT_EQ(r.sw, 0x9000);
    EXPECT_TRUE(ToHex(r.data).ends_with(
        ToHex(Bytes{0x0D, 0x01, static_cast<std::uint8_t>(0xC0 + i), 0x0E, 0x01, 0x10})))
        << ToHex(r.data);
  }
  token.Run({
      {"generate into FF", Hex(GenerateSecret(0xFF, 0x08, {})), "", 0x6A84},
      {"import into FF", Hex(ImportSecret(0xFF, 0x0C, kAes256, {})), "", 0x6A84},
      {"a named slot is occupied", Hex(GenerateSecret(0xD0, 0x08, {})), "", 0x6985},
      {"delete D0", "00f405d0", ""},
      {"FF finds D0", Hex(GenerateSecret(0xFF, 0x08, {})), "", 0x9000,
       [](ByteView d) { return ToHex(d).ends_with("0d01d00e0110"); }},
  });
}

// RESET (FB) erases the secret keys with the PIV keys; F0 and F9 stay.
TEST(PivSecretKeyManage, ResetErasesEverySecretKey) {
  PivToken token;
  token.AuthenticateManagementKey();
  ASSERT_EQ(token.Send(ImportSecret(0xC0, 0x0C, kAes256, {})).sw, 0x9000);
  ASSERT_EQ(token.Send(GenerateSecret(0xDF, 0x20, {})).sw, 0x9000);
  const std::string f0 = ToHex(token.Send("00f700f0").data);
  for (int i = 0; i < 3; ++i) token.Send(Apdu(0x20, 0x00, 0x80, PinBlock("000000")));
  for (int i = 0; i < 3; ++i)
    token.Send(Apdu(0x2C, 0x00, 0x80, Concat({PinBlock("00000000"), PinBlock("123456")})));
  token.Run({
      {"RESET", "00fb0000", ""},
      {"C0 gone", "00f700c0", "", 0x6A88},
      {"DF gone", "00f700df", "", 0x6A88},
      {"the list is empty", "00f50000", ""},
      {"F0 stays", "00f700f0", f0},
  });
  EXPECT_TRUE(token.storage().Keys("piv/skey/").empty());
}

}  // namespace
}  // namespace tessera::sim::pivtest
