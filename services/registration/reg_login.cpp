// RegistrationService: login, A1 to A3: mutual authentication under K and
// the session key SES (seed 001 claims 3, 4, 9, 10; docs/registration-
// protocol.md "Login"). The gateway's uses of K are HMACs inside the HSM;
// its ephemeral ECDH key is session material and lives in host memory only
// for the call.
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "common/crypto/mac.hpp"
#include "common/crypto/private_ops.hpp"
#include "common/ossl.hpp"
#include "common/piv/key_material.hpp"
#include "common/registration/key_schedule.hpp"
#include "common/registration/messages.hpp"
#include "hsm/secret_wrap.hpp"
#include "services/registration/reg_common.hpp"
#include "services/registration/registration_service.hpp"
#include "services/registration/session_key_cache.hpp"

namespace tessera::registration {
namespace {

// The K of a login: the registration's K unwrapped into the HSM, or for an
// unknown UIDC a decoy K' = HMAC(UIDC key, "decoy" 00 UIDC) on the host, so
// the answer looks the same and the finish fails as a wrong K does (UIDCs
// cannot be enumerated).
class LoginKey {
 public:
  static Result<LoginKey> Real(hsm::HsmSession& session, CK_OBJECT_HANDLE kek, ByteView wrapped) {
    TESSERA_ASSIGN_OR_RETURN(hsm::KeyObject key, hsm::UnwrapHmacKey(session, kek, wrapped));
    return LoginKey(&session, std::move(key), SecureBytes());
  }
  static Result<LoginKey> Decoy(hsm::HsmSession& session, CK_OBJECT_HANDLE uidc_key,
                                const std::string& uidc) {
    Bytes input = {'d', 'e', 'c', 'o', 'y', 0x00};
    Append(input, AsBytes(uidc));
    TESSERA_ASSIGN_OR_RETURN(SecureBytes k, hsm::HmacSign(session, uidc_key, input));
    return LoginKey(&session, std::nullopt, std::move(k));
  }
  Result<SecureBytes> Hmac(ByteView data) const {
    if (object_) return hsm::HmacSign(*session_, object_->handle(), data);
    TESSERA_ASSIGN_OR_RETURN(Bytes mac, crypto::Hmac(crypto::Hash::kSha256, decoy_.view(), data));
    SecureBytes out(mac);
    OPENSSL_cleanse(mac.data(), mac.size());
    return out;
  }

 private:
  LoginKey(hsm::HsmSession* session, std::optional<hsm::KeyObject> object, SecureBytes decoy)
      : session_(session), object_(std::move(object)), decoy_(std::move(decoy)) {}
  hsm::HsmSession* session_;
  std::optional<hsm::KeyObject> object_;
  SecureBytes decoy_;
};

Result<ossl::PkeyPtr> NewEphemeral() {
  ossl::PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return ossl::Error("EVP_EC_gen");
  return key;
}

}  // namespace

// The AAD of a session's record keys sealed under the KEK: a blob moved
// to another session's row does not open.
Bytes SessionKeysAad(ByteView session_id) {
  Bytes aad = {'T', 'S', 'K', '1'};
  Append(aad, session_id);
  return aad;
}

Result<SessionChallenge> RegistrationService::OpenSession(ByteView client_message,
                                                          const Caller& caller) {
  (void)caller;
  TESSERA_ASSIGN_OR_RETURN(AuthHello hello, DecodeAuthHello(client_message));
  const Bytes a1(client_message.begin(), client_message.end());
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<const ServerContext> server, Server());
  const std::int64_t now = Now();

  std::optional<directory::RegistrationRecord> registration;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::RegUserRecord> user,
                             directory::FindRegUserByCode(tx, hello.uidc));
    if (user) {
      TESSERA_ASSIGN_OR_RETURN(registration, directory::FindActiveRegistration(tx, user->user_id));
    }
    return Status::Ok();
  }));

  TESSERA_ASSIGN_OR_RETURN(ca::HsmPool::Lease lease, pool_.Acquire(server->record.hsm));
  TESSERA_ASSIGN_OR_RETURN(ServerKeys keys, FindServerKeys(lease, server->record));
  Result<LoginKey> k = registration && registration->k_wrapped
                           ? LoginKey::Real(lease.session(), keys.kek, *registration->k_wrapped)
                           : LoginKey::Decoy(lease.session(), keys.uidc, hello.uidc);
  TESSERA_RETURN_IF_ERROR(k.status());

  TESSERA_ASSIGN_OR_RETURN(std::string session_id, NewId());
  const Bytes sid = FromHex(session_id).value();
  TESSERA_ASSIGN_OR_RETURN(Bytes nonce, RandomBytes(kNonceSize));
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr es, NewEphemeral());
  TESSERA_ASSIGN_OR_RETURN(Bytes es_point,
                           piv::EcPublicPoint(es.get(), *piv::CurveOf(piv::Algorithm::kEccP256)));
  AuthChallenge challenge{sid, nonce, es_point, {}};
  TESSERA_ASSIGN_OR_RETURN(Bytes th_s,
                           TranscriptHash(kLoginContext, {a1, EncodeChallengeBody(challenge)}));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes ms, k->Hmac(ProofInput(Role::kServer, Phase::kLogin, th_s)));
  challenge.mac.assign(ms.view().begin(), ms.view().end());
  const Bytes a2 = Encode(challenge);

  // What the finish will check, and SES, both fixed now: Mc and Ks need K,
  // SES needs Z, and `es` goes when this call returns.
  TESSERA_ASSIGN_OR_RETURN(Bytes th_c, TranscriptHash(kLoginContext, {a1, a2}));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes mc, k->Hmac(ProofInput(Role::kClient, Phase::kLogin, th_c)));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes ks, k->Hmac(SessionSaltInput(th_c)));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes z, crypto::DeriveShared(es.get(), hello.ephemeral_key));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes ses, SessionKeyFromSalt(ks.view(), z.view()));
  auto record_keys = std::make_shared<RecordKeys>();
  TESSERA_ASSIGN_OR_RETURN(record_keys->c2s, RecordKey(ses.view(), Direction::kClientToServer));
  TESSERA_ASSIGN_OR_RETURN(record_keys->s2c, RecordKey(ses.view(), Direction::kServerToClient));
  SecureBytes both(record_keys->c2s.view());
  both.Append(record_keys->s2c.view());
  TESSERA_ASSIGN_OR_RETURN(
      Bytes sealed_keys, hsm::GcmSeal(lease.session(), keys.kek, SessionKeysAad(sid), both.view()));

  directory::RegSessionRecord row;
  row.id = session_id;
  if (registration) row.registration_id = registration->id;
  row.mac_hash = Sha256(mc.view());
  row.keys_wrapped = sealed_keys;
  row.created_at = row.last_used_at = now;
  row.expires_at = now + options_.hello_lifetime;
  TESSERA_RETURN_IF_ERROR(db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    return directory::InsertRegSession(tx, row);
  }));
  if (registration) keys_->Put(session_id, std::move(record_keys));
  return SessionChallenge{session_id, a2, row.expires_at};
}

Result<SessionOpened> RegistrationService::FinishSession(const std::string& session_id,
                                                         ByteView client_message,
                                                         const Caller& caller) {
  const std::string object = SessionObject(session_id);
  TESSERA_RETURN_IF_ERROR(IdBytes(session_id, "session").status());
  auto refuse = [&](const Status& error) { return Refuse("reg.session", object, error, caller); };
  const std::int64_t now = Now();
  std::optional<directory::RegSessionRecord> row;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(row, directory::FindRegSession(tx, session_id));
    return Status::Ok();
  }));
  if (!row) return Status::NotFound("no session '" + session_id + "'");
  if (row->state != "handshake") {
    return refuse(Status::ConditionsNotSatisfied("session " + session_id + " is " + row->state +
                                                 ", not in its handshake: A3 is taken once"));
  }
  if (row->expires_at <= now) {
    return refuse(Status::ConditionsNotSatisfied("the handshake of session " + session_id +
                                                 " expired; log in again"));
  }
  Result<AuthFinish> finish = DecodeAuthFinish(client_message);
  if (!finish.ok()) return refuse(finish.status());

  // Wrong K (an old or another token's), a modified transcript, a reflected
  // Ms or a decoy: the MAC does not match, and the handshake is over.
  auto close = [&] {
    keys_->Forget(session_id);
    (void)db_->Transact([&](directory::SqlTransaction& tx) -> Status {
      return directory::CloseRegSession(tx, session_id, Now());
    });
  };
  if (!ConstantTimeEqual(Sha256(finish->mac), row->mac_hash) || !row->registration_id) {
    close();
    return refuse(Status::SecurityStatus(
        "the client's proof of K (A3) does not verify: the token holds another K (register "
        "again), or a login message was changed"));
  }
  std::string user_id, uidc;
  Status s = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::RegistrationRecord> registration,
                             directory::FindRegistration(tx, *row->registration_id));
    if (!registration || registration->state != "active" || !registration->user_id) {
      return Status::SecurityStatus("the registration of this login is no longer active");
    }
    user_id = *registration->user_id;
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::RegUserRecord> user,
                             directory::FindRegUser(tx, user_id));
    if (!user) return Status::Corrupt("an active registration without a reg_users row");
    uidc = user->user_id_code;
    TESSERA_RETURN_IF_ERROR(
        directory::OpenRegSession(tx, session_id, now + options_.session_lifetime, now));
    return AuditIn(tx, caller, "reg.session.open", object,
                   nlohmann::json{{"user", user_id}, {"user_id_code", uidc}}.dump(), now);
  });
  if (!s.ok()) {
    if (s.code() == Code::kSecurityStatus) close();
    return refuse(s);
  }
  return SessionOpened{session_id, uidc, now + options_.session_lifetime, options_.session_idle};
}

}  // namespace tessera::registration
