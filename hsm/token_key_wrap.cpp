#include "hsm/token_key_wrap.hpp"

#include <string>
#include <utility>

#include "common/crypto/kdf.hpp"
#include "common/ossl.hpp"
#include "common/piv/key_material.hpp"
#include "hsm/attribute_template.hpp"
#include "hsm/key_ops.hpp"
#include "hsm/key_templates.hpp"
#include "hsm/mechanism.hpp"
#include "hsm/signing_key.hpp"

namespace tessera::hsm {
namespace {

constexpr std::string_view kUserKey = "deliverable user key";

const piv::Curve& P256() { return *piv::CurveOf(piv::Algorithm::kEccP256); }

// The X9.63 hash of a CKD_SHA*_KDF (docs/piv-extensions.md "F2": tag 81).
Result<crypto::Hash> HashOfKdf(CK_ULONG kdf) {
  switch (kdf) {
    case CKD_SHA256_KDF: return crypto::Hash::kSha256;
    case CKD_SHA384_KDF: return crypto::Hash::kSha384;
    case CKD_SHA512_KDF: return crypto::Hash::kSha512;
    default: break;
  }
  return Status::InvalidArgument(
      "token key wrap: the KDF must be CKD_SHA256_KDF, CKD_SHA384_KDF "
      "or CKD_SHA512_KDF");
}

Status CheckParams(const TokenWrapParams& params) {
  TESSERA_RETURN_IF_ERROR(HashOfKdf(params.kdf).status());
  const std::size_t n = params.kek_bytes;
  if (n != 16 && n != 24 && n != 32) {
    return Status::InvalidArgument("token key wrap: the KEK must be 16, 24 or 32 bytes");
  }
  return Status::Ok();
}

// F0 as a validated P-256 public key: a point must lie on the curve (SEC 1
// §3.2.2.1), whichever form it came in.
Result<ossl::PkeyPtr> TokenPublicKey(ByteView token_key) {
  Bytes point(token_key.begin(), token_key.end());
  if (token_key.size() != P256().point_bytes()) {
    Result<ossl::PkeyPtr> spki = ossl::PublicKeyFromDer(token_key);
    if (!spki.ok() || piv::CurveOf(spki->get()) != &P256()) {
      return Status::InvalidArgument("token key wrap: the token key is not a P-256 public key");
    }
    TESSERA_ASSIGN_OR_RETURN(point, piv::EcPublicPoint(spki->get(), P256()));
  }
  Result<ossl::PkeyPtr> key = piv::EcPublicKeyFromPoint(P256(), point);
  if (!key.ok()) {
    return Status::InvalidArgument("token key wrap: the token key is not a P-256 point");
  }
  return key;
}

// CKA_EC_POINT: the DER OCTET STRING around the point (PKCS#11 3.0 §2.3.3).
Bytes EcPointAttribute(ByteView point) {
  Bytes der = {0x04, static_cast<std::uint8_t>(point.size())};  // < 128 bytes for P-256
  der.insert(der.end(), point.begin(), point.end());
  return der;
}

// Step (a): the whole mechanism in the HSM, under F0 imported as a session
// public key.
Result<Bytes> WrapInOneCall(HsmSession& session, CK_OBJECT_HANDLE private_key, ByteView f0_point,
                            const TokenWrapParams& params) {
  TESSERA_ASSIGN_OR_RETURN(KeyObject f0,
                           CreateObject(session,
                                        TokenPublicKeyTemplate(EcCurveParams(SigningKeyType::kP256),
                                                               EcPointAttribute(f0_point)),
                                        "token key F0"));
  return WrapKey(
      session, MechanismSpec::EcdhAesKeyWrap(params.kek_bytes * 8, params.kdf, params.shared_data),
      f0.handle(), private_key, kUserKey);
}

// The blob: the ephemeral point, then AES-KWP of the key's PKCS#8 under the
// KEK, the wrap in the HSM (C_WrapKey, CKM_AES_KEY_WRAP_PAD). The KEK goes
// when `kek` does.
Result<Bytes> WrapUnderKek(HsmSession& session, KeyObject kek, CK_OBJECT_HANDLE private_key,
                           ByteView ephemeral_point) {
  TESSERA_ASSIGN_OR_RETURN(
      Bytes wrapped, WrapKey(session, MechanismSpec::Plain(Mechanism::kAesKeyWrapPad), kek.handle(),
                             private_key, kUserKey));
  return Concat({Bytes(ephemeral_point.begin(), ephemeral_point.end()), wrapped});
}

// Step (b): an ephemeral pair in the HSM and CKM_ECDH1_DERIVE with the X9.63
// KDF straight into the KEK.
Result<Bytes> WrapWithHsmKdf(HsmSession& session, CK_OBJECT_HANDLE private_key, ByteView f0_point,
                             const TokenWrapParams& params) {
  TESSERA_ASSIGN_OR_RETURN(
      KeyPair ephemeral,
      GenerateKeyPair(session, MechanismSpec::Plain(Mechanism::kEcKeyPairGen),
                      EphemeralPublicTemplate(EcCurveParams(SigningKeyType::kP256)),
                      EphemeralPrivateTemplate(), "ephemeral ECDH key"));
  AttributeTemplate kek_template = DeliveryKekTemplate();
  kek_template.Add(Attr::kValueLen, static_cast<CK_ULONG>(params.kek_bytes));
  TESSERA_ASSIGN_OR_RETURN(
      KeyObject kek,
      DeriveKey(session, MechanismSpec::Ecdh1Derive(params.kdf, params.shared_data, f0_point),
                ephemeral.private_key.handle(), std::move(kek_template), "delivery KEK"));
  TESSERA_ASSIGN_OR_RETURN(Bytes spki, EcPublicKeyInfo(session, ephemeral.public_key.handle()));
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr public_key, ossl::PublicKeyFromDer(spki));
  TESSERA_ASSIGN_OR_RETURN(Bytes point, piv::EcPublicPoint(public_key.get(), P256()));
  return WrapUnderKek(session, std::move(kek), private_key, point);
}

// SEC 1 §3.3.1: Z, the x coordinate of d * Q.
Result<SecureBytes> SharedSecret(EVP_PKEY* own_private, EVP_PKEY* peer_public) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own_private, nullptr));
  std::size_t len = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer_ex(ctx.get(), peer_public, /*validate_peer=*/1) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1) {
    return ossl::Error("ECDH with the token key");
  }
  SecureBytes z(len);
  if (EVP_PKEY_derive(ctx.get(), z.data(), &len) != 1) return ossl::Error("EVP_PKEY_derive");
  z.Resize(len);
  return z;
}

// Step (c), for HSMs with neither: the ephemeral ECDH and the X9.63 KDF on
// the host, the KEK imported for the wrap. Z and the KEK's value live in
// SecureBytes inside this block only, and the import template that copies
// the KEK wipes its copy when CreateObject returns.
Result<Bytes> WrapWithHostKdf(HsmSession& session, CK_OBJECT_HANDLE private_key, EVP_PKEY* f0,
                              const TokenWrapParams& params) {
  ossl::PkeyPtr ephemeral(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", P256().group_name));
  if (!ephemeral) return ossl::Error("ephemeral P-256 key generation");
  TESSERA_ASSIGN_OR_RETURN(crypto::Hash hash, HashOfKdf(params.kdf));
  Result<KeyObject> kek = [&]() -> Result<KeyObject> {
    TESSERA_ASSIGN_OR_RETURN(SecureBytes z, SharedSecret(ephemeral.get(), f0));
    TESSERA_ASSIGN_OR_RETURN(SecureBytes value,
                             crypto::X963Kdf(hash, z.view(), params.shared_data, params.kek_bytes));
    AttributeTemplate kek_template = DeliveryKekTemplate();
    kek_template.Add(Attr::kValue, value.view());
    return CreateObject(session, std::move(kek_template), "delivery KEK");
  }();
  if (!kek.ok()) return kek.status();
  TESSERA_ASSIGN_OR_RETURN(Bytes point, piv::EcPublicPoint(ephemeral.get(), P256()));
  return WrapUnderKek(session, std::move(*kek), private_key, point);
}

}  // namespace

Result<DeliverableKeyPair> GenerateDeliverableP256(HsmSession& session) {
  TESSERA_ASSIGN_OR_RETURN(
      KeyPair pair, GenerateKeyPair(session, MechanismSpec::Plain(Mechanism::kEcKeyPairGen),
                                    DeliverablePublicTemplate(EcCurveParams(SigningKeyType::kP256)),
                                    DeliverablePrivateTemplate(), kUserKey));
  return DeliverableKeyPair{std::move(pair.public_key), std::move(pair.private_key)};
}

Result<Bytes> EcPublicKeyInfo(HsmSession& session, CK_OBJECT_HANDLE public_key) {
  const std::string what = "EC public key on HSM token '" + session.token_label() + "'";
  TESSERA_ASSIGN_OR_RETURN(SigningKeyType type, SigningKeyTypeOf(session, public_key, what));
  if (type == SigningKeyType::kRsa3072) return Status::DataMismatch(what + " is an RSA key");
  return SigningPublicKeyInfo(session, SigningKey{CK_INVALID_HANDLE, public_key, type, what});
}

Result<Bytes> SignWithDeliverable(HsmSession& session, CK_OBJECT_HANDLE private_key,
                                  ByteView data) {
  const SigningKey key{private_key, CK_INVALID_HANDLE, SigningKeyType::kP256,
                       std::string(kUserKey)};
  return SignForX509(session, key, data);
}

Result<Bytes> WrapToTokenKey(HsmSession& session, const HsmQuirks& quirks,
                             CK_OBJECT_HANDLE private_key, const TokenWrapParams& params) {
  TESSERA_RETURN_IF_ERROR(CheckParams(params));
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr f0, TokenPublicKey(params.token_key));
  TESSERA_ASSIGN_OR_RETURN(Bytes f0_point, piv::EcPublicPoint(f0.get(), P256()));
  // The most the HSM can do decides the path (docs/hsm-adapter.md "Keys
  // wrapped to a token"); the format is the same on every path.
  if (quirks.supports_ecdh_aes_key_wrap) {
    return WrapInOneCall(session, private_key, f0_point, params);
  }
  if (quirks.supports_ecdh_x963_kdf) {
    return WrapWithHsmKdf(session, private_key, f0_point, params);
  }
  return WrapWithHostKdf(session, private_key, f0.get(), params);
}

}  // namespace tessera::hsm
