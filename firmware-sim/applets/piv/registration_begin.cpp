// F3 01 REG BEGIN (docs/piv-extensions.md "F3"; docs/registration-protocol.md
// R0 -> R1; seed 001 claims 1, 6-8): the token checks the gateway's
// certificate against the issuer key the card manager holds (cm/key/10),
// draws SSK1 and an ephemeral key, and seals SSK1 with the user
// identification to the gateway's key. SSK1 and the transcript stay in the
// session for REG FINISH; nothing is stored.
//
// Data: R0 (E1 {...}) || 84 08 host time || 85 L user identification.
#include <string>
#include <utility>

#include "common/crypto/private_ops.hpp"
#include "common/piv/key_material.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/registration/key_schedule.hpp"
#include "common/registration/messages.hpp"
#include "common/registration/server_certificate.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/applets/piv/registration_steps.hpp"
#include "firmware-sim/applets/shared/issuer_key_record.hpp"
#include "firmware-sim/crypto/keys.hpp"

namespace tessera::sim::piv_applet {
namespace {

namespace reg = piv::registration;
namespace msg = tessera::registration;

struct BeginRequest {
  Bytes r0;
  msg::RegHello hello;
  std::uint64_t host_time = 0;
  ByteView user_info;
};

Status Malformed(const std::string& why) { return Status::InvalidArgument("REG BEGIN: " + why); }

// R0, then 84 and 85, each once, in this order, nothing after.
Result<BeginRequest> ParseBegin(ByteView data) {
  TlvReader reader(data);
  Result<Tlv> first = reader.Next();
  if (!first.ok()) return Malformed(first.status().message());
  BeginRequest r;
  const ByteView r0 = data.first(data.size() - reader.rest().size());
  r.r0.assign(r0.begin(), r0.end());
  Result<msg::RegHello> hello = msg::DecodeRegHello(r.r0);
  if (!hello.ok()) return Malformed(hello.status().message());
  r.hello = std::move(hello).value();
  Result<Tlv> time = reader.Next();
  if (!time.ok() || time->tag != reg::tag::kHostTime || time->value.size() != reg::kTimeSize) {
    return Malformed("84 host time (8 bytes) must follow R0");
  }
  r.host_time = GetU64(time->value);
  Result<Tlv> info = reader.Next();
  if (!info.ok() || info->tag != reg::tag::kUserInfo || info->value.empty() ||
      info->value.size() > msg::kMaxUserInfo) {
    return Malformed("85 user identification (1..1024 bytes) must follow 84");
  }
  r.user_info = info->value;
  if (!reader.empty()) return Malformed("trailing bytes after 85");
  return r;
}

}  // namespace

Result<Bytes> RegisterBegin(PivContext& c, const CommandApdu& apdu) {
  c.session().registration.reset();  // a new BEGIN drops the one before
  if (apdu.p2 != 0x00) return Status::IncorrectP1P2("REG BEGIN needs P2 00");
  if (!c.session().pin_verified) return Status::SecurityStatus("REG BEGIN needs the PIN");
  TESSERA_ASSIGN_OR_RETURN(BeginRequest request, ParseBegin(apdu.data));
  TESSERA_ASSIGN_OR_RETURN(std::optional<IssuerKey> issuer, LoadIssuerKey(c.storage()));
  if (!issuer) return Status::ReferenceNotFound("REG BEGIN: no issuer key embedded");
  TESSERA_ASSIGN_OR_RETURN(std::uint64_t floor, LoadTimeFloor(c.storage()));
  c.Charge(Cost::kEcPrivate, 256);  // the ECDSA verification
  TESSERA_ASSIGN_OR_RETURN(msg::ServerKey server,
                           msg::CheckServerCertificate(request.hello.certificate, issuer->point,
                                                       request.host_time, floor));

  // R1 = E2 { 86 Ec, 87 C1 }, C1 = GCM(k1, AAD TH1, 89 SSK1 || 85 user info).
  const piv::Curve& p256 = *piv::CurveOf(piv::Algorithm::kEccP256);
  c.Charge(Cost::kEcGenerate, 256);
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr ec, GenerateKey(piv::Algorithm::kEccP256, c.rng()));
  TESSERA_ASSIGN_OR_RETURN(Bytes ec_point, piv::EcPublicPoint(ec.get(), p256));
  c.Charge(Cost::kEcPrivate, 256);
  TESSERA_ASSIGN_OR_RETURN(SecureBytes z1, crypto::DeriveShared(ec.get(), server.point));
  TESSERA_ASSIGN_OR_RETURN(
      Bytes th1, msg::TranscriptHash(msg::kRegisterContext,
                                     {request.r0, EncodeTlv(msg::tag::kEphemeralKey, ec_point)}));
  c.Charge(Cost::kSymmetric);
  TESSERA_ASSIGN_OR_RETURN(SecureBytes k1, msg::RequestKey(th1, z1.view()));
  msg::RequestSecrets secrets{c.rng().GenerateSecret(msg::kSecretSize),
                              Bytes(request.user_info.begin(), request.user_info.end())};
  TESSERA_ASSIGN_OR_RETURN(Bytes c1, msg::SealOnce(k1.view(), th1, msg::Encode(secrets).view()));
  Bytes r1 = msg::Encode(msg::RegRequest{std::move(ec_point), std::move(c1)});

  RegPending pending;
  pending.ssk1 = std::move(secrets.ssk1);
  pending.r0 = std::move(request.r0);
  pending.r1 = r1;
  pending.host_time = request.host_time;
  pending.not_before = server.not_before;
  pending.spki_sha256 = std::move(server.spki_sha256);
  c.session().registration = std::move(pending);
  return r1;
}

}  // namespace tessera::sim::piv_applet
