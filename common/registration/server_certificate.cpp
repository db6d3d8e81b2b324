#include "common/registration/server_certificate.hpp"

#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <string>

#include "common/crypto/hash.hpp"
#include "common/ossl.hpp"
#include "common/piv/key_material.hpp"

namespace tessera::registration {
namespace {

const piv::Curve& P256() { return *piv::CurveOf(piv::Algorithm::kEccP256); }

// Seconds since the epoch of an ASN1_TIME, or nullopt when it does not parse.
std::optional<std::uint64_t> Seconds(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return std::nullopt;
  const std::time_t t = timegm(&tm);
  if (t < 0) return std::nullopt;
  return static_cast<std::uint64_t>(t);
}

Status Unfit(const std::string& why) {
  return Status::DataMismatch("the server certificate is not a registration server's: " + why);
}

bool HasRegServerUsage(X509* cert) {
  auto* usages =
      static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
  if (usages == nullptr) return false;
  ossl::Asn1ObjectPtr wanted(OBJ_txt2obj(std::string(kRegServerOid).c_str(), 1));
  bool found = false;
  for (int i = 0; wanted != nullptr && i < sk_ASN1_OBJECT_num(usages); ++i) {
    if (OBJ_cmp(sk_ASN1_OBJECT_value(usages, i), wanted.get()) == 0) found = true;
  }
  EXTENDED_KEY_USAGE_free(usages);
  return found;
}

}  // namespace

Result<ServerKey> CheckServerCertificate(ByteView der, ByteView issuer_point,
                                         std::uint64_t host_time, std::uint64_t time_floor) {
  Result<ossl::X509Ptr> parsed = ossl::CertFromDer(der);
  if (!parsed.ok()) return Status::InvalidArgument("the server certificate does not parse");
  X509* cert = parsed->get();
  if (X509_get_version(cert) != X509_VERSION_3) {
    return Status::InvalidArgument("the server certificate is not X.509 v3");
  }
  if (X509_get_signature_nid(cert) != NID_ecdsa_with_SHA256) {
    return Status::InvalidArgument("the server certificate is not signed with ecdsa-with-SHA256");
  }
  EVP_PKEY* subject_key = X509_get0_pubkey(cert);
  if (subject_key == nullptr || piv::CurveOf(subject_key) != &P256()) {
    return Status::InvalidArgument("the server certificate's key is not P-256");
  }
  Result<ossl::PkeyPtr> issuer = piv::EcPublicKeyFromPoint(P256(), issuer_point);
  if (!issuer.ok()) return Status::InvalidArgument("the issuer key is not a P-256 point");
  if (X509_verify(cert, issuer->get()) != 1) {
    ossl::DrainErrors();
    return Status::SignatureInvalid("the server certificate is not signed by the issuer key");
  }

  if (host_time < time_floor) {
    return Status::ConditionsNotSatisfied(
        "the host time is before the latest registration this token completed");
  }
  const std::optional<std::uint64_t> not_before = Seconds(X509_get0_notBefore(cert));
  const std::optional<std::uint64_t> not_after = Seconds(X509_get0_notAfter(cert));
  if (!not_before || !not_after) {
    return Status::InvalidArgument("the server certificate's validity does not parse");
  }
  if (host_time < *not_before) {
    return Status::ConditionsNotSatisfied("the server certificate is not yet valid");
  }
  if (host_time > *not_after) {
    return Status::ConditionsNotSatisfied("the server certificate has expired");
  }

  const std::uint32_t key_usage = X509_get_key_usage(cert);
  if ((X509_get_extension_flags(cert) & EXFLAG_KUSAGE) == 0 ||
      (key_usage & X509v3_KU_KEY_AGREEMENT) == 0) {
    return Unfit("keyUsage lacks keyAgreement");
  }
  if (!HasRegServerUsage(cert)) return Unfit("the extended key usage lacks id-kp-tesseraRegServer");
  // basicConstraints cA TRUE itself (X509_check_ca would also ask keyUsage).
  if ((X509_get_extension_flags(cert) & EXFLAG_CA) != 0) return Unfit("it is a CA certificate");

  ServerKey key;
  TESSERA_ASSIGN_OR_RETURN(key.point, piv::EcPublicPoint(subject_key, P256()));
  key.not_before = *not_before;
  TESSERA_ASSIGN_OR_RETURN(Bytes spki, ossl::PublicKeyToDer(subject_key));
  TESSERA_ASSIGN_OR_RETURN(key.spki_sha256, crypto::DigestOnce(crypto::Hash::kSha256, spki));
  return key;
}

}  // namespace tessera::registration
