// PivClient's registration methods: F3 REGISTRATION (docs/piv-extensions.md
// "F3"), P1 00 status, 01/02 register, 03/04 log in. The commands take
// extended length or chaining, as F2 does; ApduChannel picks one. Each
// answer is checked with the protocol's own codec (common/registration/
// messages.hpp) before it goes to a gateway, and each refusal is the
// Status SwToStatus gives, with what the token found in front.
#include <openssl/crypto.h>

#include <initializer_list>
#include <string>
#include <utility>

#include "common/piv/piv_constants.hpp"
#include "common/piv/secret_keys.hpp"
#include "common/registration/key_schedule.hpp"
#include "common/registration/messages.hpp"
#include "common/tlv.hpp"
#include "host/card/piv_client.hpp"

namespace tessera::host {
namespace {

namespace reg = ::tessera::registration;

// F3's steps (P1) and the tags beside the messages (common/piv/piv_constants.hpp).
namespace f3 = piv::registration;

CommandApdu Registration(std::uint8_t p1, std::uint8_t p2, Bytes data) {
  CommandApdu c;
  c.ins = piv::ins::kRegistration;
  c.p1 = p1;
  c.p2 = p2;
  c.data = std::move(data);
  c.le = kShortMaxLe;
  return c;
}

// What the token means by a refusal in one step (docs/piv-extensions.md,
// F3's status words).
struct Hint {
  Code code;
  const char* meaning;
};

Status Explain(const Status& status, std::initializer_list<Hint> hints) {
  for (const Hint& hint : hints) {
    if (status.code() == hint.code) return status.Prefixed(std::string(hint.meaning) + ": ");
  }
  return status;
}

constexpr const char* kPinMissing = "verify the PIN first";

// Splits `answer` into its leading message, the TLV `message_tag` as sent,
// and the rest.
Result<std::pair<Bytes, ByteView>> SplitMessage(ByteView answer, std::uint8_t message_tag,
                                                const char* what) {
  TlvReader reader(answer);
  Result<Tlv> first = reader.Next();
  if (!first.ok() || first->tag != message_tag) {
    return Status::InvalidArgument(std::string(what) + ": the answer does not start with tag " +
                                   TagHex(message_tag));
  }
  const auto size = static_cast<std::ptrdiff_t>(answer.size() - reader.rest().size());
  return std::pair<Bytes, ByteView>(Bytes(answer.begin(), answer.begin() + size), reader.rest());
}

}  // namespace

Result<RegistrationInfo> PivClient::RegistrationStatus() {
  constexpr const char* kWhat = "REGISTRATION (status)";
  TESSERA_ASSIGN_OR_RETURN(Bytes r, Call(Registration(f3::kStatus, 0x00, {}), kWhat));
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> fields, ParseTlvs(r));
  RegistrationInfo info;
  if (auto point = FindTag(fields, f3::tag::kIssuerPoint)) {
    if (point->size() != reg::kPointSize) {
      return Status::InvalidArgument(std::string(kWhat) + ": the issuer point is not 65 bytes");
    }
    info.issuer_point = Bytes(point->begin(), point->end());
  }
  if (auto kvn = FindTag(fields, f3::tag::kIssuerKvn)) {
    if (kvn->size() != 1) return Status::InvalidArgument(std::string(kWhat) + ": bad issuer KVN");
    info.issuer_kvn = (*kvn)[0];
  }
  auto floor = FindTag(fields, f3::tag::kTimeFloor);
  if (!floor || floor->size() != f3::kTimeSize) {
    return Status::InvalidArgument(std::string(kWhat) + ": no 8-byte time floor");
  }
  info.time_floor = GetU64(*floor);
  return info;
}

Result<Bytes> PivClient::RegisterBegin(ByteView r0, std::uint64_t host_time, ByteView user_info) {
  constexpr const char* kWhat = "REGISTRATION (begin)";
  if (user_info.empty() || user_info.size() > reg::kMaxUserInfo) {
    return Status::InvalidArgument(std::string(kWhat) + ": user identification must be 1 to " +
                                   std::to_string(reg::kMaxUserInfo) + " bytes");
  }
  Bytes data(r0.begin(), r0.end());
  Bytes time;
  PutU64(time, host_time);
  AppendTlv(data, f3::tag::kHostTime, time);
  AppendTlv(data, f3::tag::kUserInfo, user_info);
  Result<Bytes> r1 = Call(Registration(f3::kRegisterBegin, 0x00, std::move(data)), kWhat);
  if (!r1.ok()) {
    return Explain(
        r1.status(),
        {{Code::kSignatureInvalid,
          "the gateway certificate is not signed by the token's issuer key"},
         {Code::kConditionsNotSatisfied,
          "the gateway certificate is not valid at the host's time, or that time is below the "
          "token's floor"},
         {Code::kDataMismatch,
          "the gateway certificate is not a registration server's (key usage, extended key "
          "usage or CA)"},
         {Code::kReferenceNotFound,
          "the token has no issuer key (tessera personalize --issuer-key, token set-issuer)"},
         {Code::kInvalidArgument, "the token found R0 or the gateway certificate malformed"},
         {Code::kSecurityStatus, kPinMissing}});
  }
  TESSERA_RETURN_IF_ERROR(reg::DecodeRegRequest(*r1).status().Prefixed(std::string(kWhat) + ": "));
  return r1;
}

Result<RegistrationResult> PivClient::RegisterFinish(ByteView r2, std::uint8_t slot,
                                                     std::optional<piv::PinPolicy> pin_policy) {
  constexpr const char* kWhat = "REGISTRATION (finish)";
  Bytes data(r2.begin(), r2.end());
  if (pin_policy)
    AppendTlv(data, f3::tag::kPinPolicy, Bytes{static_cast<std::uint8_t>(*pin_policy)});
  Result<Bytes> r = Call(Registration(f3::kRegisterFinish, slot, std::move(data)), kWhat);
  if (!r.ok()) {
    return Explain(
        r.status(),
        {{Code::kSignatureInvalid,
          "the gateway's answer (C2) did not verify: changed on the way, or not for this "
          "request; nothing was stored"},
         {Code::kDataMismatch, "the gateway's answer opened but its contents are malformed"},
         {Code::kConditionsNotSatisfied,
          "no registration begun in this session, or the slot holds another key"},
         {Code::kNoSpace, "no free secret-key slot"},
         {Code::kSecurityStatus, kPinMissing}});
  }
  TESSERA_ASSIGN_OR_RETURN(auto split, SplitMessage(*r, reg::tag::kRegConfirm, kWhat));
  TESSERA_RETURN_IF_ERROR(
      reg::DecodeRegConfirm(split.first).status().Prefixed(std::string(kWhat) + ": "));
  Result<ByteView> metadata = ParseSingle(split.second, f3::tag::kKeyMetadata);
  if (!metadata.ok()) {
    return metadata.status().Prefixed(std::string(kWhat) + ": K's metadata: ");
  }
  TESSERA_ASSIGN_OR_RETURN(SecretKeyInfo key, ParseSecretKeyInfo(*metadata, std::nullopt));
  RegistrationResult result;
  result.confirm = std::move(split.first);
  result.slot = key.slot;
  result.key = std::move(key);
  return result;
}

Result<Bytes> PivClient::AuthBegin(std::uint8_t slot) {
  constexpr const char* kWhat = "REGISTRATION (auth begin)";
  Result<Bytes> a1 = Call(Registration(f3::kAuthBegin, slot, {}), kWhat);
  if (!a1.ok()) {
    return Explain(a1.status(),
                   {{Code::kReferenceNotFound, "no key in that slot"},
                    {Code::kConditionsNotSatisfied, "the slot's key is not a registration key"},
                    {Code::kSecurityStatus, kPinMissing}});
  }
  TESSERA_RETURN_IF_ERROR(reg::DecodeAuthHello(*a1).status().Prefixed(std::string(kWhat) + ": "));
  return a1;
}

Result<AuthResult> PivClient::AuthFinish(std::uint8_t slot, ByteView a2) {
  constexpr const char* kWhat = "REGISTRATION (auth finish)";
  Result<Bytes> r = Call(Registration(f3::kAuthFinish, slot, Bytes(a2.begin(), a2.end())), kWhat);
  if (!r.ok()) {
    return Explain(
        r.status(),
        {{Code::kSignatureInvalid,
          "the gateway's proof (Ms) did not verify: a changed or replayed challenge, or a "
          "gateway holding another K (register again if it persists)"},
         {Code::kConditionsNotSatisfied, "no login begun on this slot in this session"},
         {Code::kInvalidArgument, "the token found A2 malformed"}});
  }
  // The answer carries SES: wipe it once copied.
  SecureBytes answer(*r);
  OPENSSL_cleanse(r->data(), r->size());
  TESSERA_ASSIGN_OR_RETURN(auto split, SplitMessage(answer.view(), reg::tag::kAuthFinish, kWhat));
  TESSERA_RETURN_IF_ERROR(
      reg::DecodeAuthFinish(split.first).status().Prefixed(std::string(kWhat) + ": "));
  Result<ByteView> ses = ParseSingle(split.second, f3::tag::kSessionKey);
  if (!ses.ok() || ses->size() != reg::kSecretSize) {
    return Status::InvalidArgument(std::string(kWhat) + ": no 32-byte session key");
  }
  AuthResult result;
  result.finish = std::move(split.first);
  result.session_key = SecureBytes(*ses);
  return result;
}

}  // namespace tessera::host
