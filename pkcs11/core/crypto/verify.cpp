#include <openssl/rsa.h>

#include <algorithm>

#include "pkcs11/core/crypto/curve.hpp"
#include "pkcs11/core/crypto/ecdsa_encoding.hpp"
#include "pkcs11/core/crypto/key_codec.hpp"
#include "pkcs11/core/crypto/public_ops.hpp"

namespace tessera::p11::crypto {
namespace {

Status SignatureInvalid() {
  ossl::DrainErrors();  // OpenSSL queues the reason; it is no error of ours
  return Status::InvalidArgument(std::string(kSignatureInvalidMessage));
}

// RSA padding to set on a verification context; mode 0 leaves the key's default.
struct RsaPadding {
  int mode = 0;
  Hash mgf1 = Hash::kSha256;
  int salt_len = 0;
};

bool Apply(EVP_PKEY_CTX* ctx, const RsaPadding& pad) {
  if (pad.mode == 0) return true;
  if (EVP_PKEY_CTX_set_rsa_padding(ctx, pad.mode) != 1) return false;
  if (pad.mode != RSA_PKCS1_PSS_PADDING) return true;
  return EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, HashMd(pad.mgf1)) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, pad.salt_len) == 1;
}

// Hash-and-verify, or pure EdDSA when md is null.
Status DigestVerify(EVP_PKEY* key, const EVP_MD* md, const RsaPadding& pad, ByteView msg,
                    ByteView sig) {
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key) != 1 || !Apply(pctx, pad)) {
    return ossl::Error("EVP_DigestVerifyInit");
  }
  if (EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), msg.data(), msg.size()) != 1) {
    return SignatureInvalid();
  }
  return Status::Ok();
}

// Verifies a signature over an already computed digest.
Status PkeyVerify(EVP_PKEY* key, const EVP_MD* md, const RsaPadding& pad, ByteView tbs,
                  ByteView sig) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
      (md != nullptr && EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1) ||
      !Apply(ctx.get(), pad)) {
    return ossl::Error("EVP_PKEY_verify_init");
  }
  if (EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), tbs.data(), tbs.size()) != 1) {
    return SignatureInvalid();
  }
  return Status::Ok();
}

// sig^e with `mode` padding removed, compared with `expected`.
Status RecoverAndCompare(EVP_PKEY* key, int mode, ByteView sig, ByteView expected) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  std::size_t len = 0;
  if (!ctx || EVP_PKEY_verify_recover_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), mode) != 1 ||
      EVP_PKEY_verify_recover(ctx.get(), nullptr, &len, sig.data(), sig.size()) != 1) {
    return ossl::Error("EVP_PKEY_verify_recover_init");
  }
  Bytes recovered(len);
  if (EVP_PKEY_verify_recover(ctx.get(), recovered.data(), &len, sig.data(), sig.size()) != 1) {
    return SignatureInvalid();
  }
  recovered.resize(len);
  return ConstantTimeEqual(recovered, expected) ? Status::Ok() : SignatureInvalid();
}

// CKM_RSA_X_509: sig^e must equal `data` as a k-byte integer.
Status VerifyRsaRaw(EVP_PKEY* key, const SignParams& params, ByteView data, ByteView sig,
                    std::size_t k) {
  if (params.hash) return Status::InvalidArgument("RSA raw: no hash-and-sign variant");
  if (data.size() > k) return Status::InvalidArgument("RSA raw: data longer than modulus");
  Bytes expected(k - data.size(), 0x00);
  Append(expected, data);
  return RecoverAndCompare(key, RSA_NO_PADDING, sig, expected);
}

// RSA-PSS with the exact salt length of the parameters (PKCS#11 gives sLen).
Status VerifyRsaPss(EVP_PKEY* key, const SignParams& params, ByteView data, ByteView sig,
                    std::size_t k) {
  // OpenSSL reads negative salt lengths as "auto"; never let the cast make one.
  if (params.salt_len > k) return Status::InvalidArgument("RSA-PSS: salt longer than modulus");
  if (params.hash && *params.hash != params.pss_hash) {
    return Status::InvalidArgument("RSA-PSS: parameter hash differs from the mechanism's");
  }
  const RsaPadding pss{RSA_PKCS1_PSS_PADDING, params.mgf1, static_cast<int>(params.salt_len)};
  if (params.hash) return DigestVerify(key, HashMd(params.pss_hash), pss, data, sig);
  if (data.size() != HashSize(params.pss_hash)) {
    return Status::InvalidArgument("RSA-PSS: data is not a digest of the PSS hash");
  }
  return PkeyVerify(key, HashMd(params.pss_hash), pss, data, sig);
}

Status VerifyRsa(EVP_PKEY* key, const SignParams& params, ByteView data, ByteView sig) {
  const std::size_t k = (RsaModulusBits(key) + 7) / 8;
  if (k == 0) return Status::InvalidArgument("RSA scheme needs an RSA key");
  if (sig.size() != k) return SignatureInvalid();
  switch (params.scheme) {
    case SignScheme::kRsaPkcs1:
      if (params.hash) {
        return DigestVerify(key, HashMd(*params.hash), {RSA_PKCS1_PADDING}, data, sig);
      }
      return RecoverAndCompare(key, RSA_PKCS1_PADDING, sig, data);
    case SignScheme::kRsaPss: return VerifyRsaPss(key, params, data, sig, k);
    case SignScheme::kRsaRaw: return VerifyRsaRaw(key, params, data, sig, k);
    case SignScheme::kEcdsa:
    case SignScheme::kEddsa: break;
  }
  return Status::InvalidArgument("not an RSA signature scheme");
}

Status VerifyEcdsa(EVP_PKEY* key, const SignParams& params, ByteView data, ByteView sig) {
  Result<Curve> curve = CurveOf(key);
  if (!curve.ok() || !IsWeierstrass(*curve)) {
    return Status::InvalidArgument("ECDSA needs a P-256 or P-384 key");
  }
  if (sig.size() != 2 * FieldBytes(*curve)) return SignatureInvalid();
  TESSERA_ASSIGN_OR_RETURN(Bytes der, EcdsaRawToDer(sig));
  if (params.hash) return DigestVerify(key, HashMd(*params.hash), {}, data, der);
  return PkeyVerify(key, nullptr, {}, data, der);
}

Status VerifyEddsa(EVP_PKEY* key, const SignParams& params, ByteView data, ByteView sig) {
  Result<Curve> curve = CurveOf(key);
  if (!curve.ok() || *curve != Curve::kEd25519) {
    return Status::InvalidArgument("EdDSA needs an Ed25519 key");
  }
  if (params.hash) return Status::InvalidArgument("EdDSA: no hash-and-sign variant");
  if (sig.size() != 64) return SignatureInvalid();  // RFC 8032 §5.1.6
  return DigestVerify(key, nullptr, {}, data, sig);
}

}  // namespace

bool IsSignatureInvalid(const Status& status) {
  return status.code() == Code::kInvalidArgument && status.message() == kSignatureInvalidMessage;
}

Status Verify(EVP_PKEY* key, const SignParams& params, ByteView data, ByteView signature) {
  if (key == nullptr) return Status::InvalidArgument("no key");
  switch (params.scheme) {
    case SignScheme::kEcdsa: return VerifyEcdsa(key, params, data, signature);
    case SignScheme::kEddsa: return VerifyEddsa(key, params, data, signature);
    case SignScheme::kRsaPkcs1:
    case SignScheme::kRsaPss:
    case SignScheme::kRsaRaw: return VerifyRsa(key, params, data, signature);
  }
  return Status::InvalidArgument("unknown signature scheme");
}

}  // namespace tessera::p11::crypto
