#include "services/softtoken/id_token.hpp"

#include <openssl/x509.h>

#include <optional>

#include "common/ossl.hpp"
#include "services/directory/stores/cms_store.hpp"
#include "services/directory/stores/user_store.hpp"

namespace tessera::softtoken {
namespace {

std::string Rfc4514(const X509_NAME* name) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return {};
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

// The CA here whose certificate's subject is `issuer`.
Result<std::optional<std::string>> IssuingCa(ca::CaService& ca, const X509_NAME* issuer) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<directory::CaRecord> cas, ca.List());
  for (const directory::CaRecord& record : cas) {
    Result<ossl::X509Ptr> cert = ossl::CertFromDer(record.certificate);
    if (cert.ok() && X509_NAME_cmp(X509_get_subject_name(cert->get()), issuer) == 0) {
      return std::optional<std::string>(record.name);
    }
  }
  return std::optional<std::string>();
}

}  // namespace

Result<IdToken> CheckIdToken(directory::Database& db, ca::CaService& ca, ByteView certificate,
                             std::int64_t now) {
  if (certificate.empty()) {
    return Status::SecurityStatus(
        "no ID token: the connection did not authenticate with a client certificate");
  }
  Result<ossl::X509Ptr> x509 = ossl::CertFromDer(certificate);
  if (!x509.ok()) return Status::SecurityStatus("the client certificate does not parse");
  TESSERA_ASSIGN_OR_RETURN(std::optional<std::string> ca_name,
                           IssuingCa(ca, X509_get_issuer_name(x509->get())));
  if (!ca_name) return Status::SecurityStatus("the client certificate comes from no CA here");
  const ASN1_INTEGER* serial_asn1 = X509_get0_serialNumber(x509->get());
  ossl::BnPtr bn(ASN1_INTEGER_to_BN(serial_asn1, nullptr));
  if (!bn) return ossl::Error("ASN1_INTEGER_to_BN");
  const Bytes serial = ossl::BnToBytes(bn.get());

  std::optional<directory::CertificateRecord> issued;
  std::optional<directory::RevocationRecord> revocation;
  std::optional<directory::BindingRecord> binding;
  TESSERA_RETURN_IF_ERROR(db.Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(issued, directory::FindCertificate(tx, *ca_name, serial));
    TESSERA_ASSIGN_OR_RETURN(revocation, directory::FindRevocation(tx, *ca_name, serial));
    if (issued && issued->token_serial) {
      TESSERA_ASSIGN_OR_RETURN(binding, directory::LiveBindingOfToken(tx, *issued->token_serial));
    }
    return Status::Ok();
  }));
  if (!issued || issued->der != Bytes(certificate.begin(), certificate.end())) {
    return Status::SecurityStatus("the client certificate is not one CA '" + *ca_name + "' issued");
  }
  if (revocation) return Status::SecurityStatus("the card's certificate is revoked");
  if (issued->not_before > now || issued->not_after <= now) {
    return Status::SecurityStatus("the card's certificate is not valid now");
  }
  if (!issued->token_serial || !issued->user_id) {
    return Status::SecurityStatus("the client certificate is not on a card the CMS issued");
  }
  const std::string card = "card " + std::to_string(*issued->token_serial);
  if (!binding || binding->state != "active" || binding->user_id != *issued->user_id) {
    return Status::SecurityStatus(card + " has no active binding to user " + *issued->user_id +
                                  " (revoked, superseded or never activated)");
  }
  IdToken out;
  out.user_id = *issued->user_id;
  out.card_serial = *issued->token_serial;
  out.binding_id = binding->id;
  out.subject = Rfc4514(X509_get_subject_name(x509->get()));
  TESSERA_ASSIGN_OR_RETURN(out.spki, ossl::PublicKeyToDer(X509_get0_pubkey(x509->get())));
  out.certificate = std::move(*issued);
  return out;
}

Result<Attributes> ReadAttributes(directory::SqlTransaction& tx, const IdToken& id) {
  TESSERA_ASSIGN_OR_RETURN(std::optional<directory::UserRecord> user,
                           directory::FindUser(tx, id.user_id));
  if (!user) return Status::NotFound("user '" + id.user_id + "' is no longer in the directory");
  Attributes out;
  auto add = [&](const char* name, const std::string& value) {
    if (!value.empty()) out.emplace_back(name, value);
  };
  add("user_id", user->id);
  add("name", user->display_name);
  add("organization", user->organization);
  add("email", user->email);
  add("document", user->document);
  add("subject", id.subject);
  add("card_serial", std::to_string(id.card_serial));
  return out;
}

}  // namespace tessera::softtoken
