// IssueCertificate from certs.hpp: X.509 v3 (RFC 5280) with the extensions
// an attestation chain needs.
#include "firmware-sim/crypto/certs.hpp"

#include <openssl/objects.h>

#include <string>

namespace tessera::sim {
namespace {

constexpr std::size_t kSerialBytes = 16;

// RFC 5280 §4.1.2.2: a positive integer of at most 20 octets. 16 Rng bytes
// with the top bit clear stay positive and never need a sign octet.
Status SetSerial(X509* cert, Rng& rng) {
  Bytes serial = rng.Generate(kSerialBytes);
  serial[0] &= 0x7F;
  ossl::BnPtr bn = ossl::BnFromBytes(serial);
  if (!bn) return ossl::Error("BN_bin2bn");
  ossl::Asn1IntegerPtr value(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!value || X509_set_serialNumber(cert, value.get()) != 1) {
    return ossl::Error("X509_set_serialNumber");
  }
  return Status::Ok();
}

// ASN1_TIME_set picks UTCTime before 2050 and GeneralizedTime from then on,
// as RFC 5280 §4.1.2.5 requires.
Status SetValidity(X509* cert, const CertSpec& spec) {
  if (spec.not_after < spec.not_before) {
    return Status::InvalidArgument("certificate not_after precedes not_before");
  }
  if (ASN1_TIME_set(X509_getm_notBefore(cert),
                    std::chrono::system_clock::to_time_t(spec.not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert),
                    std::chrono::system_clock::to_time_t(spec.not_after)) == nullptr) {
    return ossl::Error("ASN1_TIME_set");
  }
  return Status::Ok();
}

Status SetNames(X509* cert, const CertSpec& spec, X509* issuer_cert) {
  ossl::X509NamePtr subject(X509_NAME_new());
  const auto* cn = reinterpret_cast<const unsigned char*>(spec.subject_cn.data());
  if (!subject ||
      X509_NAME_add_entry_by_NID(subject.get(), NID_commonName, MBSTRING_UTF8, cn,
                                 static_cast<int>(spec.subject_cn.size()), -1, 0) != 1 ||
      X509_set_subject_name(cert, subject.get()) != 1) {
    return ossl::Error("certificate subject");
  }
  X509_NAME* issuer = issuer_cert != nullptr ? X509_get_subject_name(issuer_cert) : subject.get();
  if (X509_set_issuer_name(cert, issuer) != 1) return ossl::Error("X509_set_issuer_name");
  return Status::Ok();
}

// An extension from its OpenSSL configuration text ("critical,CA:TRUE").
Status AddConfExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  ossl::X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return ossl::Error(std::string("extension ") + OBJ_nid2sn(nid));
  }
  return Status::Ok();
}

Status AddStandardExtensions(X509* cert, const CertSpec& spec, X509* issuer_cert) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer_cert != nullptr ? issuer_cert : cert, cert, nullptr, nullptr, 0);
  // RFC 5280 §4.2.1.9: basicConstraints critical; §4.2.1.3: keyUsage
  // SHOULD be critical.
  TESSERA_RETURN_IF_ERROR(AddConfExtension(cert, &ctx, NID_basic_constraints,
                                           spec.is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE"));
  TESSERA_RETURN_IF_ERROR(
      AddConfExtension(cert, &ctx, NID_key_usage,
                       spec.is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature"));
  TESSERA_RETURN_IF_ERROR(AddConfExtension(cert, &ctx, NID_subject_key_identifier, "hash"));
  // RFC 5280 §4.2.1.1: certificates a CA issues name the CA's key.
  if (issuer_cert != nullptr && X509_get0_subject_key_id(issuer_cert) != nullptr) {
    TESSERA_RETURN_IF_ERROR(
        AddConfExtension(cert, &ctx, NID_authority_key_identifier, "keyid:always"));
  }
  return Status::Ok();
}

// Caller-supplied extensions (attestation data): OID plus extnValue octets.
Status AddCustomExtension(X509* cert, const CertExtension& extension) {
  ossl::Asn1ObjectPtr oid(OBJ_txt2obj(extension.oid.c_str(), /*no_name=*/1));
  if (!oid) {
    ossl::DrainErrors();
    return Status::InvalidArgument("extension OID \"" + extension.oid + "\" is not dotted decimal");
  }
  ossl::Asn1OctetPtr value(ASN1_OCTET_STRING_new());
  if (!value || ASN1_OCTET_STRING_set(value.get(), extension.der_value.data(),
                                      static_cast<int>(extension.der_value.size())) != 1) {
    return ossl::Error("ASN1_OCTET_STRING_set");
  }
  ossl::X509ExtPtr ext(
      X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), extension.critical ? 1 : 0, value.get()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return ossl::Error("extension " + extension.oid);
  }
  return Status::Ok();
}

// EdDSA signs the message itself (RFC 8410 §3): no digest.
const EVP_MD* SignatureDigest(EVP_PKEY* issuer_key) {
  if (EVP_PKEY_is_a(issuer_key, "ED25519") == 1 || EVP_PKEY_is_a(issuer_key, "ED448") == 1) {
    return nullptr;
  }
  return EVP_sha256();
}

}  // namespace

Result<ossl::X509Ptr> IssueCertificate(const CertSpec& spec, EVP_PKEY* subject_key,
                                       EVP_PKEY* issuer_key, X509* issuer_cert, Rng& rng) {
  if (subject_key == nullptr || issuer_key == nullptr) {
    return Status::InvalidArgument("certificate needs a subject and an issuer key");
  }
  if (issuer_cert != nullptr && X509_check_private_key(issuer_cert, issuer_key) != 1) {
    ossl::DrainErrors();
    return Status::InvalidArgument("issuer key does not match the issuer certificate");
  }
  ossl::X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_pubkey(cert.get(), subject_key) != 1) {
    return ossl::Error("X509_new");
  }
  TESSERA_RETURN_IF_ERROR(SetSerial(cert.get(), rng));
  TESSERA_RETURN_IF_ERROR(SetValidity(cert.get(), spec));
  TESSERA_RETURN_IF_ERROR(SetNames(cert.get(), spec, issuer_cert));
  TESSERA_RETURN_IF_ERROR(AddStandardExtensions(cert.get(), spec, issuer_cert));
  for (const CertExtension& extension : spec.extensions) {
    TESSERA_RETURN_IF_ERROR(AddCustomExtension(cert.get(), extension));
  }
  if (X509_sign(cert.get(), issuer_key, SignatureDigest(issuer_key)) <= 0) {
    return ossl::Error("X509_sign");
  }
  return cert;
}

}  // namespace tessera::sim
