// Templates for C_CreateObject, one per object class the conformance suite
// creates, built from values the test knows (so OpenSSL can check what the
// module does with them). None sets CKA_TOKEN: a template without it makes
// a session object (PKCS#11 3.0 §4.4, CKA_TOKEN defaults to CK_FALSE); add
// .Bool(CKA_TOKEN, true) for a token object. Plain values.
#pragma once

#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "tests/integration/pkcs11/api_fixture.hpp"

namespace tessera::testing::conformance {

AttrList DataObject(const std::string& label, ByteView value);
// An X.509 certificate with CKA_VALUE, CKA_SUBJECT, CKA_ISSUER, CKA_SERIAL_NUMBER.
AttrList Certificate(ByteView der, ByteView id);
// CKO_SECRET_KEY of `key_type` (CKK_AES, CKK_GENERIC_SECRET, CKK_DES3) with CKA_VALUE.
AttrList SecretKey(CK_KEY_TYPE key_type, ByteView value);
// RSA keys from an OpenSSL key (the private one with every CRT part).
AttrList RsaPublicKey(EVP_PKEY* key);
AttrList RsaPrivateKey(EVP_PKEY* key);
// EC keys (P-256, P-384) with CKA_EC_PARAMS `params`.
AttrList EcPublicKey(EVP_PKEY* key, ByteView params);
AttrList EcPrivateKey(EVP_PKEY* key, ByteView params);

// CKA_EC_POINT as the PKCS#11 3.0 mechanisms spec's EC public key objects
// hold it: a DER OCTET STRING around the point.
Bytes DerOctetString(ByteView value);

// The bytes of a string (a label, a message).
inline Bytes BytesOf(std::string_view text) { return Bytes(text.begin(), text.end()); }

}  // namespace tessera::testing::conformance
