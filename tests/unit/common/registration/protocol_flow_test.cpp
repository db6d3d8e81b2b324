// The registration protocol end to end at the library level: a token side
// and a gateway side, each with only what it would hold, run registration
// (R0-R3) and a login (A1-A3) with fixed keys and random values, through
// the message codec and the key schedule (docs/registration-protocol.md).
// Both must reach the same K and SES; the attacks of the document fail
// where it says they do. The K of the fixed run is pinned.
#include <gtest/gtest.h>

#include <string>

#include "common/crypto/private_ops.hpp"
#include "common/piv/key_material.hpp"
#include "common/registration/key_schedule.hpp"
#include "common/registration/messages.hpp"
#include "common/tlv.hpp"

namespace tessera::registration {
namespace {

const piv::Curve& P256() { return *piv::CurveOf(piv::Algorithm::kEccP256); }

Bytes Filled(std::uint8_t value, std::size_t size = 32) {
  Bytes filled(size, value);
  return filled;
}

// A P-256 key with scalar `fill` repeated (a fixed test key).
ossl::PkeyPtr FixedKey(std::uint8_t fill) {
  ossl::BnPtr d = ossl::BnFromBytes(Filled(fill));
  return piv::EcKeyFromScalar(P256(), d.get()).value();
}
Bytes PointOf(EVP_PKEY* key) { return piv::EcPublicPoint(key, P256()).value(); }
Bytes Ecdh(EVP_PKEY* mine, ByteView theirs) {
  SecureBytes z = crypto::DeriveShared(mine, theirs).value();
  return {z.view().begin(), z.view().end()};
}
Bytes Copy(const SecureBytes& s) { return {s.view().begin(), s.view().end()}; }

struct Registered {
  Bytes token_k, gateway_k;
  Bytes mconf;
  Bytes th3;
};

// One registration with fixed values: the token's ephemeral key `ec` and
// SSK1, the gateway's key and SSK2.
Registered Register(EVP_PKEY* server, EVP_PKEY* ec, const Bytes& ssk1, const Bytes& ssk2) {
  const RegHello hello{Filled(0x30, 100), Filled(0x01), Filled(0x02), 1'800'000'000,
                       Filled(0x03, 16)};
  const Bytes r0 = Encode(hello);
  // Token.
  const Bytes ec_point = PointOf(ec);
  const Bytes th1 =
      TranscriptHash(kRegisterContext, {r0, EncodeTlv(tag::kEphemeralKey, ec_point)}).value();
  const Bytes z1 = Ecdh(ec, PointOf(server));
  SecureBytes k1 = RequestKey(th1, z1).value();
  const RequestSecrets secrets{SecureBytes(ssk1), Bytes{0xC0, 0x05, 'a', 'l', 'i', 'c', 'e'}};
  const Bytes r1 =
      Encode(RegRequest{ec_point, SealOnce(k1.view(), th1, Encode(secrets).view()).value()});
  // Gateway.
  const RegRequest request = DecodeRegRequest(r1).value();
  const Bytes th1_g =
      TranscriptHash(kRegisterContext, {r0, EncodeTlv(tag::kEphemeralKey, request.ephemeral_key)})
          .value();
  SecureBytes k1_g = RequestKey(th1_g, Ecdh(server, request.ephemeral_key)).value();
  const RequestSecrets opened =
      DecodeRequestSecrets(OpenOnce(k1_g.view(), th1_g, request.sealed).value().view()).value();
  EXPECT_EQ(opened.user_info, secrets.user_info);
  const Bytes th2 = TranscriptHash(kRegisterContext, {r0, r1}).value();
  SecureBytes k2 = AnswerKey(th2, opened.ssk1.view()).value();
  const AnswerSecrets answer{SecureBytes(ssk2), "UABCDEFGH234", "/app/echo"};
  const Bytes r2 = Encode(RegAnswer{SealOnce(k2.view(), th2, Encode(answer).view()).value()});
  const Bytes th3 = TranscriptHash(kRegisterContext, {r0, r1, r2}).value();
  Registered out;
  out.gateway_k = Copy(SharedSecret(th3, opened.ssk1.view(), ssk2).value());
  // Token.
  SecureBytes k2_t = AnswerKey(TranscriptHash(kRegisterContext, {r0, r1}).value(), ssk1).value();
  const AnswerSecrets got =
      DecodeAnswerSecrets(
          OpenOnce(k2_t.view(), th2, DecodeRegAnswer(r2).value().sealed).value().view())
          .value();
  EXPECT_EQ(got.uidc, "UABCDEFGH234");
  out.token_k = Copy(SharedSecret(th3, ssk1, got.ssk2.view()).value());
  out.mconf = ProofMac(out.token_k, Role::kClient, Phase::kRegister, th3).value();
  out.th3 = th3;
  return out;
}

TEST(RegistrationProtocol, BothSidesReachTheSameKAndTheConfirmationVerifies) {
  ossl::PkeyPtr server = FixedKey(0x5E);
  ossl::PkeyPtr ec = FixedKey(0xEC);
  const Registered r = Register(server.get(), ec.get(), Filled(0x51), Filled(0x52));
  EXPECT_EQ(r.token_k, r.gateway_k);
  const RegConfirm confirm = DecodeRegConfirm(Encode(RegConfirm{r.mconf})).value();
  EXPECT_TRUE(CheckProofMac(r.gateway_k, Role::kClient, Phase::kRegister, r.th3, confirm.mac).ok());
  // The fixed run's K, pinned: a change in any label, tag or order shows here.
  EXPECT_EQ(ToHex(r.token_k), "4a5964b51b85d50b7530eebebfebc66d0d91a319ab9e3246a6aa3f020e04fc58");
  EXPECT_NE(r.token_k, Register(server.get(), ec.get(), Filled(0x51), Filled(0x53)).token_k);
}

TEST(RegistrationProtocol, ALoginProvesKBothWaysAndGivesBothTheSameSessionKey) {
  const Bytes k = Filled(0x4B);
  ossl::PkeyPtr ec = FixedKey(0x0C);
  ossl::PkeyPtr es = FixedKey(0x0E);
  const Bytes a1 = Encode(AuthHello{"UABCDEFGH234", Filled(0x6E), PointOf(ec.get())});
  // Gateway: the challenge and Ms.
  AuthChallenge challenge{Filled(0x51, 16), Filled(0x6F), PointOf(es.get()), {}};
  const Bytes th_s = TranscriptHash(kLoginContext, {a1, EncodeChallengeBody(challenge)}).value();
  challenge.mac = ProofMac(k, Role::kServer, Phase::kLogin, th_s).value();
  const Bytes a2 = Encode(challenge);
  // Token: check Ms, then Mc and SES.
  const AuthChallenge got = DecodeAuthChallenge(a2).value();
  const Bytes th_s_t = TranscriptHash(kLoginContext, {a1, EncodeChallengeBody(got)}).value();
  ASSERT_TRUE(CheckProofMac(k, Role::kServer, Phase::kLogin, th_s_t, got.mac).ok());
  const Bytes th_c = TranscriptHash(kLoginContext, {a1, a2}).value();
  const Bytes mc = ProofMac(k, Role::kClient, Phase::kLogin, th_c).value();
  const Bytes ses_token = Copy(SessionKey(k, th_c, Ecdh(ec.get(), got.ephemeral_key)).value());
  // Gateway: check Mc, SES.
  const AuthFinish finish = DecodeAuthFinish(Encode(AuthFinish{mc})).value();
  EXPECT_TRUE(CheckProofMac(k, Role::kClient, Phase::kLogin, th_c, finish.mac).ok());
  const Bytes ses_gateway =
      Copy(SessionKey(k, th_c, Ecdh(es.get(), DecodeAuthHello(a1).value().ephemeral_key)).value());
  EXPECT_EQ(ses_token, ses_gateway);

  // Reflection: the gateway's own Ms sent back as Mc.
  EXPECT_FALSE(CheckProofMac(k, Role::kClient, Phase::kLogin, th_c, challenge.mac).ok());
  // A wrong K on the token: Ms does not verify, nothing is released.
  EXPECT_FALSE(CheckProofMac(Filled(0x4C), Role::kServer, Phase::kLogin, th_s_t, got.mac).ok());
  // An A2 replayed into a new login (new Nc and Ec): TH_s differs.
  ossl::PkeyPtr ec2 = FixedKey(0x0D);
  const Bytes a1_new = Encode(AuthHello{"UABCDEFGH234", Filled(0x70), PointOf(ec2.get())});
  const Bytes th_s_new = TranscriptHash(kLoginContext, {a1_new, EncodeChallengeBody(got)}).value();
  EXPECT_FALSE(CheckProofMac(k, Role::kServer, Phase::kLogin, th_s_new, got.mac).ok());
  // One changed byte of A2 (the session ID): the transcript and so Mc differ.
  Bytes changed = a2;
  changed[4] ^= 0x01;
  const Bytes th_c_changed = TranscriptHash(kLoginContext, {a1, changed}).value();
  EXPECT_FALSE(CheckProofMac(k, Role::kClient, Phase::kLogin, th_c_changed, mc).ok());
  // Someone who recorded the login and knows K but not Z gets another SES.
  EXPECT_NE(Copy(SessionKey(k, th_c, Filled(0x00)).value()), ses_token);
}

TEST(RegistrationProtocol, ATamperedAnswerDoesNotOpenOnTheToken) {
  const Bytes th2 = Filled(0x22), ssk1 = Filled(0x51);
  SecureBytes k2 = AnswerKey(th2, ssk1).value();
  const AnswerSecrets answer{SecureBytes(Filled(0x52)), "UABCDEFGH234", ""};
  Bytes c2 = SealOnce(k2.view(), th2, Encode(answer).view()).value();
  c2[5] ^= 0x01;
  EXPECT_EQ(OpenOnce(k2.view(), th2, c2).status().code(), Code::kSignatureInvalid);
  // Under another SSK1 (someone else's request), the genuine C2 fails too.
  c2[5] ^= 0x01;
  SecureBytes other = AnswerKey(th2, Filled(0x50)).value();
  EXPECT_EQ(OpenOnce(other.view(), th2, c2).status().code(), Code::kSignatureInvalid);
}

}  // namespace
}  // namespace tessera::registration
