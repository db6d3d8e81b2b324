#include "common/ossl.hpp"

#include <openssl/err.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>

namespace tessera::ossl {

std::string DrainErrors() {
  std::string out;
  unsigned long e = 0;
  char buf[256];
  while ((e = ERR_get_error()) != 0) {
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no OpenSSL error recorded" : out;
}

Status Error(std::string_view what) {
  return Status::Internal(std::string(what) + ": " + DrainErrors());
}

const unsigned char* NonNullData(ByteView data) {
  static const unsigned char kEmpty = 0;
  return data.empty() ? &kEmpty : data.data();
}

OSSL_PARAM OctetParam(const char* name, ByteView value) {
  // OpenSSL only reads octet-string parameters passed in; the cast is its API's.
  return OSSL_PARAM_construct_octet_string(name, const_cast<unsigned char*>(NonNullData(value)),
                                           value.size());
}

OSSL_PARAM Utf8Param(const char* name, const char* value) {
  return OSSL_PARAM_construct_utf8_string(name, const_cast<char*>(value), 0);
}

Result<Bytes> CertToDer(X509* cert) {
  int n = i2d_X509(cert, nullptr);
  if (n <= 0) return Error("i2d_X509");
  Bytes out(static_cast<std::size_t>(n));
  unsigned char* p = out.data();
  i2d_X509(cert, &p);
  return out;
}

Result<X509Ptr> CertFromDer(ByteView der) {
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return Status::InvalidArgument("not a DER certificate: " + DrainErrors());
  return cert;
}

Result<Bytes> PublicKeyToDer(EVP_PKEY* key) {
  int n = i2d_PUBKEY(key, nullptr);
  if (n <= 0) return Error("i2d_PUBKEY");
  Bytes out(static_cast<std::size_t>(n));
  unsigned char* p = out.data();
  i2d_PUBKEY(key, &p);
  return out;
}

Result<PkeyPtr> PublicKeyFromDer(ByteView der) {
  const unsigned char* p = der.data();
  PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!key) return Status::InvalidArgument("not a DER public key: " + DrainErrors());
  return key;
}

Result<SecureBytes> PrivateKeyToDer(EVP_PKEY* key) {
  // i2d_PrivateKey would give PKCS#1 or SEC 1; PKCS#8 is one format for all key types.
  Pkcs8InfoPtr info(EVP_PKEY2PKCS8(key));
  if (!info) return Error("EVP_PKEY2PKCS8");
  int n = i2d_PKCS8_PRIV_KEY_INFO(info.get(), nullptr);
  if (n <= 0) return Error("i2d_PKCS8_PRIV_KEY_INFO");
  SecureBytes out(static_cast<std::size_t>(n));
  unsigned char* p = out.data();
  i2d_PKCS8_PRIV_KEY_INFO(info.get(), &p);
  return out;
}

Result<PkeyPtr> PrivateKeyFromDer(ByteView der) {
  const unsigned char* p = der.data();
  PkeyPtr key(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size())));
  if (!key) return Status::InvalidArgument("not a DER private key: " + DrainErrors());
  return key;
}

Bytes BnToBytes(const BIGNUM* bn, std::size_t width) {
  auto n = static_cast<std::size_t>(BN_num_bytes(bn));
  Bytes out(std::max(n, width));
  BN_bn2binpad(bn, out.data(), static_cast<int>(out.size()));
  return out;
}

BnPtr BnFromBytes(ByteView b) {
  return BnPtr(BN_bin2bn(b.data(), static_cast<int>(b.size()), nullptr));
}

}  // namespace tessera::ossl
