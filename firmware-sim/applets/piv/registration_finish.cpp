// F3 02 REG FINISH (docs/piv-extensions.md "F3"; docs/registration-protocol.md
// R2 -> R3; seed 001 claims 2, 8i, 8j): the token opens the gateway's answer
// with the key only SSK1 gives, derives K from SSK1 and SSK2 over the whole
// transcript, and stores K in a secret-key slot together with the raised
// time floor, in one storage transaction (a power cut leaves no K or all of
// it). The answer is R3, K's confirmation, and K's metadata; never K.
//
// Data: R2 (E3 {...}) [|| 02 01 PIN policy of K: 00 default (once), 02 once,
// 03 always; never is refused, so a login always needs the PIN].
#include <algorithm>
#include <string>
#include <utility>

#include "common/piv/piv_constants.hpp"
#include "common/registration/key_schedule.hpp"
#include "common/registration/messages.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/applets/piv/registration_steps.hpp"
#include "firmware-sim/applets/piv/secret_key_store.hpp"

namespace tessera::sim::piv_applet {
namespace {

namespace reg = piv::registration;
namespace secret = piv::secret;
namespace msg = tessera::registration;

struct FinishRequest {
  Bytes r2;
  msg::RegAnswer answer;
  piv::PinPolicy pin_policy = piv::PinPolicy::kOnce;
};

Status Malformed(const std::string& why) { return Status::InvalidArgument("REG FINISH: " + why); }

Result<FinishRequest> ParseFinish(ByteView data) {
  TlvReader reader(data);
  Result<Tlv> first = reader.Next();
  if (!first.ok()) return Malformed(first.status().message());
  FinishRequest r;
  const ByteView r2 = data.first(data.size() - reader.rest().size());
  r.r2.assign(r2.begin(), r2.end());
  Result<msg::RegAnswer> answer = msg::DecodeRegAnswer(r.r2);
  if (!answer.ok()) return Malformed(answer.status().message());
  r.answer = std::move(answer).value();
  if (reader.empty()) return r;
  Result<Tlv> policy = reader.Next();
  if (!policy.ok() || policy->tag != reg::tag::kPinPolicy || policy->value.size() != 1 ||
      !reader.empty()) {
    return Malformed("only 02 (PIN policy, 1 byte) may follow R2");
  }
  switch (static_cast<piv::PinPolicy>(policy->value[0])) {
    case piv::PinPolicy::kDefault:
    case piv::PinPolicy::kOnce: r.pin_policy = piv::PinPolicy::kOnce; break;
    case piv::PinPolicy::kAlways: r.pin_policy = piv::PinPolicy::kAlways; break;
    default: return Malformed("K's PIN policy must be once or always");
  }
  return r;
}

// P2 itself when empty or when it holds this same server's registration key
// (a re-run after R3 was lost replaces it); FF for the lowest free slot.
Result<std::uint8_t> TargetSlot(const Storage& s, std::uint8_t p2, ByteView server_id) {
  if (p2 == secret::kAnyFreeSlot) return ClaimSecretSlot(s, p2);
  TESSERA_ASSIGN_OR_RETURN(std::optional<SecretKeyRecord> held, LoadSecretKey(s, p2));
  if (held && !(held->usage == secret::usage::kRegistration &&
                held->id.size() == server_id.size() && ConstantTimeEqual(held->id, server_id))) {
    return Status::ConditionsNotSatisfied(
        "REG FINISH: the slot holds a key other than this server's registration key");
  }
  return p2;
}

Bytes Label(const std::string& uidc) {
  Bytes label(reg::kLabelPrefix.begin(), reg::kLabelPrefix.end());
  label.insert(label.end(), uidc.begin(), uidc.end());
  return label;
}

}  // namespace

Result<Bytes> RegisterFinish(PivContext& c, const CommandApdu& apdu) {
  // One attempt: whatever happens now, REG BEGIN's state is used up.
  std::optional<RegPending> pending = std::exchange(c.session().registration, std::nullopt);
  if (!secret::IsSlot(apdu.p2) && apdu.p2 != secret::kAnyFreeSlot) {
    return Status::IncorrectP1P2("REG FINISH needs a secret-key slot or FF in P2");
  }
  if (!pending) return Status::ConditionsNotSatisfied("REG FINISH without REG BEGIN");
  if (!c.session().pin_verified) return Status::SecurityStatus("REG FINISH needs the PIN");
  TESSERA_ASSIGN_OR_RETURN(FinishRequest request, ParseFinish(apdu.data));

  // C2 opens only under k2 from SSK1 and TH2 (a tampered answer is 6300).
  c.Charge(Cost::kSymmetric);
  TESSERA_ASSIGN_OR_RETURN(Bytes th2,
                           msg::TranscriptHash(msg::kRegisterContext, {pending->r0, pending->r1}));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes k2, msg::AnswerKey(th2, pending->ssk1.view()));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes pt2, msg::OpenOnce(k2.view(), th2, request.answer.sealed));
  Result<msg::AnswerSecrets> secrets = msg::DecodeAnswerSecrets(pt2.view());
  if (!secrets.ok()) {
    return Status::DataMismatch("REG FINISH: the sealed answer is malformed: " +
                                secrets.status().message());
  }
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t slot,
                           TargetSlot(c.storage(), apdu.p2, pending->spki_sha256));

  // K = HKDF(TH3, SSK1 || SSK2); R3 = E4 { 8D Mconf }.
  TESSERA_ASSIGN_OR_RETURN(Bytes th3, msg::TranscriptHash(msg::kRegisterContext,
                                                          {pending->r0, pending->r1, request.r2}));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes k,
                           msg::SharedSecret(th3, pending->ssk1.view(), secrets->ssk2.view()));
  TESSERA_ASSIGN_OR_RETURN(Bytes mconf,
                           msg::ProofMac(k.view(), msg::Role::kClient, msg::Phase::kRegister, th3));

  SecretAttributes attributes;
  attributes.usage = secret::usage::kRegistration;
  attributes.pin_policy = request.pin_policy;
  attributes.label = Label(secrets->uidc);
  attributes.id = pending->spki_sha256;
  SecretKeyRecord record = NewSecretRecord(secret::KeyType::kGeneric, std::move(k),
                                           std::move(attributes), piv::KeyOrigin::kDerived);
  TESSERA_ASSIGN_OR_RETURN(std::uint64_t floor, LoadTimeFloor(c.storage()));
  Transaction txn;
  PutTimeFloor(txn, std::max({floor, pending->host_time, pending->not_before}));
  TESSERA_ASSIGN_OR_RETURN(Bytes metadata, StoreSecretKey(c, slot, record, std::move(txn)));

  Bytes out = msg::Encode(msg::RegConfirm{std::move(mconf)});
  AppendTlv(out, reg::tag::kKeyMetadata, metadata);
  return out;
}

}  // namespace tessera::sim::piv_applet
