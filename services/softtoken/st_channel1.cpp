// Channel 1, the device (seed 002; docs/softtoken-api.md "Channel 1"): the
// nonce, the request with its proofs, and the polls.
#include <nlohmann/json.hpp>

#include "services/http/problem.hpp"
#include "services/softtoken/device_proof.hpp"
#include "services/softtoken/otp.hpp"
#include "services/softtoken/st_common.hpp"
#include "services/trust/attestation.hpp"

namespace tessera::softtoken {
namespace {

constexpr int kHandleAttempts = 8;

Status CheckChoice(const std::string& value, std::initializer_list<const char*> allowed,
                   const char* what) {
  for (const char* a : allowed) {
    if (value == a) return Status::Ok();
  }
  return Status::InvalidArgument(std::string(what) + " '" + value.substr(0, 32) +
                                 "' is not one of the allowed values");
}

}  // namespace

Result<Challenge> SoftTokenService::NewChallenge(const Caller& caller) {
  (void)caller;
  TESSERA_ASSIGN_OR_RETURN(Bytes nonce, RandomBytes(32));
  const std::int64_t now = Now();
  directory::SoftTokenNonceRecord record;
  record.nonce = nonce;
  record.created_at = now;
  record.expires_at = now + options_.nonce_lifetime;
  TESSERA_RETURN_IF_ERROR(db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    return directory::InsertStNonce(tx, record);
  }));
  return Challenge{nonce, record.expires_at};
}

Result<RequestCreated> SoftTokenService::CreateRequest(const DeviceRequest& request,
                                                       const Caller& caller) {
  const std::string object = "softtoken/device/" + std::to_string(request.serial);
  auto refuse = [&](const Status& s) { return Refuse("softtoken.request", object, s, caller); };
  if (Status s = CheckChoice(request.deliver, {"device", "computer", "both"}, "deliver"); !s.ok()) {
    return refuse(s);
  }
  if (Status s = CheckChoice(request.format, {"sd-jwt-vc", "x509"}, "format"); !s.ok()) {
    return refuse(s);
  }
  if (request.nonce.size() != 32)
    return refuse(Status::InvalidArgument("the nonce is not 32 bytes"));
  if (request.exporter.size() != 32) {
    return refuse(Status::InvalidArgument("channel 1 must be a TLS connection (no tls-exporter)"));
  }
  Result<std::shared_ptr<const Issuer>> issuer = CurrentIssuer();
  if (!issuer.ok()) return refuse(issuer.status());
  const std::int64_t now = Now();

  // The key: attested by the token to the manufacturer CA, then proven.
  if (Status s = CheckDeviceKey(request.device_key); !s.ok()) return refuse(s);
  trust::AttestationInput input{request.serial, request.device_key, request.attestation,
                                request.attestation_ca};
  input.slot = request.slot;
  Result<trust::AttestationResult> attested =
      trust::VerifyAttestation(input, options_.manufacturer_cas, now);
  if (!attested.ok()) {
    return refuse(Status::SecurityStatus("the device key's attestation does not verify: " +
                                         attested.status().message()));
  }
  const Bytes message = RequestProofMessage(request.nonce, request.exporter, request.device_key);
  if (Status s = VerifyDeviceSignature(request.device_key, message, request.signature); !s.ok()) {
    return refuse(s);
  }

  TESSERA_ASSIGN_OR_RETURN(std::string id, NewId());
  directory::SoftTokenRequestRecord row;
  row.id = id;
  row.tries_left = options_.otp_tries;
  row.state = "pending";
  row.device_serial = request.serial;
  row.device_slot = ToHex(ByteView(&request.slot, 1));
  row.device_key = request.device_key;
  row.manufacturer = attested->manufacturer;
  row.channel1 = Sha256(request.exporter);
  row.deliver = request.deliver;
  row.format = request.format;
  row.created_at = now;
  row.updated_at = now;
  row.expires_at = now + options_.otp_lifetime;

  // The password is the identifier of channel 1: its handle must be free
  // among pending requests; a collision draws another.
  Status stored = Status::Internal("no handle");
  Otp otp;
  for (int attempt = 0; attempt < kHandleAttempts; ++attempt) {
    Result<Otp> fresh = MakeOtp();
    if (!fresh.ok()) return refuse(fresh.status());
    otp = *fresh;
    row.handle = otp.handle;
    row.otp_hash = OtpHash(id, otp.secret);
    stored = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
      TESSERA_RETURN_IF_ERROR(directory::ConsumeStNonce(tx, request.nonce, now));
      TESSERA_ASSIGN_OR_RETURN(std::int64_t pending, directory::CountPendingStRequests(tx));
      if (pending >= options_.max_pending) {
        return Status::Unavailable("too many pending soft-token requests; try again later");
      }
      TESSERA_RETURN_IF_ERROR(directory::InsertStRequest(tx, row));
      return AuditIn(tx, caller, "softtoken.request", RequestObject(id),
                     nlohmann::json{{"device", request.serial},
                                    {"slot", row.device_slot},
                                    {"manufacturer", row.manufacturer},
                                    {"deliver", row.deliver},
                                    {"format", row.format}}
                         .dump(),
                     now);
    });
    if (stored.code() != Code::kAlreadyExists) break;
  }
  if (stored.code() == Code::kNotFound) {
    return refuse(Status::SecurityStatus("the nonce is not one this service gave out"));
  }
  if (!stored.ok()) return refuse(stored);
  return RequestCreated{id, otp.Display(), row.expires_at, static_cast<int>(row.tries_left)};
}

Result<PollAnswer> SoftTokenService::Poll(const std::string& request_id, ByteView signature,
                                          ByteView exporter, const Caller& caller) {
  auto refuse = [&](const Status& s) {
    return Refuse("softtoken.poll", RequestObject(request_id.substr(0, 64)), s, caller);
  };
  TESSERA_RETURN_IF_ERROR(CheckId(request_id, "soft-token request"));
  std::optional<directory::SoftTokenRequestRecord> row;
  std::optional<directory::SoftTokenRecord> token;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(row, directory::FindStRequest(tx, request_id));
    if (row && row->token_id) {
      TESSERA_ASSIGN_OR_RETURN(token, directory::FindStToken(tx, *row->token_id));
    }
    return Status::Ok();
  }));
  if (!row) return Status::NotFound("no soft-token request '" + request_id + "'");
  if (exporter.size() != 32) {
    return refuse(Status::InvalidArgument("channel 1 must be a TLS connection (no tls-exporter)"));
  }
  if (Status s =
          VerifyDeviceSignature(row->device_key, PollProofMessage(request_id, exporter), signature);
      !s.ok()) {
    return refuse(s);
  }
  const std::int64_t now = Now();
  PollAnswer answer;
  answer.state = row->state;
  if ((row->state == "pending" || row->state == "matched") && row->expires_at <= now) {
    answer.state = "expired";
  }
  answer.tries_left = static_cast<int>(row->tries_left);
  answer.format = row->format;
  answer.expires_at = row->expires_at;
  if ((row->state == "matched" || row->state == "issued") && row->comparison) {
    answer.comparison = DisplayComparison(*row->comparison);
  }
  if (row->state == "issued" && token && token->content && row->deliver != "computer") {
    answer.soft_token = *token->content;
    if (!row->delivered_device) {
      Status marked = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
        TESSERA_ASSIGN_OR_RETURN(std::optional<directory::SoftTokenRequestRecord> now_row,
                                 directory::FindStRequest(tx, request_id));
        if (!now_row) return Status::Ok();
        now_row->delivered_device = true;
        now_row->updated_at = now;
        TESSERA_RETURN_IF_ERROR(directory::UpdateStRequest(tx, *now_row, "issued"));
        return AuditIn(tx, caller, "softtoken.deliver", RequestObject(request_id),
                       R"({"channel":"device"})", now);
      });
      if (!marked.ok()) return marked;
    }
  }
  return answer;
}

}  // namespace tessera::softtoken
