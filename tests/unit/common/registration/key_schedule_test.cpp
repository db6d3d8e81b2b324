// The registration key schedule (common/registration/key_schedule.hpp)
// against OpenSSL's own SHA-256, HKDF and HMAC as the oracle, and the
// properties the protocol leans on: a MAC for one role or phase never
// verifies as another, every input byte counts, and sizes are checked.
#include "common/registration/key_schedule.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

#include <string>
#include <vector>

#include "common/bytes.hpp"

namespace tessera::registration {
namespace {

Bytes Filled(std::uint8_t value, std::size_t size = kSecretSize) {
  Bytes filled(size, value);
  return filled;
}

Bytes Concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) Append(out, p);
  return out;
}

Bytes Sha256(ByteView data) {
  Bytes out(32);
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr), 1);
  return out;
}

// OpenSSL's HKDF, in extract-and-expand or expand-only mode (no salt then).
Bytes OpenSslHkdf(ByteView salt, ByteView key, ByteView info, bool expand_only) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  int mode = expand_only ? EVP_KDF_HKDF_MODE_EXPAND_ONLY : EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND;
  char digest[] = "SHA256";
  std::vector<OSSL_PARAM> params = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(key.data()),
                                        key.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<std::uint8_t*>(info.data()),
                                        info.size())};
  if (!expand_only) {
    params.push_back(OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_SALT, const_cast<std::uint8_t*>(salt.data()), salt.size()));
  }
  params.push_back(OSSL_PARAM_construct_end());
  Bytes out(32);
  EXPECT_EQ(EVP_KDF_derive(ctx, out.data(), out.size(), params.data()), 1);
  EVP_KDF_CTX_free(ctx);
  EVP_KDF_free(kdf);
  return out;
}

Bytes OpenSslHmac(ByteView key, ByteView data) {
  Bytes out(32);
  unsigned int len = 0;
  EXPECT_NE(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(),
                 out.data(), &len),
            nullptr);
  return out;
}

Bytes ToBytes(const SecureBytes& s) { return {s.view().begin(), s.view().end()}; }

TEST(RegistrationKeySchedule, TranscriptHashIsSha256OfTheContextAndTheMessages) {
  const Bytes r0 = {0xE1, 0x02, 0x80, 0x00};
  const Bytes r1 = {0xE2, 0x00};
  auto th = TranscriptHash(kRegisterContext, {r0, r1});
  ASSERT_TRUE(th.ok()) << th.status().ToString();
  EXPECT_EQ(*th, Sha256(Concat({AsBytes("TSR1"), r0, r1})));
  // The login context and a changed byte give other hashes.
  EXPECT_NE(*TranscriptHash(kLoginContext, {r0, r1}), *th);
  Bytes changed = r1;
  changed[1] ^= 0x01;
  EXPECT_NE(*TranscriptHash(kRegisterContext, {r0, changed}), *th);
}

TEST(RegistrationKeySchedule, RegistrationKeysAreHkdfWithTheirLabels) {
  const Bytes th = Filled(0x11), z1 = Filled(0x22), ssk1 = Filled(0x33), ssk2 = Filled(0x44);
  auto k1 = RequestKey(th, z1);
  ASSERT_TRUE(k1.ok()) << k1.status().ToString();
  EXPECT_EQ(ToBytes(*k1), OpenSslHkdf(th, z1, AsBytes("tessera reg v1 c2s"), false));
  auto k2 = AnswerKey(th, ssk1);
  ASSERT_TRUE(k2.ok());
  EXPECT_EQ(ToBytes(*k2), OpenSslHkdf(th, ssk1, AsBytes("tessera reg v1 s2c"), false));
  auto k = SharedSecret(th, ssk1, ssk2);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(ToBytes(*k), OpenSslHkdf(th, Concat({ssk1, ssk2}), AsBytes("tessera reg v1 K"), false));
  // Both halves count, in their order.
  EXPECT_NE(ToBytes(*SharedSecret(th, ssk2, ssk1)), ToBytes(*k));
  EXPECT_NE(ToBytes(*SharedSecret(th, ssk1, Filled(0x45))), ToBytes(*k));
}

TEST(RegistrationKeySchedule, AProofVerifiesOnlyForItsRolePhaseKeyAndTranscript) {
  const Bytes k = Filled(0x5A), th = Filled(0x7E);
  auto server = ProofMac(k, Role::kServer, Phase::kLogin, th);
  ASSERT_TRUE(server.ok());
  EXPECT_EQ(
      *server,
      OpenSslHmac(k, Concat({AsBytes("server"), Bytes{0x00}, AsBytes("login"), Bytes{0x00}, th})));
  EXPECT_TRUE(CheckProofMac(k, Role::kServer, Phase::kLogin, th, *server).ok());
  // Reflection: the server's MAC sent back as the client's.
  EXPECT_EQ(CheckProofMac(k, Role::kClient, Phase::kLogin, th, *server).code(),
            Code::kSignatureInvalid);
  // A login proof is not a registration confirmation.
  EXPECT_EQ(CheckProofMac(k, Role::kServer, Phase::kRegister, th, *server).code(),
            Code::kSignatureInvalid);
  // A wrong K, a changed transcript byte, a truncated MAC.
  EXPECT_EQ(CheckProofMac(Filled(0x5B), Role::kServer, Phase::kLogin, th, *server).code(),
            Code::kSignatureInvalid);
  Bytes changed = th;
  changed[31] ^= 0x80;
  EXPECT_EQ(CheckProofMac(k, Role::kServer, Phase::kLogin, changed, *server).code(),
            Code::kSignatureInvalid);
  const Bytes short_mac(server->begin(), server->end() - 1);
  EXPECT_EQ(CheckProofMac(k, Role::kServer, Phase::kLogin, th, short_mac).code(),
            Code::kSignatureInvalid);
}

TEST(RegistrationKeySchedule, TheSessionKeyNeedsKTheTranscriptAndTheEcdhSecret) {
  const Bytes k = Filled(0x01), th_c = Filled(0x02), z = Filled(0x03);
  auto ses = SessionKey(k, th_c, z);
  ASSERT_TRUE(ses.ok()) << ses.status().ToString();
  const Bytes ks = OpenSslHkdf({}, k, Concat({AsBytes("tessera reg v1 ses"), th_c}), true);
  EXPECT_EQ(ToBytes(*ses), OpenSslHkdf(ks, z, AsBytes("tessera reg v1 ses"), false));
  // Each input counts: someone with K but not Z (a recorded login) gets
  // another key, and so does a changed transcript.
  EXPECT_NE(ToBytes(*SessionKey(k, th_c, Filled(0x04))), ToBytes(*ses));
  EXPECT_NE(ToBytes(*SessionKey(k, Filled(0x12), z)), ToBytes(*ses));
  EXPECT_NE(ToBytes(*SessionKey(Filled(0x09), th_c, z)), ToBytes(*ses));
}

// The gateway holds K as an HSM object that only HMACs: its route to the
// proofs and to SES must give the same bytes as the token's.
TEST(RegistrationKeySchedule, TheHmacOnlyRouteGivesTheSameProofsAndSessionKey) {
  const Bytes k = Filled(0x21), th = Filled(0x22), z = Filled(0x23);
  EXPECT_EQ(OpenSslHmac(k, ProofInput(Role::kServer, Phase::kLogin, th)),
            *ProofMac(k, Role::kServer, Phase::kLogin, th));
  EXPECT_EQ(OpenSslHmac(k, ProofInput(Role::kClient, Phase::kRegister, th)),
            *ProofMac(k, Role::kClient, Phase::kRegister, th));
  const Bytes ks = OpenSslHmac(k, SessionSaltInput(th));
  auto via_salt = SessionKeyFromSalt(ks, z);
  ASSERT_TRUE(via_salt.ok()) << via_salt.status().ToString();
  EXPECT_EQ(ToBytes(*via_salt), ToBytes(*SessionKey(k, th, z)));
  EXPECT_EQ(SessionKeyFromSalt(Bytes(31, 0), z).status().code(), Code::kInvalidArgument);
}

TEST(RegistrationKeySchedule, RecordKeysDifferByDirectionAndNoncesAreDirectionThenSequence) {
  const Bytes ses = Filled(0xC3);
  auto c2s = RecordKey(ses, Direction::kClientToServer);
  auto s2c = RecordKey(ses, Direction::kServerToClient);
  ASSERT_TRUE(c2s.ok() && s2c.ok());
  EXPECT_EQ(ToBytes(*c2s), OpenSslHkdf({}, ses, AsBytes("tessera reg v1 rec c2s"), true));
  EXPECT_NE(ToBytes(*c2s), ToBytes(*s2c));
  EXPECT_EQ(RecordNonce(Direction::kClientToServer, 0x0102030405060708ULL),
            (Bytes{0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(RecordNonce(Direction::kServerToClient, 1),
            (Bytes{0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1}));
}

TEST(RegistrationKeySchedule, AOneMessageSealOpensOnlyWithItsKeyAndAad) {
  const Bytes key = Filled(0x6B), aad = Filled(0x0A, 32);
  const Bytes plaintext = {0x89, 0x20, 1, 2, 3};
  auto sealed = SealOnce(key, aad, plaintext);
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  EXPECT_EQ(sealed->size(), plaintext.size() + kGcmTagSize);
  auto opened = OpenOnce(key, aad, *sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(ToBytes(*opened), plaintext);
  Bytes other_aad = aad;
  other_aad[0] ^= 1;
  EXPECT_EQ(OpenOnce(key, other_aad, *sealed).status().code(), Code::kSignatureInvalid);
  Bytes tampered = *sealed;
  tampered[2] ^= 1;
  EXPECT_EQ(OpenOnce(key, aad, tampered).status().code(), Code::kSignatureInvalid);
  EXPECT_EQ(OpenOnce(Filled(0x6C), aad, *sealed).status().code(), Code::kSignatureInvalid);
}

TEST(RegistrationKeySchedule, InputsOfTheWrongSizeAreNamed) {
  const Bytes good = Filled(0x01), short_value = Filled(0x01, 31);
  auto k1 = RequestKey(good, short_value);
  ASSERT_FALSE(k1.ok());
  EXPECT_EQ(k1.status().code(), Code::kInvalidArgument);
  EXPECT_NE(k1.status().message().find("Z1"), std::string::npos) << k1.status().ToString();
  EXPECT_EQ(SharedSecret(good, good, short_value).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ProofMac(short_value, Role::kClient, Phase::kLogin, good).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(SessionKey(good, good, Bytes{}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(SealOnce(Filled(0x01, 16), good, good).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::registration
