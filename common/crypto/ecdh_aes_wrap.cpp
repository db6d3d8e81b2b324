#include "common/crypto/ecdh_aes_wrap.hpp"

#include <string>

#include "common/crypto/kdf.hpp"
#include "common/crypto/keywrap.hpp"
#include "common/ossl.hpp"
#include "common/piv/key_material.hpp"

namespace tessera::crypto {
namespace {

constexpr std::size_t kMinKwpBytes = 16;  // RFC 5649 §4.1: two semiblocks

Result<const piv::Curve*> CurveOfKey(EVP_PKEY* key) {
  const piv::Curve* curve = piv::CurveOf(key);
  if (curve == nullptr) {
    return Status::InvalidArgument("ECDH AES key wrap needs a P-256 or P-384 key");
  }
  return curve;
}

Status CheckParams(const EcdhAesWrapParams& params) {
  std::size_t n = params.aes_key_bytes;
  if (n != 16 && n != 24 && n != 32) {
    return Status::InvalidArgument("ECDH AES key wrap: AES key must be 128, 192 or 256 bits");
  }
  if (!params.kdf && !params.shared_data.empty()) {
    return Status::InvalidArgument("ECDH AES key wrap: CKD_NULL takes no shared data");
  }
  return Status::Ok();
}

// SEC 1 §3.3.1: Z is the x coordinate of d * Q, as many bytes as the field.
// The peer's point is validated first (SEC 1 §3.2.2.1).
Result<SecureBytes> SharedSecret(EVP_PKEY* own_private, EVP_PKEY* peer_public) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own_private, nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) return ossl::Error("EVP_PKEY_derive_init");
  if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer_public, /*validate_peer=*/1) != 1) {
    return Status::InvalidArgument("ECDH peer key is not valid for this curve: " +
                                   ossl::DrainErrors());
  }
  std::size_t len = 0;
  if (EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1) return ossl::Error("EVP_PKEY_derive");
  SecureBytes z(len);
  if (EVP_PKEY_derive(ctx.get(), z.data(), &len) != 1) return ossl::Error("EVP_PKEY_derive");
  z.Resize(len);
  return z;
}

// KEK = the first aes_key_bytes of KDF(Z, shared data), or of Z itself for CKD_NULL.
Result<SecureBytes> DeriveKek(const EcdhAesWrapParams& params, const SecureBytes& z) {
  if (params.kdf) return X963Kdf(*params.kdf, z.view(), params.shared_data, params.aes_key_bytes);
  if (z.size() < params.aes_key_bytes) {
    return Status::InvalidArgument("CKD_NULL: the shared secret is shorter than the AES key");
  }
  return SecureBytes(z.view().first(params.aes_key_bytes));
}

Result<SecureBytes> KekFor(EVP_PKEY* own_private, EVP_PKEY* peer_public,
                           const EcdhAesWrapParams& params) {
  TESSERA_ASSIGN_OR_RETURN(SecureBytes z, SharedSecret(own_private, peer_public));
  return DeriveKek(params, z);
}

}  // namespace

Result<std::size_t> EcPointLength(EVP_PKEY* key) {
  TESSERA_ASSIGN_OR_RETURN(const piv::Curve* curve, CurveOfKey(key));
  return curve->point_bytes();
}

Result<Bytes> EcdhAesKeyWrap(EVP_PKEY* recipient_public, const EcdhAesWrapParams& params,
                             ByteView key_material) {
  TESSERA_RETURN_IF_ERROR(CurveOfKey(recipient_public).status());
  // The recipient's key as template: the ephemeral lands on its curve.
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, recipient_public, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_generate(ctx.get(), &raw) != 1) {
    return ossl::Error("ephemeral EC key generation");
  }
  ossl::PkeyPtr ephemeral(raw);
  return EcdhAesKeyWrapWith(recipient_public, ephemeral.get(), params, key_material);
}

Result<Bytes> EcdhAesKeyWrapWith(EVP_PKEY* recipient_public, EVP_PKEY* ephemeral,
                                 const EcdhAesWrapParams& params, ByteView key_material) {
  TESSERA_RETURN_IF_ERROR(CheckParams(params));
  TESSERA_ASSIGN_OR_RETURN(const piv::Curve* curve, CurveOfKey(recipient_public));
  if (piv::CurveOf(ephemeral) != curve) {
    return Status::InvalidArgument("ephemeral key is not on the recipient's curve");
  }
  TESSERA_ASSIGN_OR_RETURN(SecureBytes kek, KekFor(ephemeral, recipient_public, params));
  TESSERA_ASSIGN_OR_RETURN(Bytes wrapped, AesKeyWrapPad(kek.view(), key_material));
  TESSERA_ASSIGN_OR_RETURN(Bytes point, piv::EcPublicPoint(ephemeral, *curve));
  return Concat({point, wrapped});
}

Result<SecureBytes> EcdhAesKeyUnwrap(EVP_PKEY* recipient_private, const EcdhAesWrapParams& params,
                                     ByteView blob) {
  TESSERA_RETURN_IF_ERROR(CheckParams(params));
  TESSERA_ASSIGN_OR_RETURN(const piv::Curve* curve, CurveOfKey(recipient_private));
  // PKCS#11 3.0 "ECDH AES KEY WRAP": the first part is as long as the
  // unwrapping key's public point.
  std::size_t point_len = curve->point_bytes();
  if (blob.size() < point_len + kMinKwpBytes) {
    return Status::InvalidArgument(
        "ECDH AES wrapped key is too short: " + std::to_string(blob.size()) + " bytes");
  }
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr ephemeral,
                           piv::EcPublicKeyFromPoint(*curve, blob.first(point_len)));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes kek, KekFor(recipient_private, ephemeral.get(), params));
  return AesKeyUnwrapPad(kek.view(), blob.subspan(point_len));
}

}  // namespace tessera::crypto
