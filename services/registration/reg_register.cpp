// RegistrationService: registration, R0 to R3 (seed 001 claims 1, 2, 6-8;
// docs/registration-protocol.md "Registration").
#include <nlohmann/json.hpp>

#include "common/registration/codes.hpp"
#include "common/registration/key_schedule.hpp"
#include "common/registration/messages.hpp"
#include "common/registration/user_info.hpp"
#include "common/secure_bytes.hpp"
#include "common/tlv.hpp"
#include "hsm/crypto_ops.hpp"
#include "hsm/ecdh.hpp"
#include "hsm/secret_wrap.hpp"
#include "services/directory/stores/user_store.hpp"
#include "services/registration/reg_common.hpp"
#include "services/registration/reg_credential.hpp"
#include "services/registration/registration_service.hpp"

namespace tessera::registration {
namespace {

// The registration row `id` in state "started" and before its deadline.
Result<directory::RegistrationRecord> StartedRow(directory::Database& db, const std::string& id,
                                                 std::int64_t now) {
  std::optional<directory::RegistrationRecord> row;
  TESSERA_RETURN_IF_ERROR(db.Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(row, directory::FindRegistration(tx, id));
    return Status::Ok();
  }));
  if (!row) return Status::NotFound("no registration '" + id + "'");
  if (row->state != "started") {
    return Status::ConditionsNotSatisfied("registration " + id + " is " + row->state +
                                          ", not started: a request is answered once");
  }
  if (row->expires_at <= now) {
    return Status::ConditionsNotSatisfied("registration " + id +
                                          " expired; start again (POST /reg/registrations)");
  }
  return *row;
}

}  // namespace

Result<StartAnswer> RegistrationService::Start(const Caller& caller) {
  (void)caller;
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<const ServerContext> server, Server());
  TESSERA_ASSIGN_OR_RETURN(std::string id, NewId());
  TESSERA_ASSIGN_OR_RETURN(Bytes nonce, RandomBytes(kNonceSize));
  const std::int64_t now = Now();
  const RegHello hello{server->record.certificate, nonce, server->template_hash,
                       static_cast<std::uint64_t>(now), FromHex(id).value()};
  directory::RegistrationRecord row;
  row.id = id;
  row.server = server->record.name;
  row.server_hello = Encode(hello);
  row.server_nonce = nonce;
  row.created_at = row.updated_at = now;
  row.expires_at = now + options_.hello_lifetime;
  TESSERA_RETURN_IF_ERROR(db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    return directory::InsertRegistration(tx, row);
  }));
  return StartAnswer{id,
                     row.server_hello,
                     options_.template_json,
                     server->record.certificate,
                     server->chain,
                     row.expires_at};
}

Result<ExchangeAnswer> RegistrationService::Exchange(const std::string& registration_id,
                                                     ByteView client_message,
                                                     const std::optional<CmsProof>& proof,
                                                     const Caller& caller) {
  const std::string object = RegistrationObject(registration_id);
  const std::int64_t now = Now();
  TESSERA_ASSIGN_OR_RETURN(directory::RegistrationRecord row,
                           StartedRow(*db_, registration_id, now));
  // From here on a refusal also closes the registration: one attempt per
  // hello, so C1 is no decryption oracle.
  auto refuse = [&](const Status& error) {
    (void)db_->Transact([&](directory::SqlTransaction& tx) -> Status {
      return directory::RefuseRegistration(tx, registration_id, Now());
    });
    return Refuse("reg.register", object, error, caller);
  };
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<const ServerContext> server, Server());
  Result<RegRequest> request = DecodeRegRequest(client_message);
  if (!request.ok()) return refuse(request.status());
  const Bytes r1(client_message.begin(), client_message.end());

  Result<ca::HsmPool::Lease> lease = pool_.Acquire(server->record.hsm);
  if (!lease.ok()) return lease.status();  // not the client's fault: the row stays
  TESSERA_ASSIGN_OR_RETURN(ServerKeys keys, FindServerKeys(*lease, server->record));

  // C1: ECDH with the server key in the HSM (the SoftHSM2 quirk brings Z1
  // to the host, hsm/ecdh.hpp), then HKDF and AES-GCM here.
  Result<SecureBytes> z1 = hsm::EcdhDerive(lease->session(), lease->quirks(),
                                           keys.agreement.private_key, request->ephemeral_key);
  if (!z1.ok()) {
    if (z1.status().code() == Code::kInvalidArgument) return refuse(z1.status());
    return z1.status();
  }
  TESSERA_ASSIGN_OR_RETURN(
      Bytes th1,
      TranscriptHash(kRegisterContext,
                     {row.server_hello, EncodeTlv(tag::kEphemeralKey, request->ephemeral_key)}));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes k1, RequestKey(th1, z1->view()));
  Result<SecureBytes> pt1 = OpenOnce(k1.view(), th1, request->sealed);
  if (!pt1.ok()) {
    return refuse(Status::SignatureInvalid(
        "the sealed request (C1) does not open under this registration's hello: a request "
        "for another hello, or changed bytes"));
  }
  Result<RequestSecrets> secrets = DecodeRequestSecrets(pt1->view());
  if (!secrets.ok()) return refuse(secrets.status());
  Result<UserInfo> info = DecodeUserInfo(secrets->user_info);
  if (!info.ok()) return refuse(info.status());
  TESSERA_ASSIGN_OR_RETURN(Bytes th2, TranscriptHash(kRegisterContext, {row.server_hello, r1}));
  Result<Credential> credential = CheckCredential(*db_, *info, proof, th2, options_.open, now);
  if (!credential.ok()) return refuse(credential.status());

  // SSK2 and the UIDC (claims 2, 8e, 8f), then R2 under k2 = HKDF(SSK1).
  TESSERA_ASSIGN_OR_RETURN(SecureBytes ssk2, hsm::GenerateRandom(lease->session(), kSecretSize));
  TESSERA_ASSIGN_OR_RETURN(std::string uidc, UidcOf(*lease, keys, info->user_id));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes k2, AnswerKey(th2, secrets->ssk1.view()));
  const SecureBytes pt2 = Encode(AnswerSecrets{SecureBytes(ssk2.view()), uidc, ""});
  TESSERA_ASSIGN_OR_RETURN(Bytes c2, SealOnce(k2.view(), th2, pt2.view()));
  const Bytes r2 = Encode(RegAnswer{c2});

  // K (claims 8g, 8j), kept only wrapped under the KEK, and the hash of the
  // Mconf the token will send.
  TESSERA_ASSIGN_OR_RETURN(Bytes th3, TranscriptHash(kRegisterContext, {row.server_hello, r1, r2}));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes k, SharedSecret(th3, secrets->ssk1.view(), ssk2.view()));
  TESSERA_ASSIGN_OR_RETURN(Bytes mconf, ProofMac(k.view(), Role::kClient, Phase::kRegister, th3));
  TESSERA_ASSIGN_OR_RETURN(Bytes k_wrapped, hsm::WrapSecret(lease->session(), keys.kek, k));

  directory::PendingRegistration pending{info->user_id,
                                         credential->kind,
                                         credential->code_hash,
                                         credential->token_serial,
                                         th3,
                                         Sha256(mconf),
                                         k_wrapped,
                                         now + options_.pending_lifetime};
  Status stored = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(
        directory::MarkRegistrationPending(tx, registration_id, pending, Now()));
    const std::string details =
        nlohmann::json{{"user", info->user_id}, {"credential", credential->kind}}.dump();
    return AuditIn(tx, caller, "reg.register", object, details, Now());
  });
  if (!stored.ok()) return Refuse("reg.register", object, stored, caller);
  return ExchangeAnswer{r2, pending.expires_at};
}

Result<ConfirmAnswer> RegistrationService::Confirm(const std::string& registration_id,
                                                   ByteView client_message, const Caller& caller) {
  const std::string object = RegistrationObject(registration_id);
  auto refuse = [&](const Status& error) {
    return Refuse("reg.register.confirm", object, error, caller);
  };
  const std::int64_t now = Now();
  std::optional<directory::RegistrationRecord> row;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(row, directory::FindRegistration(tx, registration_id));
    return Status::Ok();
  }));
  if (!row) return Status::NotFound("no registration '" + registration_id + "'");
  if (row->state != "pending") {
    return refuse(Status::ConditionsNotSatisfied("registration " + registration_id + " is " +
                                                 row->state + ", not pending"));
  }
  if (row->expires_at <= now) {
    return refuse(Status::ConditionsNotSatisfied("registration " + registration_id +
                                                 " expired before its confirmation"));
  }
  Result<RegConfirm> confirm = DecodeRegConfirm(client_message);
  if (!confirm.ok()) return refuse(confirm.status());
  if (!row->confirm_hash || !ConstantTimeEqual(Sha256(confirm->mac), *row->confirm_hash)) {
    return refuse(Status::SignatureInvalid(
        "the confirmation MAC (R3) is not the one K gives: the token did not derive the "
        "same K"));
  }
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<const ServerContext> server, Server());
  std::string uidc;
  {
    TESSERA_ASSIGN_OR_RETURN(ca::HsmPool::Lease lease, pool_.Acquire(server->record.hsm));
    TESSERA_ASSIGN_OR_RETURN(ServerKeys keys, FindServerKeys(lease, server->record));
    TESSERA_ASSIGN_OR_RETURN(uidc, UidcOf(lease, keys, *row->user_id));
  }
  Status s = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    const std::int64_t at = Now();
    TESSERA_ASSIGN_OR_RETURN(directory::ConfirmedRegistration confirmed,
                             directory::ConfirmRegistration(tx, registration_id, uidc, at));
    const std::string user = UserObject(*row->user_id);
    TESSERA_RETURN_IF_ERROR(
        AuditIn(tx, caller, "reg.register.confirm", object,
                nlohmann::json{{"user", *row->user_id}, {"user_id_code", uidc}}.dump(), at));
    if (confirmed.code_used) {
      TESSERA_RETURN_IF_ERROR(AuditIn(tx, caller, "reg.code.use", user,
                                      nlohmann::json{{"registration", registration_id}}.dump(),
                                      at));
    }
    for (const std::string& old : confirmed.superseded) {
      TESSERA_RETURN_IF_ERROR(AuditIn(tx, caller, "reg.register.supersede", RegistrationObject(old),
                                      nlohmann::json{{"by", registration_id}}.dump(), at));
    }
    return Status::Ok();
  });
  if (!s.ok()) return refuse(s);
  return ConfirmAnswer{registration_id, uidc, now};
}

}  // namespace tessera::registration
