// RAII over OpenSSL objects: each handle is a move-only unique_ptr whose
// deleter calls the matching *_free. Also the one place that turns OpenSSL's
// error queue into a Status, and where borrowed OSSL_PARAMs are built. The
// free functions are stateless and thread-safe.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::ossl {

template <auto Fn>
struct Deleter {
  template <typename T>
  void operator()(T* p) const noexcept {
    Fn(p);
  }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_clear_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, Deleter<BN_CTX_free>>;
using EcGroupPtr = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP_free>>;
using EcPointPtr = std::unique_ptr<EC_POINT, Deleter<EC_POINT_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using X509ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>>;
using Asn1OctetPtr = std::unique_ptr<ASN1_OCTET_STRING, Deleter<ASN1_OCTET_STRING_free>>;
using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, Deleter<ASN1_OBJECT_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;
using MacPtr = std::unique_ptr<EVP_MAC, Deleter<EVP_MAC_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, Deleter<EVP_MAC_CTX_free>>;
using KdfPtr = std::unique_ptr<EVP_KDF, Deleter<EVP_KDF_free>>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, Deleter<EVP_KDF_CTX_free>>;
using Pkcs8InfoPtr = std::unique_ptr<PKCS8_PRIV_KEY_INFO, Deleter<PKCS8_PRIV_KEY_INFO_free>>;

// An OSSL_PARAM that borrows `value` (which must outlive the call it is
// passed to). Never a null pointer, even for an empty value: OpenSSL reads
// (nullptr, 0) as "absent", where an empty HMAC key or HKDF input is meant.
OSSL_PARAM OctetParam(const char* name, ByteView value);
// A borrowed UTF-8 string parameter (a cipher or digest name).
OSSL_PARAM Utf8Param(const char* name, const char* value);
// `data.data()`, or a valid pointer when `data` is empty (see OctetParam).
const unsigned char* NonNullData(ByteView data);

// Drains OpenSSL's thread-local error queue into one line.
std::string DrainErrors();
// Status::Internal("<what>: <drained errors>").
Status Error(std::string_view what);

// DER encodings of certificates and keys.
Result<Bytes> CertToDer(X509* cert);
Result<X509Ptr> CertFromDer(ByteView der);
Result<Bytes> PublicKeyToDer(EVP_PKEY* key);  // SubjectPublicKeyInfo
Result<PkeyPtr> PublicKeyFromDer(ByteView der);
Result<SecureBytes> PrivateKeyToDer(EVP_PKEY* key);  // PKCS#8, unencrypted, zeroized
Result<PkeyPtr> PrivateKeyFromDer(ByteView der);

// Big-endian magnitude of `bn`, left-padded with zeros to `width` (0: minimal).
Bytes BnToBytes(const BIGNUM* bn, std::size_t width = 0);
BnPtr BnFromBytes(ByteView b);

}  // namespace tessera::ossl
