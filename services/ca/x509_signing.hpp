// Signing what OpenSSL builds with a key that stays in the HSM
// (DESIGN.md "CA and audit"): certificates and CRLs.
//
// OpenSSL 3 has no public setter for the signature AlgorithmIdentifier
// inside a TBSCertificate or TBSCertList, so the object is first signed with
// a throw-away host key of the same algorithm family (which writes both
// AlgorithmIdentifiers), the TBS is re-encoded (i2d_re_X509_tbs), signed in
// the HSM through hsm::SignForX509, and the signed object is assembled
// (RFC 5280 §4.1.1) and parsed back. The result is verified with the
// issuer's public key before it is returned, so an HSM fault never leaves
// the CA. The throw-away keys are made once per process. Stateless;
// thread-safe; the session's thread.
#pragma once

#include <openssl/x509.h>

#include <memory>

#include "common/ossl.hpp"
#include "common/status.hpp"
#include "hsm/hsm_session.hpp"
#include "hsm/signing_key.hpp"

namespace tessera::ca {

using CrlPtr = std::unique_ptr<X509_CRL, ossl::Deleter<X509_CRL_free>>;

// `issuer_key`: the issuer's public key (the signing key's own), to verify.
Result<ossl::X509Ptr> SignCertificate(X509* certificate, hsm::HsmSession& session,
                                      const hsm::SigningKey& key, EVP_PKEY* issuer_key);
Result<CrlPtr> SignCrl(X509_CRL* crl, hsm::HsmSession& session, const hsm::SigningKey& key,
                       EVP_PKEY* issuer_key);

// The DER of `certificate` / `crl`.
Result<Bytes> CrlToDer(X509_CRL* crl);

}  // namespace tessera::ca
