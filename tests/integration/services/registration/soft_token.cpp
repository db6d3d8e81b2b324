#include "tests/integration/services/registration/soft_token.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "common/crypto/private_ops.hpp"
#include "common/piv/key_material.hpp"
#include "common/registration/key_schedule.hpp"
#include "common/registration/messages.hpp"
#include "common/registration/server_certificate.hpp"
#include "common/tlv.hpp"

namespace tessera::registration::testing {
namespace {

Bytes Random(std::size_t n) {
  Bytes out(n);
  RAND_bytes(out.data(), static_cast<int>(n));
  return out;
}

Bytes Copy(const SecureBytes& s) { return {s.view().begin(), s.view().end()}; }

Result<ossl::PkeyPtr> NewKey(Bytes* point) {
  ossl::PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return ossl::Error("EVP_EC_gen");
  TESSERA_ASSIGN_OR_RETURN(*point,
                           piv::EcPublicPoint(key.get(), *piv::CurveOf(piv::Algorithm::kEccP256)));
  return key;
}

}  // namespace

Result<Bytes> SoftToken::Begin(ByteView r0, std::uint64_t host_time, ByteView user_info) {
  TESSERA_ASSIGN_OR_RETURN(RegHello hello, DecodeRegHello(r0));
  TESSERA_ASSIGN_OR_RETURN(ServerKey server,
                           CheckServerCertificate(hello.certificate, issuer_point_, host_time, 0));
  ssk1_ = Random(32);
  Bytes ec_point;
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr ec, NewKey(&ec_point));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes z1, crypto::DeriveShared(ec.get(), server.point));
  r0_.assign(r0.begin(), r0.end());
  TESSERA_ASSIGN_OR_RETURN(
      Bytes th1, TranscriptHash(kRegisterContext, {r0_, EncodeTlv(tag::kEphemeralKey, ec_point)}));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes k1, RequestKey(th1, z1.view()));
  const SecureBytes pt1 =
      Encode(RequestSecrets{SecureBytes(ssk1_), Bytes(user_info.begin(), user_info.end())});
  TESSERA_ASSIGN_OR_RETURN(Bytes c1, SealOnce(k1.view(), th1, pt1.view()));
  r1_ = Encode(RegRequest{ec_point, c1});
  pending_spki_sha256_ = server.spki_sha256;
  return r1_;
}

Result<Bytes> SoftToken::Finish(ByteView r2) {
  TESSERA_ASSIGN_OR_RETURN(RegAnswer answer, DecodeRegAnswer(r2));
  TESSERA_ASSIGN_OR_RETURN(Bytes th2, TranscriptHash(kRegisterContext, {r0_, r1_}));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes k2, AnswerKey(th2, ssk1_));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes pt2, OpenOnce(k2.view(), th2, answer.sealed));
  TESSERA_ASSIGN_OR_RETURN(AnswerSecrets secrets, DecodeAnswerSecrets(pt2.view()));
  TESSERA_ASSIGN_OR_RETURN(Bytes th3, TranscriptHash(kRegisterContext, {r0_, r1_, r2}));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes k, SharedSecret(th3, ssk1_, secrets.ssk2.view()));
  k_ = Copy(k);
  uidc_ = secrets.uidc;
  spki_sha256_ = pending_spki_sha256_;
  TESSERA_ASSIGN_OR_RETURN(Bytes mconf, ProofMac(k_, Role::kClient, Phase::kRegister, th3));
  return Encode(RegConfirm{mconf});
}

Result<Bytes> SoftToken::AuthBegin() {
  Bytes ec_point;
  TESSERA_ASSIGN_OR_RETURN(ec_, NewKey(&ec_point));
  a1_ = Encode(AuthHello{uidc_, Random(32), ec_point});
  return a1_;
}

Result<Bytes> SoftToken::AuthFinish(ByteView a2) {
  TESSERA_ASSIGN_OR_RETURN(AuthChallenge challenge, DecodeAuthChallenge(a2));
  TESSERA_ASSIGN_OR_RETURN(Bytes th_s,
                           TranscriptHash(kLoginContext, {a1_, EncodeChallengeBody(challenge)}));
  TESSERA_RETURN_IF_ERROR(CheckProofMac(k_, Role::kServer, Phase::kLogin, th_s, challenge.mac));
  TESSERA_ASSIGN_OR_RETURN(Bytes th_c, TranscriptHash(kLoginContext, {a1_, a2}));
  TESSERA_ASSIGN_OR_RETURN(Bytes mc, ProofMac(k_, Role::kClient, Phase::kLogin, th_c));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes z, crypto::DeriveShared(ec_.get(), challenge.ephemeral_key));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes ses, SessionKey(k_, th_c, z.view()));
  ses_ = Copy(ses);
  return Encode(::tessera::registration::AuthFinish{mc});
}

}  // namespace tessera::registration::testing
