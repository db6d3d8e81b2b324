#include "common/crypto/kdf.hpp"

#include <openssl/core_names.h>
#include <openssl/kdf.h>

#include <string>
#include <vector>

#include "common/ossl.hpp"

namespace tessera::crypto {
namespace {

constexpr std::size_t kX963MaxOutput = 1024;

// Runs EVP_KDF `name` with `params` (terminated here) into `length` bytes.
Result<SecureBytes> Derive(const char* name, std::vector<OSSL_PARAM> params, std::size_t length) {
  ossl::KdfPtr kdf(EVP_KDF_fetch(nullptr, name, nullptr));
  if (!kdf) return ossl::Error(std::string("EVP_KDF_fetch ") + name);
  ossl::KdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return ossl::Error("EVP_KDF_CTX_new");
  params.push_back(OSSL_PARAM_construct_end());
  SecureBytes out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params.data()) != 1) {
    return ossl::Error(std::string("EVP_KDF_derive ") + name);
  }
  return out;
}

// The parameters borrow `*mode` and `key`.
std::vector<OSSL_PARAM> HkdfParams(Hash hash, int* mode, ByteView key) {
  return {
      ossl::Utf8Param(OSSL_KDF_PARAM_DIGEST, HashName(hash)),
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, mode),
      ossl::OctetParam(OSSL_KDF_PARAM_KEY, key),
  };
}

Status CheckExpandLength(Hash hash, std::size_t length) {
  // RFC 5869 §2.3: L <= 255 * HashLen.
  if (length == 0 || length > 255 * HashSize(hash)) {
    return Status::InvalidArgument("HKDF output must be 1 to 255 * " +
                                   std::to_string(HashSize(hash)) + " bytes, not " +
                                   std::to_string(length));
  }
  return Status::Ok();
}

}  // namespace

Result<SecureBytes> HkdfExtract(Hash hash, ByteView salt, ByteView ikm) {
  int mode = EVP_KDF_HKDF_MODE_EXTRACT_ONLY;
  std::vector<OSSL_PARAM> params = HkdfParams(hash, &mode, ikm);
  // RFC 5869 §2.2: no salt is HashLen zero bytes, which HMAC's key padding
  // makes the same as an empty key; OpenSSL treats an absent salt so.
  if (!salt.empty()) params.push_back(ossl::OctetParam(OSSL_KDF_PARAM_SALT, salt));
  return Derive("HKDF", std::move(params), HashSize(hash));
}

Result<SecureBytes> HkdfExpand(Hash hash, ByteView prk, ByteView info, std::size_t length) {
  TESSERA_RETURN_IF_ERROR(CheckExpandLength(hash, length));
  if (prk.size() < HashSize(hash)) {
    return Status::InvalidArgument("HKDF PRK must be at least HashLen bytes");  // RFC 5869 §2.3
  }
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  std::vector<OSSL_PARAM> params = HkdfParams(hash, &mode, prk);
  if (!info.empty()) params.push_back(ossl::OctetParam(OSSL_KDF_PARAM_INFO, info));
  return Derive("HKDF", std::move(params), length);
}

Result<SecureBytes> Hkdf(Hash hash, ByteView ikm, ByteView salt, ByteView info,
                         std::size_t length) {
  TESSERA_RETURN_IF_ERROR(CheckExpandLength(hash, length));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes prk, HkdfExtract(hash, salt, ikm));
  return HkdfExpand(hash, prk.view(), info, length);
}

Result<SecureBytes> X963Kdf(Hash hash, ByteView shared_secret, ByteView shared_info,
                            std::size_t length) {
  if (length == 0 || length > kX963MaxOutput) {
    return Status::InvalidArgument("X9.63 KDF output must be 1 to 1024 bytes, not " +
                                   std::to_string(length));
  }
  if (shared_secret.empty()) return Status::InvalidArgument("X9.63 KDF needs a shared secret");
  std::vector<OSSL_PARAM> params = {
      ossl::Utf8Param(OSSL_KDF_PARAM_DIGEST, HashName(hash)),
      ossl::OctetParam(OSSL_KDF_PARAM_SECRET, shared_secret),
  };
  if (!shared_info.empty()) params.push_back(ossl::OctetParam(OSSL_KDF_PARAM_INFO, shared_info));
  return Derive("X963KDF", std::move(params), length);
}

}  // namespace tessera::crypto
