// F3 03 AUTH BEGIN and F3 04 AUTH FINISH (docs/piv-extensions.md "F3";
// docs/registration-protocol.md A1 -> A3; seed 001 claims 3, 4, 9, 10): a
// login with the registration key K of one slot. BEGIN answers A1 with a
// fresh nonce and ephemeral key; FINISH checks the gateway's proof of K
// over the whole transcript before it releases anything, then answers its
// own proof (A3) and the session key SES, which needs the ephemeral ECDH
// secret Z besides K. K itself never leaves the token.
#include <string>
#include <utility>

#include "common/crypto/private_ops.hpp"
#include "common/piv/key_material.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/registration/key_schedule.hpp"
#include "common/registration/messages.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/applets/piv/registration_steps.hpp"
#include "firmware-sim/applets/piv/secret_key_store.hpp"
#include "firmware-sim/crypto/keys.hpp"

namespace tessera::sim::piv_applet {
namespace {

namespace reg = piv::registration;
namespace secret = piv::secret;
namespace msg = tessera::registration;

const piv::Curve& P256() { return *piv::CurveOf(piv::Algorithm::kEccP256); }

Status RequireRegistrationKey(const SecretKeyRecord& key) {
  if (!key.Allows(secret::usage::kRegistration)) {
    return Status::ConditionsNotSatisfied("the key is not a registration key");
  }
  return Status::Ok();
}

// The UIDC in K's label "reg <UIDC>", which only REG FINISH writes.
Result<std::string> UidcOf(const SecretKeyRecord& key) {
  const std::string label(key.label.begin(), key.label.end());
  if (label.rfind(reg::kLabelPrefix, 0) != 0 ||
      !msg::IsValidUidc(std::string_view(label).substr(reg::kLabelPrefix.size()))) {
    return Status::Corrupt("piv: a registration key without a user ID code in its label");
  }
  return label.substr(reg::kLabelPrefix.size());
}

}  // namespace

// P2 K's slot, no data: A1 = E5 { 8A UIDC, 8E Nc, 86 Ec }.
Result<Bytes> AuthBegin(PivContext& c, const CommandApdu& apdu) {
  c.session().login.reset();  // a new BEGIN drops the one before
  if (!secret::IsSlot(apdu.p2)) return Status::IncorrectP1P2("AUTH BEGIN needs K's slot in P2");
  TESSERA_ASSIGN_OR_RETURN(SecretKeyRecord key, RequireSecretKey(c.storage(), apdu.p2));
  TESSERA_RETURN_IF_ERROR(CheckPinPolicy(c, key.pin_policy));
  TESSERA_RETURN_IF_ERROR(RequireRegistrationKey(key));
  if (!apdu.data.empty()) return Status::InvalidArgument("AUTH BEGIN takes no data");
  TESSERA_ASSIGN_OR_RETURN(std::string uidc, UidcOf(key));
  c.Charge(Cost::kEcGenerate, 256);
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr ec, GenerateKey(piv::Algorithm::kEccP256, c.rng()));
  TESSERA_ASSIGN_OR_RETURN(Bytes ec_point, piv::EcPublicPoint(ec.get(), P256()));
  Bytes a1 =
      msg::Encode(msg::AuthHello{std::move(uidc), c.rng().Generate(msg::kNonceSize), ec_point});
  // The login is the use of K the PIN policy speaks of; FINISH needs this
  // BEGIN, so "always" is spent here, once per login.
  ConsumePinPolicy(c, key.pin_policy);
  c.session().login = AuthPending{apdu.p2, std::move(ec), a1};
  return a1;
}

// P2 K's slot, data A2 = E6 { 90 sid, 80 Ns, 86 Es } 91 Ms:
// A3 = E7 { 92 Mc } || 93 20 SES.
Result<Bytes> AuthFinish(PivContext& c, const CommandApdu& apdu) {
  // One attempt: whatever happens now, AUTH BEGIN's state is used up.
  std::optional<AuthPending> pending = std::exchange(c.session().login, std::nullopt);
  if (!secret::IsSlot(apdu.p2)) return Status::IncorrectP1P2("AUTH FINISH needs K's slot in P2");
  if (!pending || pending->slot != apdu.p2) {
    return Status::ConditionsNotSatisfied("AUTH FINISH without AUTH BEGIN on this slot");
  }
  Result<msg::AuthChallenge> challenge = msg::DecodeAuthChallenge(apdu.data);
  if (!challenge.ok())
    return Status::InvalidArgument("AUTH FINISH: " + challenge.status().message());
  if (!piv::EcPublicKeyFromPoint(P256(), challenge->ephemeral_key).ok()) {
    return Status::InvalidArgument("AUTH FINISH: the server's ephemeral key is not on P-256");
  }
  TESSERA_ASSIGN_OR_RETURN(SecretKeyRecord key, RequireSecretKey(c.storage(), apdu.p2));
  TESSERA_RETURN_IF_ERROR(RequireRegistrationKey(key));

  // Ms first: a wrong K, a replayed A2 or a changed byte releases nothing.
  c.Charge(Cost::kSymmetric);
  TESSERA_ASSIGN_OR_RETURN(
      Bytes th_s,
      msg::TranscriptHash(msg::kLoginContext, {pending->a1, msg::EncodeChallengeBody(*challenge)}));
  TESSERA_RETURN_IF_ERROR(msg::CheckProofMac(key.value.view(), msg::Role::kServer,
                                             msg::Phase::kLogin, th_s, challenge->mac));
  TESSERA_ASSIGN_OR_RETURN(Bytes th_c,
                           msg::TranscriptHash(msg::kLoginContext, {pending->a1, apdu.data}));
  TESSERA_ASSIGN_OR_RETURN(
      Bytes mc, msg::ProofMac(key.value.view(), msg::Role::kClient, msg::Phase::kLogin, th_c));
  c.Charge(Cost::kEcPrivate, 256);
  TESSERA_ASSIGN_OR_RETURN(SecureBytes z,
                           crypto::DeriveShared(pending->ec.get(), challenge->ephemeral_key));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes ses, msg::SessionKey(key.value.view(), th_c, z.view()));

  Bytes out = msg::Encode(msg::AuthFinish{std::move(mc)});
  AppendTlv(out, reg::tag::kSessionKey, ses.view());
  return out;
}

}  // namespace tessera::sim::piv_applet
