// The attributes PKCS#11 gives a key pair and a certificate, from OpenSSL
// objects (PKCS#11 2.40 §4.6–§4.9, §2.3 for EC): drivers call these so every
// token presents keys the same way. Stateless.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/ossl.hpp"
#include "common/status.hpp"
#include "pkcs11/model/object.hpp"

namespace tessera::p11 {

// CKK_RSA, CKK_EC, CKK_EC_EDWARDS or CKK_EC_MONTGOMERY.
Result<KeyType> KeyTypeOf(EVP_PKEY* key);

// CKA_KEY_TYPE, CKA_PUBLIC_KEY_INFO, and the public values: CKA_MODULUS,
// CKA_MODULUS_BITS and CKA_PUBLIC_EXPONENT for RSA; CKA_EC_PARAMS and
// CKA_EC_POINT for the curves. Works for public and private key objects.
Status AddPublicKeyAttributes(Object& object, EVP_PKEY* key);

// The attributes of an X.509 certificate object (§4.6.3): CKA_CERTIFICATE_TYPE,
// CKA_VALUE, CKA_SUBJECT, CKA_ISSUER, CKA_SERIAL_NUMBER, CKA_PUBLIC_KEY_INFO;
// the public key of the certificate comes back in `public_key`.
Status AddCertificateAttributes(Object& object, ByteView der, ossl::PkeyPtr* public_key);

// The subject of a DER certificate, DER-encoded (for the key objects' CKA_SUBJECT).
Result<Bytes> CertificateSubject(ByteView der);

}  // namespace tessera::p11
