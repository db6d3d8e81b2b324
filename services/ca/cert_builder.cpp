#include "services/ca/cert_builder.hpp"

#include <openssl/x509v3.h>

namespace tessera::ca {
namespace {

using Asn1EnumPtr = std::unique_ptr<ASN1_ENUMERATED, ossl::Deleter<ASN1_ENUMERATED_free>>;
using RevokedPtr = std::unique_ptr<X509_REVOKED, ossl::Deleter<X509_REVOKED_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, ossl::Deleter<ASN1_TIME_free>>;

Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  ossl::X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return ossl::Error(std::string("extension ") + OBJ_nid2sn(nid) + " = " + value);
  }
  return Status::Ok();
}

Result<ossl::Asn1IntegerPtr> Integer(ByteView magnitude) {
  ossl::BnPtr bn = ossl::BnFromBytes(magnitude);
  if (!bn) return ossl::Error("BN_bin2bn");
  ossl::Asn1IntegerPtr integer(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!integer) return ossl::Error("BN_to_ASN1_INTEGER");
  return integer;
}

std::string BasicConstraints(const CertificateSpec& spec) {
  if (!spec.profile->ca) return "critical,CA:FALSE";
  // A root may sign issuing CAs; an issuing CA signs end entities only.
  return spec.issuer == nullptr ? "critical,CA:TRUE" : "critical,CA:TRUE,pathlen:0";
}

Status AddProfileExtensions(X509* cert, X509V3_CTX* ctx, const CertificateSpec& spec) {
  const Profile& p = *spec.profile;
  TESSERA_RETURN_IF_ERROR(AddExtension(cert, ctx, NID_basic_constraints, BasicConstraints(spec)));
  const bool rsa = EVP_PKEY_is_a(spec.public_key, "RSA") == 1;
  const char* usage = rsa && p.key_usage_rsa != nullptr ? p.key_usage_rsa : p.key_usage;
  TESSERA_RETURN_IF_ERROR(AddExtension(cert, ctx, NID_key_usage, usage));
  if (p.extended_key_usage != nullptr) {
    TESSERA_RETURN_IF_ERROR(AddExtension(cert, ctx, NID_ext_key_usage, p.extended_key_usage));
  }
  // SKI before AKI: a self-signed certificate's AKI is read from its SKI.
  TESSERA_RETURN_IF_ERROR(AddExtension(cert, ctx, NID_subject_key_identifier, "hash"));
  TESSERA_RETURN_IF_ERROR(AddExtension(cert, ctx, NID_authority_key_identifier, "keyid:always"));
  if (p.ocsp_nocheck) {
    // The value is ignored: the extension is a NULL (RFC 6960 §4.2.2.2.1).
    TESSERA_RETURN_IF_ERROR(AddExtension(cert, ctx, NID_id_pkix_OCSP_noCheck, "ignored"));
  }
  if (spec.subject_alt_names != nullptr && sk_GENERAL_NAME_num(spec.subject_alt_names) > 0) {
    // RFC 5280 §4.2.1.6: critical when the subject is empty.
    const int critical = X509_NAME_entry_count(spec.subject) == 0 ? 1 : 0;
    if (X509_add1_ext_i2d(cert, NID_subject_alt_name,
                          const_cast<GENERAL_NAMES*>(spec.subject_alt_names),  // NOLINT: only read
                          critical, X509V3_ADD_DEFAULT) != 1) {
      return ossl::Error("subjectAltName");
    }
  }
  if (p.revocation_pointers && spec.issuer != nullptr) {
    if (!spec.crl_url.empty()) {
      TESSERA_RETURN_IF_ERROR(
          AddExtension(cert, ctx, NID_crl_distribution_points, "URI:" + spec.crl_url));
    }
    if (!spec.ocsp_url.empty()) {
      TESSERA_RETURN_IF_ERROR(
          AddExtension(cert, ctx, NID_info_access, "OCSP;URI:" + spec.ocsp_url));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<ossl::X509Ptr> BuildCertificate(const CertificateSpec& spec) {
  ossl::X509Ptr cert(X509_new());
  if (!cert) return ossl::Error("X509_new");
  TESSERA_ASSIGN_OR_RETURN(ossl::Asn1IntegerPtr serial, Integer(spec.serial));
  const X509_NAME* issuer_name =
      spec.issuer != nullptr ? X509_get_subject_name(spec.issuer) : spec.subject;
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_serialNumber(cert.get(), serial.get()) != 1 ||
      X509_set_subject_name(cert.get(), spec.subject) != 1 ||
      X509_set_issuer_name(cert.get(), issuer_name) != 1 ||
      X509_set_pubkey(cert.get(), spec.public_key) != 1 ||
      ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(spec.not_before)) ==
          nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(spec.not_after)) ==
          nullptr) {
    return ossl::Error("certificate fields");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, spec.issuer != nullptr ? spec.issuer : cert.get(), cert.get(), nullptr,
                 nullptr, 0);
  TESSERA_RETURN_IF_ERROR(AddProfileExtensions(cert.get(), &ctx, spec));
  return cert;
}

Result<CrlPtr> BuildCrl(const CrlSpec& spec) {
  CrlPtr crl(X509_CRL_new());
  Asn1TimePtr this_update(ASN1_TIME_set(nullptr, static_cast<time_t>(spec.this_update)));
  Asn1TimePtr next_update(ASN1_TIME_set(nullptr, static_cast<time_t>(spec.next_update)));
  if (!crl || !this_update || !next_update ||
      X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(spec.issuer)) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), this_update.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next_update.get()) != 1) {
    return ossl::Error("CRL fields");
  }
  for (const directory::RevocationRecord& record : spec.revoked) {
    RevokedPtr entry(X509_REVOKED_new());
    TESSERA_ASSIGN_OR_RETURN(ossl::Asn1IntegerPtr serial, Integer(record.serial));
    Asn1TimePtr date(ASN1_TIME_set(nullptr, static_cast<time_t>(record.revoked_at)));
    if (!entry || !date || X509_REVOKED_set_serialNumber(entry.get(), serial.get()) != 1 ||
        X509_REVOKED_set_revocationDate(entry.get(), date.get()) != 1) {
      return ossl::Error("CRL entry");
    }
    if (record.reason != 0) {
      Asn1EnumPtr reason(ASN1_ENUMERATED_new());
      if (!reason || ASN1_ENUMERATED_set(reason.get(), record.reason) != 1 ||
          X509_REVOKED_add1_ext_i2d(entry.get(), NID_crl_reason, reason.get(), 0, 0) != 1) {
        return ossl::Error("CRL entry reason code");
      }
    }
    if (X509_CRL_add0_revoked(crl.get(), entry.get()) != 1) return ossl::Error("CRL entry");
    (void)entry.release();  // the CRL owns it now
  }
  ossl::Asn1IntegerPtr number(ASN1_INTEGER_new());
  if (!number || ASN1_INTEGER_set_int64(number.get(), spec.number) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) != 1) {
    return ossl::Error("cRLNumber");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, spec.issuer, nullptr, nullptr, crl.get(), 0);
  ossl::X509ExtPtr aki(
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
  if (!aki || X509_CRL_add_ext(crl.get(), aki.get(), -1) != 1) {
    return ossl::Error("CRL authority key identifier");
  }
  if (X509_CRL_sort(crl.get()) != 1) return ossl::Error("X509_CRL_sort");
  return crl;
}

}  // namespace tessera::ca
