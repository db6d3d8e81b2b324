// SECRET KEY OPERATE (INS F5, docs/piv-extensions.md "F5"): every MAC,
// AES-GCM and HKDF output is compared with plain OpenSSL over the same key
// (secret_oracle.hpp), and every access and error row of the doc is a row
// here, in the doc's order of checks.
#include <gtest/gtest.h>

#include "common/tlv.hpp"
#include "tests/unit/firmware-sim/piv/secret_commands.hpp"
#include "tests/unit/firmware-sim/piv/secret_oracle.hpp"

namespace tessera::sim::pivtest {
namespace {

// SP 800-38B Appendix D.3 (AES-256): key, the 16-byte example and its CMAC.
const Bytes kAes256 = HexOrDie("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
const Bytes kSp80038bMessage = HexOrDie("6bc1bee22e409f96e93d7e117393172a");
constexpr char kSp80038bMac[] = "28a7023f452e8f82bd4bf28d8c37c35c";
const Bytes kGeneric48 = Bytes(48, 0x3C);
const Bytes kGeneric32 =
    HexOrDie("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
const Bytes kAes128 = HexOrDie("2b7e151628aed2a6abf7158809cf4f3c");
const Bytes kMessage = HexOrDie("54657373657261");

// C0 AES-256 all usages, PIN never; C1 generic-48 all, never; C2 AES-128
// sign only, never; C3 generic-32 all, PIN once; C4 generic-32 all, PIN
// always; C5 generic-32 no usage, PIN once.
class PivSecretKeyOperate : public ::testing::Test {
 protected:
  void SetUp() override {
    token_.AuthenticateManagementKey();
    Import(0xC0, 0x0C, kAes256, SecretAttributes(0x003F, 1));
    Import(0xC1, 0x20, kGeneric48, SecretAttributes(0x003F, 1));
    Import(0xC2, 0x08, kAes128, SecretAttributes(0x0001, 1));
    Import(0xC3, 0x20, kGeneric32, SecretAttributes(0x003F, 2));
    Import(0xC4, 0x20, kGeneric32, SecretAttributes(0x003F, 3));
    Import(0xC5, 0x20, kGeneric32, SecretAttributes(0x0000, 2));
    token_.PowerCycle();  // the management key is not what F5 needs
  }

  void Import(std::uint8_t slot, std::uint8_t type, ByteView value, Bytes attributes) {
    ASSERT_EQ(token_.Send(ImportSecret(slot, type, value, std::move(attributes))).sw, 0x9000);
  }

  static std::string Op(std::uint8_t p1, std::uint8_t slot, Bytes data) {
    return Hex(OperateSecret(p1, slot, std::move(data)));
  }

  PivToken token_;
};

Bytes Message(ByteView m) { return EncodeTlv(0x81, m); }
Bytes WithMac(ByteView m, ByteView mac) {
  return Concat({EncodeTlv(0x81, m), EncodeTlv(0x82, mac)});
}
Bytes WithLength(ByteView m, std::uint8_t n) {
  return Concat({EncodeTlv(0x81, m), EncodeTlv(0x82, Bytes{n})});
}

TEST_F(PivSecretKeyOperate, MacsMatchOpenSsl) {
  const Bytes cmac = OsslCmac(kAes256, kMessage);
  const Bytes hmac256 = OsslHmac("SHA256", kGeneric48, kMessage);
  const Bytes hmac384 = OsslHmac("SHA384", kGeneric48, kMessage);
  const Bytes hmac512 = OsslHmac("SHA512", kGeneric48, kMessage);
  token_.Run({
      {"CMAC, SP 800-38B D.3 example 2", Op(0x10, 0xC0, Message(kSp80038bMessage)), kSp80038bMac},
      {"CMAC of an empty message", Op(0x10, 0xC0, HexOrDie("8100")), ToHex(OsslCmac(kAes256, {}))},
      {"CMAC", Op(0x10, 0xC0, Message(kMessage)), ToHex(cmac)},
      {"CMAC cut to 8", Op(0x10, 0xC0, WithLength(kMessage, 8)), ToHex(ByteView(cmac).first(8))},
      {"CMAC with AES-128", Op(0x10, 0xC2, Message(kMessage)), ToHex(OsslCmac(kAes128, kMessage))},
      {"HMAC-SHA-256", Op(0x20, 0xC1, Message(kMessage)), ToHex(hmac256)},
      {"HMAC-SHA-384", Op(0x22, 0xC1, Message(kMessage)), ToHex(hmac384)},
      {"HMAC-SHA-512", Op(0x24, 0xC1, Message(kMessage)), ToHex(hmac512)},
      {"HMAC-SHA-512 cut to 20", Op(0x24, 0xC1, WithLength(kMessage, 20)),
       ToHex(ByteView(hmac512).first(20))},
      {"CMAC verify", Op(0x11, 0xC0, WithMac(kMessage, cmac)), ""},
      {"CMAC verify of a prefix", Op(0x11, 0xC0, WithMac(kMessage, ByteView(cmac).first(4))), ""},
      {"HMAC-SHA-256 verify", Op(0x21, 0xC1, WithMac(kMessage, hmac256)), ""},
      {"HMAC-SHA-384 verify", Op(0x23, 0xC1, WithMac(kMessage, hmac384)), ""},
      {"HMAC-SHA-512 verify", Op(0x25, 0xC1, WithMac(kMessage, hmac512)), ""},
  });
}

TEST_F(PivSecretKeyOperate, MacVerifyRefusesAnyOtherMac) {
  Bytes cmac = OsslCmac(kAes256, kMessage);
  Bytes hmac = OsslHmac("SHA384", kGeneric48, kMessage);
  Bytes flipped_cmac = cmac;
  flipped_cmac[15] ^= 0x80;
  Bytes flipped_hmac = hmac;
  flipped_hmac[0] ^= 0x01;
  token_.Run({
      {"CMAC with its last bit flipped", Op(0x11, 0xC0, WithMac(kMessage, flipped_cmac)), "",
       0x6300},
      {"HMAC with its first bit flipped", Op(0x23, 0xC1, WithMac(kMessage, flipped_hmac)), "",
       0x6300},
      {"HMAC-384 checked as HMAC-256", Op(0x21, 0xC1, WithMac(kMessage, ByteView(hmac).first(32))),
       "", 0x6300},
      {"another message", Op(0x11, 0xC0, WithMac(HexOrDie("00"), cmac)), "", 0x6300},
      {"CMAC of 17 bytes", Op(0x11, 0xC0, WithMac(kMessage, Concat({cmac, HexOrDie("00")}))), "",
       0x6A80},
      {"empty MAC", Op(0x11, 0xC0, WithMac(kMessage, {})), "", 0x6A80},
      {"no MAC", Op(0x11, 0xC0, Message(kMessage)), "", 0x6A80},
  });
}

TEST_F(PivSecretKeyOperate, GcmMatchesOpenSslAndRefusesATamperedTag) {
  const Bytes iv = HexOrDie("cafebabefacedbaddecaf888");
  const Bytes aad = HexOrDie("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  const Bytes plaintext = Bytes(300, 0xD9);  // answered through GET RESPONSE
  const Bytes sealed = OsslGcmSeal(kAes256, iv, aad, plaintext, 16);
  Bytes flipped_tag = sealed;
  flipped_tag.back() ^= 0x01;
  Bytes flipped_ct = sealed;
  flipped_ct[0] ^= 0x01;
  auto gcm = [](ByteView body, ByteView v, ByteView a, std::optional<std::uint8_t> tag_len) {
    Bytes d = Concat({EncodeTlv(0x81, body), EncodeTlv(0x83, v)});
    if (!a.empty()) AppendTlv(d, 0x84, a);
    if (tag_len) AppendTlv(d, 0x85, Bytes{*tag_len});
    return d;
  };
  const Bytes long_iv(128, 0x11);
  token_.Run({
      {"encrypt", Op(0x30, 0xC0, gcm(plaintext, iv, aad, std::nullopt)), ToHex(sealed)},
      {"12-byte tag, no AAD", Op(0x30, 0xC0, gcm(kMessage, iv, {}, 12)),
       ToHex(OsslGcmSeal(kAes256, iv, {}, kMessage, 12))},
      {"1-byte IV", Op(0x30, 0xC0, gcm(kMessage, HexOrDie("01"), aad, 16)),
       ToHex(OsslGcmSeal(kAes256, HexOrDie("01"), aad, kMessage, 16))},
      {"128-byte IV", Op(0x30, 0xC0, gcm(kMessage, long_iv, aad, 16)),
       ToHex(OsslGcmSeal(kAes256, long_iv, aad, kMessage, 16))},
      {"decrypt", Op(0x31, 0xC0, gcm(sealed, iv, aad, 16)), ToHex(plaintext)},
      {"tag flipped", Op(0x31, 0xC0, gcm(flipped_tag, iv, aad, 16)), "", 0x6300},
      {"ciphertext flipped", Op(0x31, 0xC0, gcm(flipped_ct, iv, aad, 16)), "", 0x6300},
      {"AAD missing", Op(0x31, 0xC0, gcm(sealed, iv, {}, 16)), "", 0x6300},
      {"tag length 12 for a 16-byte tag", Op(0x31, 0xC0, gcm(sealed, iv, aad, 12)), "", 0x6300},
      {"shorter than its tag", Op(0x31, 0xC0, gcm(Bytes(15, 0), iv, aad, 16)), "", 0x6A80},
      {"tag length 11", Op(0x30, 0xC0, gcm(kMessage, iv, aad, 11)), "", 0x6A80},
      {"tag length 17", Op(0x30, 0xC0, gcm(kMessage, iv, aad, 17)), "", 0x6A80},
      {"empty IV", Op(0x30, 0xC0, gcm(kMessage, {}, aad, 16)), "", 0x6A80},
      {"129-byte IV", Op(0x30, 0xC0, gcm(kMessage, Bytes(129, 1), aad, 16)), "", 0x6A80},
      {"no IV", Op(0x30, 0xC0, Message(kMessage)), "", 0x6A80},
  });
}

TEST_F(PivSecretKeyOperate, HkdfOutputMatchesOpenSsl) {
  const Bytes salt = HexOrDie("000102030405060708090a0b0c");
  const Bytes info = HexOrDie("f0f1f2f3f4f5f6f7f8f9");
  auto hkdf = [&](bool with_salt, std::uint16_t length) {
    Bytes d;
    if (with_salt) AppendTlv(d, 0x86, salt);
    AppendTlv(d, 0x87, info);
    AppendTlv(d, 0x88,
              Bytes{static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)});
    return d;
  };
  token_.Run({
      {"extract and expand", Op(0x40, 0xC1, hkdf(true, 42)),
       ToHex(OsslHkdf(kGeneric48, salt, info, 42))},
      {"the key is the PRK", Op(0x40, 0xC1, hkdf(false, 42)),
       ToHex(OsslHkdfExpand(kGeneric48, info, 42))},
      {"an AES key too", Op(0x40, 0xC0, hkdf(true, 16)), ToHex(OsslHkdf(kAes256, salt, info, 16))},
      {"1024 bytes", Op(0x40, 0xC1, hkdf(true, 1024)),
       ToHex(OsslHkdf(kGeneric48, salt, info, 1024))},
      {"1025 bytes", Op(0x40, 0xC1, hkdf(true, 1025)), "", 0x6A80},
      {"0 bytes", Op(0x40, 0xC1, hkdf(true, 0)), "", 0x6A80},
      {"length of one byte", Op(0x40, 0xC1, HexOrDie("880120")), "", 0x6A80},
      {"no length", Op(0x40, 0xC1, HexOrDie("870100")), "", 0x6A80},
  });
  token_.AuthenticateManagementKey();
  Import(0xC6, 0x08, kAes128, SecretAttributes(0x0020, 1));
  token_.Run({
      {"a 16-byte key is too short a PRK", Op(0x40, 0xC6, hkdf(false, 16)), "", 0x6A80},
      {"but can be extracted", Op(0x40, 0xC6, hkdf(true, 16)),
       ToHex(OsslHkdf(kAes128, salt, info, 16))},
  });
}

TEST_F(PivSecretKeyOperate, TableOfAccessAndDataRows) {
  token_.Run({
      {"P1 12", Op(0x12, 0xC0, Message(kMessage)), "", 0x6A86},
      {"P1 41", Op(0x41, 0xC0, Message(kMessage)), "", 0x6A86},
      {"P2 BF", Op(0x10, 0xBF, Message(kMessage)), "", 0x6A86},
      {"P2 FF", Op(0x10, 0xFF, Message(kMessage)), "", 0x6A86},
      {"P2 9A", Op(0x10, 0x9A, Message(kMessage)), "", 0x6A86},
      {"empty slot", Op(0x10, 0xC9, Message(kMessage)), "", 0x6A88},
      {"PIN once, not verified", Op(0x20, 0xC3, Message(kMessage)), "", 0x6982},
      {"PIN before usage", Op(0x20, 0xC5, Message(kMessage)), "", 0x6982},
      {"wrong PIN", Hex(Apdu(0x20, 0x00, 0x80, PinBlock("000000"))), "", 0x63C2},
      {"still refused", Op(0x20, 0xC3, Message(kMessage)), "", 0x6982},
      {"F5 used no PIN try", "00f70080", "0101ff 050101 06020302"},
      {"usage sign only: no verify", Op(0x11, 0xC2, WithMac(kMessage, Bytes(16, 0))), "", 0x6985},
      {"usage sign only: no GCM", Op(0x30, 0xC2, HexOrDie("810100830101")), "", 0x6985},
      {"usage sign only: no HKDF", Op(0x40, 0xC2, HexOrDie("88020010")), "", 0x6985},
      {"HMAC with an AES key", Op(0x20, 0xC0, Message(kMessage)), "", 0x6985},
      {"CMAC with a generic secret", Op(0x10, 0xC1, Message(kMessage)), "", 0x6985},
      {"GCM with a generic secret", Op(0x30, 0xC1, Message(kMessage)), "", 0x6985},
      {"no message", Op(0x10, 0xC0, {}), "", 0x6A80},
      {"unknown tag 99", Op(0x10, 0xC0, Concat({Message(kMessage), HexOrDie("990100")})), "",
       0x6A80},
      {"message twice", Op(0x10, 0xC0, Concat({Message(kMessage), Message(kMessage)})), "", 0x6A80},
      {"MAC length 0", Op(0x10, 0xC0, WithLength(kMessage, 0)), "", 0x6A80},
      {"CMAC length 17", Op(0x10, 0xC0, WithLength(kMessage, 17)), "", 0x6A80},
      {"HMAC-SHA-256 length 33", Op(0x20, 0xC1, WithLength(kMessage, 33)), "", 0x6A80},
      {"IV is no MAC tag", Op(0x10, 0xC0, Concat({Message(kMessage), HexOrDie("830101")})), "",
       0x6A80},
  });
  token_.VerifyPin("123456");
  token_.Run({
      {"PIN once, verified", Op(0x20, 0xC3, Message(kMessage)),
       ToHex(OsslHmac("SHA256", kGeneric32, kMessage))},
      {"verified, but no usage", Op(0x20, 0xC5, Message(kMessage)), "", 0x6985},
  });
}

TEST_F(PivSecretKeyOperate, MessagesUpTo64512Bytes) {
  const Bytes longest(64512, 0x61);
  ResponseApdu r = token_.Send(OperateSecret(0x10, 0xC0, EncodeTlv(0x81, longest)));
  EXPECT_EQ(r.sw, 0x9000);
  EXPECT_EQ(ToHex(r.data), ToHex(OsslCmac(kAes256, longest)));
  EXPECT_EQ(token_.Send(OperateSecret(0x10, 0xC0, EncodeTlv(0x81, Bytes(64513, 0x61)))).sw, 0x6A80);
}

TEST_F(PivSecretKeyOperate, PinPolicyAlwaysAllowsOneUsePerVerify) {
  const std::string mac = ToHex(OsslHmac("SHA256", kGeneric32, kMessage));
  token_.Run({{"no VERIFY yet", Op(0x20, 0xC4, Message(kMessage)), "", 0x6982}});
  token_.VerifyPin();
  token_.Run({
      {"the use VERIFY granted", Op(0x20, 0xC4, Message(kMessage)), mac},
      {"used up", Op(0x20, 0xC4, Message(kMessage)), "", 0x6982},
      {"a once key still works", Op(0x20, 0xC3, Message(kMessage)), mac},
  });
  token_.VerifyPin();
  token_.Run({
      {"a failed verification uses the grant too", Op(0x21, 0xC4, WithMac(kMessage, Bytes(32, 0))),
       "", 0x6300},
      {"so the next use needs a VERIFY", Op(0x20, 0xC4, Message(kMessage)), "", 0x6982},
  });
}

TEST_F(PivSecretKeyOperate, ListDescribesEveryKeyWithoutThePin) {
  token_.Run({
      {"list with P2 01", "00f50001", "", 0x6A86},
      {"list with data", "00f5000001aa", "", 0x6A80},
  });
  ResponseApdu r = token_.Send("00f50000");
  ASSERT_EQ(r.sw, 0x9000);
  auto entries = ParseTlvs(r.data);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 6u);
  EXPECT_EQ((*entries)[0].tag, 0xA0u);
  EXPECT_EQ(ToHex((*entries)[0].value), "01010c020201010301020a02003f0b000c000d01c00e0120");
  EXPECT_EQ(ToHex((*entries)[5].value), "010120020202010301020a0200000b000c000d01c50e0120");
}

}  // namespace
}  // namespace tessera::sim::pivtest
