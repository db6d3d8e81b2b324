// The worked example of docs/card-manager.md "Test vectors", pinned. The
// values were produced by this code and cross-checked with a separate Python
// implementation (the `cryptography` package's CMAC and AES, hashlib's
// SHA-256); a change here means the wire contract changed.
#include <gtest/gtest.h>

#include "common/scp03/key_set.hpp"
#include "common/scp03/secure_channel.hpp"
#include "common/scp03/session_keys.hpp"
#include "tests/unit/common/scp03/channel_pair.hpp"
#include "tests/unit/common/scp03/oracle.hpp"

namespace tessera::scp03 {
namespace {

constexpr const char* kUid = "303132333435363738393a3b3c3d3e3f";
constexpr const char* kAid = "f054455353455241434d";
constexpr const char* kSequenceCounter = "000001";
constexpr const char* kHostChallenge = "a0a1a2a3a4a5a6a7";
constexpr const char* kCardChallenge = "808cda4d57265bf9";
constexpr const char* kKrk = "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f";

Bytes Factory() {
  auto key = FactoryBaseKey();
  return {key.begin(), key.end()};
}

std::string Hex(const Result<SecureBytes>& r) {
  return r.ok() ? ToHex(r->view()) : r.status().ToString();
}
std::string Hex(const Result<Bytes>& r) { return r.ok() ? ToHex(*r) : r.status().ToString(); }

Bytes Context() { return Concat({HexOrDie(kHostChallenge), HexOrDie(kCardChallenge)}); }

SessionKeys ExampleSessionKeys() {
  auto statics = StaticKeysFromBase(Factory());
  EXPECT_TRUE(statics.ok());
  auto keys = DeriveSessionKeys(*statics, Context());
  EXPECT_TRUE(keys.ok());
  return std::move(keys).value();
}

TEST(WorkedExample, StaticKeysAndCheckValues) {
  Bytes base = Factory();
  auto enc = StaticKeyFromBase(base, KeyRole::kEnc);
  auto mac = StaticKeyFromBase(base, KeyRole::kMac);
  auto dek = StaticKeyFromBase(base, KeyRole::kDek);
  EXPECT_EQ(Hex(enc), "2f73c253409ea2da8c37314c6cf0b0a87b6babc818e8eace1893b18f7683c379");
  EXPECT_EQ(Hex(mac), "8a07b0b255632d29e9b9080e45ba2b847867761b76eb8017e0bc58d2f4039309");
  EXPECT_EQ(Hex(dek), "164f71ec2192210753550216439092dd224eff37901e989f02201095a8dae1ea");
  ASSERT_TRUE(enc.ok() && mac.ok() && dek.ok());
  EXPECT_EQ(Hex(KeyCheckValue(enc->view())), "d5147a");
  EXPECT_EQ(Hex(KeyCheckValue(mac->view())), "ae0f3e");
  EXPECT_EQ(Hex(KeyCheckValue(dek->view())), "1a6441");
}

TEST(WorkedExample, CardChallengeSessionKeysAndCryptograms) {
  auto statics = StaticKeysFromBase(Factory());
  ASSERT_TRUE(statics.ok());
  EXPECT_EQ(Hex(PseudoRandomCardChallenge(statics->enc, HexOrDie(kSequenceCounter), HexOrDie(kAid),
                                          Mode::kS8)),
            kCardChallenge);
  SessionKeys keys = ExampleSessionKeys();
  EXPECT_EQ(ToHex(keys.enc.view()),
            "20a16a8ba4bdd661a464914c4a42fdbe0b72cf57953e82b81337d1cb11e34104");
  EXPECT_EQ(ToHex(keys.mac.view()),
            "737a683252c513b5f8d3b76f63b4e846ca5a2c6d2523569d68239942c8c27feb");
  EXPECT_EQ(ToHex(keys.rmac.view()),
            "0af32b594e03444915dd3a76a9a4acf05ea47159b77813f558d2d33f9e9bc539");
  auto card = Cryptogram(keys.mac.view(), kCardCryptogram, Mode::kS8, Context());
  auto host = Cryptogram(keys.mac.view(), kHostCryptogram, Mode::kS8, Context());
  EXPECT_EQ(Hex(card), "7d70900ee53c9d5b");
  EXPECT_EQ(Hex(host), "e46a38a20fef6123");
  ASSERT_TRUE(card.ok());
  // INITIALIZE UPDATE answer: UID[0..10) || FF 03 70 || card challenge ||
  // card cryptogram || sequence counter.
  Bytes answer = Concat({ByteView(HexOrDie(kUid)).first(10), HexOrDie("ff0370"),
                         HexOrDie(kCardChallenge), *card, HexOrDie(kSequenceCounter)});
  EXPECT_EQ(ToHex(answer), "30313233343536373839ff0370808cda4d57265bf97d70900ee53c9d5b000001");
}

// S-DEK is Tessera's own (docs/card-manager.md "Session keys"); the oracle
// recomputes it from the K-DEK bytes with raw OpenSSL, and the PUT KEY key
// data of the example KRK under it.
TEST(WorkedExample, SessionDekAndPutKeyData) {
  const Bytes k_dek = HexOrDie("164f71ec2192210753550216439092dd224eff37901e989f02201095a8dae1ea");
  const Bytes x = oracle::Sha256(Concat({AsBytes("TESSERA-S-DEK"), Context()}));
  EXPECT_EQ(ToHex(SessionDekDerivationData(Context())), ToHex(x));
  EXPECT_EQ(ToHex(x), "f3aa26006850310ab727e95f818ab1fd73af3736203d6e745204ded05e360dee");

  auto s_dek = SessionDekFromStatic(k_dek, Context());
  EXPECT_EQ(Hex(s_dek), ToHex(oracle::Ecb(k_dek, x)));
  EXPECT_EQ(Hex(s_dek), "d18c259c05acee11017a9550b8ca8abb447ca58e298a0324bf04b78c4cdfa94a");
  ASSERT_TRUE(s_dek.ok());
  EXPECT_EQ(Hex(KeyCheckValue(s_dek->view())), "18e51c");

  const Bytes krk = HexOrDie(kKrk);
  auto key_data = EncryptKeyData(s_dek->view(), krk);
  EXPECT_EQ(Hex(key_data), ToHex(oracle::AesEncrypt(s_dek->view(), Bytes(16, 0x00), krk)));
  EXPECT_EQ(Hex(key_data), "199768fcd905cec63a31e358844af976eb27494d95cf5424ce3fa29936f932f3");
  EXPECT_EQ(Hex(KeyCheckValue(krk)), "acada3");
}

// EXTERNAL AUTHENTICATE at level 33, GET CHALLENGE and UNLOCK, as the host
// sends them and the token answers.
TEST(WorkedExample, ChannelAtLevel33) {
  SessionKeys keys = ExampleSessionKeys();
  auto host_cryptogram = Cryptogram(keys.mac.view(), kHostCryptogram, Mode::kS8, Context());
  ASSERT_TRUE(host_cryptogram.ok());
  SecureChannel host(testing::Clone(keys), Mode::kS8);
  SecureChannel token(std::move(keys), Mode::kS8);

  auto ea = host.WrapCommand(CommandApdu{0x80, 0x82, 0x33, 0x00, *host_cryptogram, {}, false});
  ASSERT_TRUE(ea.ok());
  EXPECT_EQ(ToHex(ea->Serialize()), "8482330010e46a38a20fef61236c5411879e812c1a");
  ASSERT_TRUE(token.UnwrapCommand(*ea).ok());
  host.Activate(0x33);
  token.Activate(0x33);

  auto get_challenge = host.WrapCommand(CommandApdu{0x80, 0x84, 0x00, 0x00, {}, 16, false});
  ASSERT_TRUE(get_challenge.ok());
  EXPECT_EQ(ToHex(get_challenge->Serialize()), "84840000086b7d7b1436d6c7f500");
  ASSERT_TRUE(token.UnwrapCommand(*get_challenge).ok());
  Bytes challenge = HexOrDie("101112131415161718191a1b1c1d1e1f");
  auto challenge_answer = token.WrapResponse(ResponseApdu{challenge, 0x9000});
  ASSERT_TRUE(challenge_answer.ok());
  EXPECT_EQ(ToHex(challenge_answer->Serialize()),
            "db0747f27337ed001d9e9f8c6864c8cff8800848cf9f46ffee62804a7105cff50f66c934068c723f9000");
  auto got = host.UnwrapResponse(*challenge_answer);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(ToHex(got->data), ToHex(challenge));

  auto response = AesCmac(HexOrDie(kKrk), UnlockMessage(challenge, HexOrDie(kUid)));
  EXPECT_EQ(Hex(response), "2b00d276be7214989e0ae94e07944af7");
  ASSERT_TRUE(response.ok());
  Bytes response_bytes(response->view().begin(), response->view().end());
  auto unlock = host.WrapCommand(CommandApdu{0x80, 0x5A, 0x01, 0x00, response_bytes, {}, false});
  ASSERT_TRUE(unlock.ok());
  EXPECT_EQ(ToHex(unlock->Serialize()),
            "845a010028389236c0edac909ac406d94510466ccea9326a90694ea333524477267523"
            "38fef6ea8747f225594a");
  auto seen = token.UnwrapCommand(*unlock);
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(ToHex(seen->data), ToHex(response_bytes));
  auto unlock_answer = token.WrapResponse(ResponseApdu{{}, 0x9000});
  ASSERT_TRUE(unlock_answer.ok());
  EXPECT_EQ(ToHex(unlock_answer->Serialize()), "bf001584dbe54a1f9000");
  EXPECT_TRUE(host.UnwrapResponse(*unlock_answer).ok());
}

}  // namespace
}  // namespace tessera::scp03
