#include <openssl/crypto.h>
#include <openssl/rsa.h>

#include <string>

#include "pkcs11/core/crypto/key_codec.hpp"
#include "pkcs11/core/crypto/public_ops.hpp"

namespace tessera::p11::crypto {
namespace {

// The largest message each padding carries in k bytes (RFC 8017 §7.1.1 step
// 1b, §7.2.1 step 1); raw input is the whole block.
std::size_t MaxPlain(const CipherParams& params, std::size_t k) {
  std::size_t overhead = 0;
  switch (params.scheme) {
    case CipherScheme::kRsaPkcs1: overhead = 11; break;
    case CipherScheme::kRsaOaep: overhead = 2 * HashSize(params.oaep_hash) + 2; break;
    case CipherScheme::kRsaRaw: overhead = 0; break;
  }
  return k > overhead ? k - overhead : 0;
}

Status SetOaep(EVP_PKEY_CTX* ctx, const CipherParams& params) {
  if (EVP_PKEY_CTX_set_rsa_oaep_md(ctx, HashMd(params.oaep_hash)) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, HashMd(params.mgf1)) != 1) {
    return ossl::Error("RSA-OAEP hashes");
  }
  if (params.label.empty()) return Status::Ok();
  // set0 takes ownership of an OPENSSL_malloc'd copy.
  void* label = OPENSSL_memdup(params.label.data(), params.label.size());
  if (label == nullptr ||
      EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, label, static_cast<int>(params.label.size())) != 1) {
    OPENSSL_free(label);
    return ossl::Error("RSA-OAEP label");
  }
  return Status::Ok();
}

Status SetPadding(EVP_PKEY_CTX* ctx, const CipherParams& params) {
  int mode = RSA_PKCS1_PADDING;
  if (params.scheme == CipherScheme::kRsaOaep) mode = RSA_PKCS1_OAEP_PADDING;
  if (params.scheme == CipherScheme::kRsaRaw) mode = RSA_NO_PADDING;
  if (EVP_PKEY_CTX_set_rsa_padding(ctx, mode) != 1) return ossl::Error("RSA padding");
  return params.scheme == CipherScheme::kRsaOaep ? SetOaep(ctx, params) : Status::Ok();
}

}  // namespace

Result<Bytes> Encrypt(EVP_PKEY* rsa_public, const CipherParams& params, ByteView plain) {
  const std::size_t k = (RsaModulusBits(rsa_public) + 7) / 8;
  if (k == 0) return Status::InvalidArgument("RSA encryption needs an RSA key");
  if (plain.size() > MaxPlain(params, k)) {
    return Status::InvalidArgument("RSA encryption: " + std::to_string(plain.size()) +
                                   " bytes do not fit a " + std::to_string(k) +
                                   "-byte modulus with this padding");
  }
  Bytes input(plain.begin(), plain.end());
  if (params.scheme == CipherScheme::kRsaRaw) input.insert(input.begin(), k - plain.size(), 0x00);

  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(rsa_public, nullptr));
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1) return ossl::Error("EVP_PKEY_encrypt_init");
  TESSERA_RETURN_IF_ERROR(SetPadding(ctx.get(), params));
  std::size_t len = 0;
  if (EVP_PKEY_encrypt(ctx.get(), nullptr, &len, input.data(), input.size()) != 1) {
    return ossl::Error("EVP_PKEY_encrypt length");
  }
  Bytes out(len);
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &len, input.data(), input.size()) != 1) {
    // Raw input at or above the modulus is the caller's mistake, not ours.
    if (params.scheme == CipherScheme::kRsaRaw) {
      ossl::DrainErrors();
      return Status::InvalidArgument("RSA raw: input is not below the modulus");
    }
    return ossl::Error("EVP_PKEY_encrypt");
  }
  out.resize(len);
  return out;
}

}  // namespace tessera::p11::crypto
