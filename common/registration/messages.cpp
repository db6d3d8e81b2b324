#include "common/registration/messages.hpp"

#include <string_view>

#include "common/registration/field_reader.hpp"
#include "common/tlv.hpp"

namespace tessera::registration {
namespace {

using detail::Canonical;
using detail::Copy;
using detail::Fields;
using detail::FieldSpec;
using detail::Malformed;
using detail::ReadFields;
using detail::ReadMessage;
using detail::Text;

Status CheckPoint(ByteView point, std::string_view message, const char* name) {
  if (point.empty() || point[0] != 0x04) {
    return Malformed(message, std::string(name) + " is not an uncompressed point (04 || X || Y)");
  }
  return Status::Ok();
}

Status CheckUidc(std::string_view uidc, std::string_view message) {
  if (!IsValidUidc(uidc)) {
    return Malformed(message, "the user ID code is not 8 to 28 characters of A-Z and 2-7");
  }
  return Status::Ok();
}

Bytes Wrap(std::uint8_t outer, const Bytes& body) { return EncodeTlv(outer, body); }

constexpr std::size_t kSealedOverhead = 16;  // the GCM tag
// C1: 89 20 SSK1 (34) + 85 with a length of up to 3 bytes (4) + user info.
constexpr std::size_t kMaxRequestSealed = 34 + 4 + kMaxUserInfo + kSealedOverhead;
// C2: 8B 20 SSK2 (34) + 8A UIDC (2 + 28) + 8C path (2 + 64).
constexpr std::size_t kMaxAnswerSealed = 34 + 2 + kMaxUidc + 2 + kMaxAccessPath + kSealedOverhead;

constexpr FieldSpec kRegHelloFields[] = {
    {tag::kCertificate, 1, kMaxCertificate, false, "server certificate"},
    {tag::kServerNonce, kNonceSize, kNonceSize, false, "server nonce"},
    {tag::kTemplateHash, 32, 32, false, "template hash"},
    {tag::kServerTime, 8, 8, false, "server time"},
    {tag::kRegistrationId, kRegistrationIdSize, kRegistrationIdSize, false, "registration ID"},
};
constexpr FieldSpec kRegRequestFields[] = {
    {tag::kEphemeralKey, kPointSize, kPointSize, false, "ephemeral key"},
    {tag::kRequestSealed, kSealedOverhead + 1, kMaxRequestSealed, false, "sealed request"},
};
constexpr FieldSpec kRegAnswerFields[] = {
    {tag::kAnswerSealed, kSealedOverhead + 1, kMaxAnswerSealed, false, "sealed answer"},
};
constexpr FieldSpec kRegConfirmFields[] = {
    {tag::kConfirmMac, 32, 32, false, "confirmation MAC"},
};
constexpr FieldSpec kAuthHelloFields[] = {
    {tag::kUidc, kMinUidc, kMaxUidc, false, "user ID code"},
    {tag::kClientNonce, kNonceSize, kNonceSize, false, "client nonce"},
    {tag::kEphemeralKey, kPointSize, kPointSize, false, "ephemeral key"},
};
constexpr FieldSpec kAuthChallengeFields[] = {
    {tag::kSessionId, kSessionIdSize, kSessionIdSize, false, "session ID"},
    {tag::kServerNonce, kNonceSize, kNonceSize, false, "server nonce"},
    {tag::kEphemeralKey, kPointSize, kPointSize, false, "ephemeral key"},
};
constexpr FieldSpec kServerMacField[] = {
    {tag::kServerMac, 32, 32, false, "server MAC"},
};
constexpr FieldSpec kAuthFinishFields[] = {
    {tag::kClientMac, 32, 32, false, "client MAC"},
};
constexpr FieldSpec kRequestSecretsFields[] = {
    {tag::kSsk1, 32, 32, false, "SSK1"},
    {tag::kUserInfo, 1, kMaxUserInfo, false, "user identification"},
};
constexpr FieldSpec kAnswerSecretsFields[] = {
    {tag::kSsk2, 32, 32, false, "SSK2"},
    {tag::kUidc, kMinUidc, kMaxUidc, false, "user ID code"},
    {tag::kAccessPath, 1, kMaxAccessPath, true, "access path"},
};

}  // namespace

bool IsValidUidc(std::string_view uidc) {
  if (uidc.size() < kMinUidc || uidc.size() > kMaxUidc) return false;
  for (char c : uidc) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) return false;
  }
  return true;
}

Bytes Encode(const RegHello& m) {
  Bytes body;
  AppendTlv(body, tag::kCertificate, m.certificate);
  AppendTlv(body, tag::kServerNonce, m.server_nonce);
  AppendTlv(body, tag::kTemplateHash, m.template_hash);
  Bytes time(8);
  for (int i = 0; i < 8; ++i) time[i] = static_cast<std::uint8_t>(m.server_time >> (56 - 8 * i));
  AppendTlv(body, tag::kServerTime, time);
  AppendTlv(body, tag::kRegistrationId, m.registration_id);
  return Wrap(tag::kRegHello, body);
}

Bytes Encode(const RegRequest& m) {
  Bytes body;
  AppendTlv(body, tag::kEphemeralKey, m.ephemeral_key);
  AppendTlv(body, tag::kRequestSealed, m.sealed);
  return Wrap(tag::kRegRequest, body);
}

Bytes Encode(const RegAnswer& m) {
  return Wrap(tag::kRegAnswer, EncodeTlv(tag::kAnswerSealed, m.sealed));
}

Bytes Encode(const RegConfirm& m) {
  return Wrap(tag::kRegConfirm, EncodeTlv(tag::kConfirmMac, m.mac));
}

Bytes Encode(const AuthHello& m) {
  Bytes body;
  AppendTlv(body, tag::kUidc, AsBytes(m.uidc));
  AppendTlv(body, tag::kClientNonce, m.client_nonce);
  AppendTlv(body, tag::kEphemeralKey, m.ephemeral_key);
  return Wrap(tag::kAuthHello, body);
}

Bytes EncodeChallengeBody(const AuthChallenge& m) {
  Bytes body;
  AppendTlv(body, tag::kSessionId, m.session_id);
  AppendTlv(body, tag::kServerNonce, m.server_nonce);
  AppendTlv(body, tag::kEphemeralKey, m.ephemeral_key);
  return Wrap(tag::kAuthChallenge, body);
}

Bytes Encode(const AuthChallenge& m) {
  Bytes out = EncodeChallengeBody(m);
  AppendTlv(out, tag::kServerMac, m.mac);
  return out;
}

Bytes Encode(const AuthFinish& m) {
  return Wrap(tag::kAuthFinish, EncodeTlv(tag::kClientMac, m.mac));
}

SecureBytes Encode(const RequestSecrets& m) {
  SecureBytes out(EncodeTlv(tag::kSsk1, m.ssk1.view()));
  out.Append(EncodeTlv(tag::kUserInfo, m.user_info));
  return out;
}

SecureBytes Encode(const AnswerSecrets& m) {
  SecureBytes out(EncodeTlv(tag::kSsk2, m.ssk2.view()));
  out.Append(EncodeTlv(tag::kUidc, AsBytes(m.uidc)));
  if (!m.access_path.empty()) out.Append(EncodeTlv(tag::kAccessPath, AsBytes(m.access_path)));
  return out;
}

Result<RegHello> DecodeRegHello(ByteView data) {
  constexpr std::string_view kName = "R0 (RegHello)";
  TESSERA_ASSIGN_OR_RETURN(Fields f, ReadMessage(data, tag::kRegHello, kRegHelloFields, kName));
  RegHello m{Copy(f[0]), Copy(f[1]), Copy(f[2]), 0, Copy(f[4])};
  for (std::uint8_t b : *f[3]) m.server_time = (m.server_time << 8) | b;
  TESSERA_RETURN_IF_ERROR(Canonical(data, Encode(m), kName));
  return m;
}

Result<RegRequest> DecodeRegRequest(ByteView data) {
  constexpr std::string_view kName = "R1 (RegRequest)";
  TESSERA_ASSIGN_OR_RETURN(Fields f, ReadMessage(data, tag::kRegRequest, kRegRequestFields, kName));
  RegRequest m{Copy(f[0]), Copy(f[1])};
  TESSERA_RETURN_IF_ERROR(CheckPoint(m.ephemeral_key, kName, "the ephemeral key"));
  TESSERA_RETURN_IF_ERROR(Canonical(data, Encode(m), kName));
  return m;
}

Result<RegAnswer> DecodeRegAnswer(ByteView data) {
  constexpr std::string_view kName = "R2 (RegAnswer)";
  TESSERA_ASSIGN_OR_RETURN(Fields f, ReadMessage(data, tag::kRegAnswer, kRegAnswerFields, kName));
  RegAnswer m{Copy(f[0])};
  TESSERA_RETURN_IF_ERROR(Canonical(data, Encode(m), kName));
  return m;
}

Result<RegConfirm> DecodeRegConfirm(ByteView data) {
  constexpr std::string_view kName = "R3 (RegConfirm)";
  TESSERA_ASSIGN_OR_RETURN(Fields f, ReadMessage(data, tag::kRegConfirm, kRegConfirmFields, kName));
  RegConfirm m{Copy(f[0])};
  TESSERA_RETURN_IF_ERROR(Canonical(data, Encode(m), kName));
  return m;
}

Result<AuthHello> DecodeAuthHello(ByteView data) {
  constexpr std::string_view kName = "A1 (AuthHello)";
  TESSERA_ASSIGN_OR_RETURN(Fields f, ReadMessage(data, tag::kAuthHello, kAuthHelloFields, kName));
  AuthHello m{Text(f[0]), Copy(f[1]), Copy(f[2])};
  TESSERA_RETURN_IF_ERROR(CheckUidc(m.uidc, kName));
  TESSERA_RETURN_IF_ERROR(CheckPoint(m.ephemeral_key, kName, "the ephemeral key"));
  TESSERA_RETURN_IF_ERROR(Canonical(data, Encode(m), kName));
  return m;
}

Result<AuthChallenge> DecodeAuthChallenge(ByteView data) {
  constexpr std::string_view kName = "A2 (AuthChallenge)";
  TlvReader reader(data);
  Result<Tlv> body = reader.Next();
  if (!body.ok()) return body.status().Prefixed(std::string(kName) + ": ");
  if (body->tag != tag::kAuthChallenge) {
    return Malformed(kName, "starts with tag " + TagHex(body->tag) + ", not E6");
  }
  TESSERA_ASSIGN_OR_RETURN(Fields f, ReadFields(body->value, kAuthChallengeFields, kName));
  TESSERA_ASSIGN_OR_RETURN(Fields mac, ReadFields(reader.rest(), kServerMacField, kName));
  AuthChallenge m{Copy(f[0]), Copy(f[1]), Copy(f[2]), Copy(mac[0])};
  TESSERA_RETURN_IF_ERROR(CheckPoint(m.ephemeral_key, kName, "the ephemeral key"));
  TESSERA_RETURN_IF_ERROR(Canonical(data, Encode(m), kName));
  return m;
}

Result<AuthFinish> DecodeAuthFinish(ByteView data) {
  constexpr std::string_view kName = "A3 (AuthFinish)";
  TESSERA_ASSIGN_OR_RETURN(Fields f, ReadMessage(data, tag::kAuthFinish, kAuthFinishFields, kName));
  AuthFinish m{Copy(f[0])};
  TESSERA_RETURN_IF_ERROR(Canonical(data, Encode(m), kName));
  return m;
}

Result<RequestSecrets> DecodeRequestSecrets(ByteView data) {
  constexpr std::string_view kName = "the sealed request";
  TESSERA_ASSIGN_OR_RETURN(Fields f, ReadFields(data, kRequestSecretsFields, kName));
  RequestSecrets m{SecureBytes(*f[0]), Copy(f[1])};
  TESSERA_RETURN_IF_ERROR(Canonical(data, Encode(m).view(), kName));
  return m;
}

Result<AnswerSecrets> DecodeAnswerSecrets(ByteView data) {
  constexpr std::string_view kName = "the sealed answer";
  TESSERA_ASSIGN_OR_RETURN(Fields f, ReadFields(data, kAnswerSecretsFields, kName));
  AnswerSecrets m{SecureBytes(*f[0]), Text(f[1]), Text(f[2])};
  TESSERA_RETURN_IF_ERROR(CheckUidc(m.uidc, kName));
  for (char c : m.access_path) {
    if (c < 0x21 || c > 0x7E) return Malformed(kName, "the access path is not printable ASCII");
  }
  TESSERA_RETURN_IF_ERROR(Canonical(data, Encode(m).view(), kName));
  return m;
}

}  // namespace tessera::registration
