// RegistrationService administration: the gateway's keys and certificate,
// enrolment codes, applications and entitlements (registration_service.hpp).
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <nlohmann/json.hpp>

#include "common/ossl.hpp"
#include "common/registration/codes.hpp"
#include "common/registration/user_info.hpp"
#include "hsm/agreement_key.hpp"
#include "hsm/key_object.hpp"
#include "hsm/secret_wrap.hpp"
#include "services/directory/stores/user_store.hpp"
#include "services/registration/reg_common.hpp"
#include "services/registration/registration_service.hpp"

namespace tessera::registration {
namespace {

constexpr std::int64_t kMaxCodeLifetime = 30 * 86400;
constexpr std::size_t kMaxPathPrefix = 256;

std::string Label(const std::string& server, const char* what) {
  return server == "default" ? std::string("tessera-reg-") + what
                             : "tessera-reg-" + server + "-" + what;
}

// The token embeds a P-256 issuer key (docs/registration-protocol.md), so
// the CA that certifies the gateway must have one.
Status CheckIssuerIsP256(ByteView ca_certificate, const std::string& ca) {
  const unsigned char* p = ca_certificate.data();
  ossl::X509Ptr x509(d2i_X509(nullptr, &p, static_cast<long>(ca_certificate.size())));
  if (!x509) return ossl::Error("d2i_X509");
  EVP_PKEY* key = X509_get0_pubkey(x509.get());
  char group[64] = {0};
  std::size_t length = 0;
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
      EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &length) != 1 ||
      std::string(group) != "prime256v1") {
    ossl::DrainErrors();
    return Status::InvalidArgument("CA '" + ca +
                                   "' does not have a P-256 key; a token can embed only a P-256 "
                                   "issuer key (make one with tessera ca init --key-type p256)");
  }
  return Status::Ok();
}

Status CheckPathPrefix(const std::string& path) {
  if (path.empty() || path[0] != '/' || path.size() > kMaxPathPrefix) {
    return Status::InvalidArgument("a path prefix starts with / and has at most 256 characters: '" +
                                   path + "'");
  }
  for (char c : path) {
    if (c < 0x21 || c > 0x7E || c == '?' || c == '#' || c == '%') {
      return Status::InvalidArgument("a path prefix is printable ASCII without ? # or %: '" + path +
                                     "'");
    }
  }
  if (path.find("/../") != std::string::npos || path.find("/./") != std::string::npos ||
      path.ends_with("/..") || path.ends_with("/.")) {
    return Status::InvalidArgument("a path prefix has no . or .. segments: '" + path + "'");
  }
  return Status::Ok();
}

}  // namespace

Result<InitAnswer> RegistrationService::Init(const InitRequest& request, const Caller& caller) {
  const std::string object = "reg/server/" + request.name;
  auto refuse = [&](const Status& s) { return Refuse("reg.init", object, s, caller); };
  if (!IsValidUserId(request.name)) {
    return refuse(Status::InvalidArgument("a gateway name is 1 to 128 of A-Z a-z 0-9 . _ @ -"));
  }
  Result<Bytes> issuer = ca_->Certificate(request.ca);
  if (!issuer.ok()) return refuse(issuer.status());
  if (Status s = CheckIssuerIsP256(*issuer, request.ca); !s.ok()) return refuse(s);

  Result<ca::HsmPool::Lease> lease = pool_.Acquire(request.hsm);
  if (!lease.ok()) return refuse(lease.status());
  hsm::HsmSession& session = lease->session();
  directory::RegServerRecord server;
  server.name = request.name;
  server.hsm = request.hsm;
  server.key_label = Label(request.name, "server");
  server.kek_label = Label(request.name, "kek");
  server.uidc_label = Label(request.name, "uidc");
  server.ca = request.ca;
  // Made one by one; until the directory row commits, each is destroyed
  // again if a later step fails (KeyObject), so a failed init leaves no key.
  Result<hsm::SigningKey> key = hsm::GenerateAgreementKey(session, server.key_label);
  if (!key.ok()) return refuse(key.status());
  hsm::KeyObject private_key(session, key->private_key, "registration key " + server.key_label);
  hsm::KeyObject public_key(session, key->public_key, "registration public key");
  Result<CK_OBJECT_HANDLE> kek = hsm::GenerateSecretKek(session, server.kek_label);
  if (!kek.ok()) return refuse(kek.status());
  hsm::KeyObject kek_object(session, *kek, "registration KEK " + server.kek_label);
  Result<CK_OBJECT_HANDLE> uidc = hsm::GenerateHmacKey(session, server.uidc_label);
  if (!uidc.ok()) return refuse(uidc.status());
  hsm::KeyObject uidc_object(session, *uidc, "registration UIDC key " + server.uidc_label);

  Result<Bytes> spki = hsm::SigningPublicKeyInfo(session, *key);
  if (!spki.ok()) return refuse(spki.status());
  ca::KeyIssueRequest issue;
  issue.ca = request.ca;
  issue.profile = "registration-server";
  issue.public_key = *spki;
  issue.subject = {{"CN", request.subject_cn.empty()
                              ? "Tessera registration gateway " + request.name
                              : request.subject_cn}};
  Result<ca::PreparedCertificate> prepared =
      ca_->PrepareForKey(issue, ca::Actor{caller.name, caller.request_id});
  if (!prepared.ok()) return refuse(prepared.status());
  const std::int64_t now = Now();
  server.cert_serial = prepared->record.serial;
  server.certificate = prepared->record.der;
  server.created_at = now;
  Status stored = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(ca_->StoreIssued(tx, *prepared, now));
    TESSERA_RETURN_IF_ERROR(directory::InsertRegServer(tx, server));
    const std::string details = nlohmann::json{
        {"hsm", server.hsm},
        {"ca", server.ca},
        {"key", server.key_label},
        {"certificate_serial",
         ToHex(server.cert_serial)}}.dump();
    return AuditIn(tx, caller, "reg.init", object, details, now);
  });
  if (!stored.ok()) return refuse(stored);
  (void)std::move(private_key).Keep();
  (void)std::move(public_key).Keep();
  (void)std::move(kek_object).Keep();
  (void)std::move(uidc_object).Keep();
  return InitAnswer{server, *issuer};
}

Result<IssuedCode> RegistrationService::IssueCode(const std::string& user_id, std::int64_t lifetime,
                                                  const Caller& caller) {
  const std::string object = UserObject(user_id);
  if (lifetime <= 0 || lifetime > kMaxCodeLifetime) {
    return Refuse("reg.code.issue", object,
                  Status::InvalidArgument("a code lives 1 second to 30 days"), caller);
  }
  TESSERA_ASSIGN_OR_RETURN(Bytes random, RandomBytes(kEnrolmentCodeEntropy));
  TESSERA_ASSIGN_OR_RETURN(std::string code, FormatEnrolmentCode(random));
  TESSERA_ASSIGN_OR_RETURN(Bytes hash, EnrolmentCodeHash(code));
  const std::int64_t now = Now();
  const directory::RegCodeRecord record{hash, user_id, caller.name, now, now + lifetime, {}, {}};
  Status s = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::UserRecord> user,
                             directory::FindUser(tx, user_id));
    if (!user) return Status::NotFound("no user '" + user_id + "' (tessera cms user add)");
    TESSERA_RETURN_IF_ERROR(directory::InsertRegCode(tx, record));
    return AuditIn(tx, caller, "reg.code.issue", object,
                   nlohmann::json{{"expires_at", record.expires_at}}.dump(), now);
  });
  if (!s.ok()) return Refuse("reg.code.issue", object, s, caller);
  return IssuedCode{code, user_id, record.expires_at};
}

Status RegistrationService::AddApp(const directory::RegAppRecord& app, const Caller& caller) {
  const std::string object = AppObject(app.name);
  nlohmann::json settings = nlohmann::json::parse(app.settings, nullptr, false);
  if (!IsValidUserId(app.name)) {
    return Refuse("reg.app.add", object,
                  Status::InvalidArgument("an app name is 1 to 128 of A-Z a-z 0-9 . _ @ -"),
                  caller);
  }
  if (settings.is_discarded() || !settings.is_object()) {
    return Refuse("reg.app.add", object, Status::InvalidArgument("app settings are a JSON object"),
                  caller);
  }
  if (!app.base_url.starts_with("http://") && !app.base_url.starts_with("https://")) {
    return Refuse("reg.app.add", object,
                  Status::InvalidArgument("an app URL starts with http:// or https://"), caller);
  }
  const std::int64_t now = Now();
  directory::RegAppRecord row = app;
  row.settings = settings.dump();
  row.created_at = row.updated_at = now;
  Status s = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(directory::InsertRegApp(tx, row));
    return AuditIn(tx, caller, "reg.app.add", object, nlohmann::json{{"url", row.base_url}}.dump(),
                   now);
  });
  return s.ok() ? s : Refuse("reg.app.add", object, s, caller);
}

Status RegistrationService::RemoveApp(const std::string& name, const Caller& caller) {
  const std::int64_t now = Now();
  Status s = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::vector<std::string> users,
                             directory::DeleteRegApp(tx, name, now));
    return AuditIn(tx, caller, "reg.app.remove", AppObject(name),
                   nlohmann::json{{"entitled_users", users}}.dump(), now);
  });
  return s.ok() ? s : Refuse("reg.app.remove", AppObject(name), s, caller);
}

Result<std::vector<directory::RegAppRecord>> RegistrationService::ListApps() {
  std::vector<directory::RegAppRecord> apps;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(apps, directory::ListRegApps(tx));
    return Status::Ok();
  }));
  return apps;
}

Result<std::optional<std::int64_t>> RegistrationService::Grant(
    const std::string& user_id, const std::string& app, const std::vector<std::string>& paths,
    const Caller& caller) {
  const std::string object = UserObject(user_id);
  std::vector<std::string> prefixes = paths.empty() ? std::vector<std::string>{"/"} : paths;
  for (const std::string& p : prefixes) {
    if (Status s = CheckPathPrefix(p); !s.ok()) {
      return Refuse("reg.entitlement.grant", object, s, caller);
    }
  }
  const std::int64_t now = Now();
  const directory::RegEntitlementRecord record{user_id, app, nlohmann::json(prefixes).dump(),
                                               caller.name, now};
  std::optional<std::int64_t> version;
  Status s = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(version, directory::GrantEntitlement(tx, record));
    return AuditIn(tx, caller, "reg.entitlement.grant", object,
                   nlohmann::json{{"app", app}, {"paths", prefixes}}.dump(), now);
  });
  if (!s.ok()) return Refuse("reg.entitlement.grant", object, s, caller);
  return version;
}

Result<std::optional<std::int64_t>> RegistrationService::Revoke(const std::string& user_id,
                                                                const std::string& app,
                                                                const Caller& caller) {
  const std::string object = UserObject(user_id);
  const std::int64_t now = Now();
  std::optional<std::int64_t> version;
  Status s = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(version, directory::RevokeEntitlement(tx, user_id, app, now));
    return AuditIn(tx, caller, "reg.entitlement.revoke", object,
                   nlohmann::json{{"app", app}}.dump(), now);
  });
  if (!s.ok()) return Refuse("reg.entitlement.revoke", object, s, caller);
  return version;
}

}  // namespace tessera::registration
