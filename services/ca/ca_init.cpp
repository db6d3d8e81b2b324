// CaService::Init: a root or issuing CA, its key pair and delegated OCSP
// responder in the HSM, its certificate, the responder's, and its first CRL,
// stored with the audit record in one transaction.
#include <openssl/rand.h>

#include <nlohmann/json.hpp>

#include "hsm/key_object.hpp"
#include "services/ca/ca_context.hpp"
#include "services/ca/ca_service.hpp"
#include "services/ca/issuance.hpp"

namespace tessera::ca {
namespace {

constexpr std::int64_t kDay = 86400;

// Key labels carry a random suffix, so a half-finished init (the directory
// down after the keys were made) never blocks the next attempt by name.
std::string KeyLabel(const std::string& role, const std::string& ca) {
  unsigned char suffix[4];
  if (RAND_bytes(suffix, sizeof suffix) != 1) ossl::DrainErrors();
  return "tessera-" + role + "-" + ca + "-" + ToHex(ByteView(suffix, sizeof suffix));
}

// A signing key pair just made; destroyed unless Keep() is called, so a
// failed init leaves no key behind.
struct NewKey {
  hsm::SigningKey key;
  hsm::KeyObject private_key;
  hsm::KeyObject public_key;
  void Keep() {
    (void)std::move(private_key).Keep();
    (void)std::move(public_key).Keep();
  }
};

Result<NewKey> MakeKey(hsm::HsmSession& session, hsm::SigningKeyType type,
                       const std::string& label) {
  TESSERA_ASSIGN_OR_RETURN(hsm::SigningKey key, hsm::GenerateSigningKey(session, type, label));
  hsm::KeyObject private_key(session, key.private_key, label + " (private)");
  hsm::KeyObject public_key(session, key.public_key, label + " (public)");
  return NewKey{std::move(key), std::move(private_key), std::move(public_key)};
}

Result<ossl::PkeyPtr> PublicKeyOf(hsm::HsmSession& session, const hsm::SigningKey& key) {
  TESSERA_ASSIGN_OR_RETURN(Bytes spki, hsm::SigningPublicKeyInfo(session, key));
  return ossl::PublicKeyFromDer(spki);
}

}  // namespace

Result<directory::CaRecord> CaService::Init(const InitRequest& request, const Actor& actor) {
  const std::int64_t now = clock_();
  TESSERA_ASSIGN_OR_RETURN(const Profile* ca_profile, FindProfile("ca"));
  TESSERA_ASSIGN_OR_RETURN(const Profile* ocsp_profile, FindProfile("ocsp"));
  TESSERA_ASSIGN_OR_RETURN(
      ossl::X509NamePtr subject,
      ParseName(request.subject.empty() ? "CN=" + request.name : request.subject));
  TESSERA_ASSIGN_OR_RETURN(ossl::X509NamePtr responder_subject,
                           ParseName("CN=" + request.name + " OCSP Responder"));
  Status read_status = db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(std::optional<directory::CaRecord> taken,
                             directory::FindCa(tx, request.name));
    if (taken) return Status::AlreadyExists("a CA named '" + request.name + "' exists already");
    return Status::Ok();
  });
  TESSERA_RETURN_IF_ERROR(read_status);
  std::shared_ptr<const CaContext> parent;
  if (request.parent) {
    TESSERA_ASSIGN_OR_RETURN(parent, Context(*request.parent));
  }

  TESSERA_ASSIGN_OR_RETURN(HsmPool::Lease lease, pool_.Acquire(request.hsm));
  hsm::HsmSession& session = lease.session();
  TESSERA_ASSIGN_OR_RETURN(NewKey ca_key,
                           MakeKey(session, request.key_type, KeyLabel("ca", request.name)));
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr ca_public, PublicKeyOf(session, ca_key.key));

  // The CA certificate: self-signed, or signed by the parent's key.
  CertificateSpec spec;
  spec.profile = ca_profile;
  TESSERA_ASSIGN_OR_RETURN(spec.serial, RandomSerial());
  spec.subject = subject.get();
  spec.public_key = ca_public.get();
  spec.not_before = now;
  ossl::X509Ptr certificate;
  if (parent) {
    spec.not_after =
        std::min(now + ca_profile->validity_days * kDay, NotAfterOf(parent->certificate.get()));
    spec.crl_url = Url(parent->record.name, "crl");
    spec.ocsp_url = Url(parent->record.name, "ocsp");
    TESSERA_ASSIGN_OR_RETURN(HsmPool::Lease parent_lease, pool_.Acquire(parent->record.hsm));
    TESSERA_ASSIGN_OR_RETURN(hsm::SigningKey parent_key,
                             hsm::FindSigningKey(parent_lease.session(), parent->record.key_label));
    Signer parent_signer{&parent_lease.session(), parent_key, parent->certificate.get(),
                         parent->public_key.get()};
    TESSERA_ASSIGN_OR_RETURN(certificate, MakeCertificate(spec, parent_signer));
  } else {
    spec.not_after = now + ca_profile->root_validity_days * kDay;
    Signer self{&session, ca_key.key, nullptr, ca_public.get()};
    TESSERA_ASSIGN_OR_RETURN(certificate, MakeCertificate(spec, self));
  }
  TESSERA_ASSIGN_OR_RETURN(Bytes ca_der, ToDer(certificate.get()));
  const Bytes ca_serial = spec.serial;
  Signer signer{&session, ca_key.key, certificate.get(), ca_public.get()};

  // The delegated OCSP responder (RFC 6960 §4.2.2.2): always P-256, the
  // cheapest signature for the answers that are not cached.
  TESSERA_ASSIGN_OR_RETURN(NewKey responder_key, MakeKey(session, hsm::SigningKeyType::kP256,
                                                         KeyLabel("ocsp", request.name)));
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr responder_public, PublicKeyOf(session, responder_key.key));
  CertificateSpec responder_spec;
  responder_spec.profile = ocsp_profile;
  TESSERA_ASSIGN_OR_RETURN(responder_spec.serial, RandomSerial());
  responder_spec.subject = responder_subject.get();
  responder_spec.public_key = responder_public.get();
  responder_spec.not_before = now;
  responder_spec.not_after =
      std::min(now + ocsp_profile->validity_days * kDay, NotAfterOf(certificate.get()));
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr responder, MakeCertificate(responder_spec, signer));
  TESSERA_ASSIGN_OR_RETURN(Bytes responder_der, ToDer(responder.get()));

  TESSERA_ASSIGN_OR_RETURN(directory::CrlRecord crl,
                           MakeCrl(request.name, signer, 1, now, options_.crl_validity, {}));

  directory::CaRecord record;
  record.name = request.name;
  record.parent = request.parent;
  record.hsm = request.hsm;
  record.key_label = ca_key.key.label;
  record.key_type = std::string(hsm::ToString(request.key_type));
  record.certificate = ca_der;
  record.ocsp_key_label = responder_key.key.label;
  record.ocsp_certificate = responder_der;
  record.created_at = now;
  const directory::CertificateRecord responder_record = RecordOf(
      request.name, responder_spec.serial, *ocsp_profile, responder.get(), responder_der, now);
  const directory::CertificateRecord ca_record =
      RecordOf(parent ? parent->record.name : request.name, ca_serial, *ca_profile,
               certificate.get(), ca_der, now);
  const audit::AuditEvent event{actor.name, "ca.init", "ca/" + request.name, actor.request_id,
                                nlohmann::json{{"hsm", request.hsm},
                                               {"key", record.key_type},
                                               {"subject", ca_record.subject},
                                               {"parent", request.parent ? *request.parent : ""},
                                               {"serial", SerialHex(ca_serial)}}
                                    .dump()};
  Status transact_status = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(directory::InsertCa(tx, record));
    // A root's own certificate is listed under itself, an issuing CA's
    // under its parent, which answers for it (CRL, OCSP).
    TESSERA_RETURN_IF_ERROR(directory::InsertCertificate(tx, ca_record));
    TESSERA_RETURN_IF_ERROR(directory::InsertCertificate(tx, responder_record));
    TESSERA_RETURN_IF_ERROR(StoreCrl(tx, crl));
    return AuditIn(tx, event, now);
  });
  TESSERA_RETURN_IF_ERROR(transact_status);
  ca_key.Keep();
  responder_key.Keep();
  return record;
}

}  // namespace tessera::ca
