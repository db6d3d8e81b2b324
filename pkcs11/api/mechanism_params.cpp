#include "pkcs11/api/mechanism_params.hpp"

#include <optional>

namespace tessera::p11::api {
namespace {

using crypto::Hash;

std::optional<Hash> HashOfMechanism(CK_MECHANISM_TYPE type) {
  switch (type) {
    case CKM_SHA_1: return Hash::kSha1;
    case CKM_SHA224: return Hash::kSha224;
    case CKM_SHA256: return Hash::kSha256;
    case CKM_SHA384: return Hash::kSha384;
    case CKM_SHA512: return Hash::kSha512;
    default: return std::nullopt;
  }
}

std::optional<Hash> HashOfMgf(CK_RSA_PKCS_MGF_TYPE mgf) {
  switch (mgf) {
    case CKG_MGF1_SHA1: return Hash::kSha1;
    case CKG_MGF1_SHA224: return Hash::kSha224;
    case CKG_MGF1_SHA256: return Hash::kSha256;
    case CKG_MGF1_SHA384: return Hash::kSha384;
    case CKG_MGF1_SHA512: return Hash::kSha512;
    default: return std::nullopt;
  }
}

template <typename T>
const T* Params(const CK_MECHANISM* m) {
  if (m->pParameter == nullptr || m->ulParameterLen != sizeof(T)) return nullptr;
  return static_cast<const T*>(m->pParameter);
}

CK_RV ReadPss(const CK_MECHANISM* m, Mechanism* out) {
  const auto* p = Params<CK_RSA_PKCS_PSS_PARAMS>(m);
  if (p == nullptr) return CKR_MECHANISM_PARAM_INVALID;
  auto hash = HashOfMechanism(p->hashAlg);
  auto mgf = HashOfMgf(p->mgf);
  if (!hash || !mgf || p->sLen > 1024) return CKR_MECHANISM_PARAM_INVALID;
  // §2.1.11: with a hash-and-sign PSS mechanism, hashAlg must be its hash.
  if (out->sign.hash && *out->sign.hash != *hash) return CKR_MECHANISM_PARAM_INVALID;
  out->sign.pss_hash = *hash;
  out->sign.mgf1 = *mgf;
  out->sign.salt_len = p->sLen;
  return CKR_OK;
}

CK_RV ReadOaep(const CK_MECHANISM* m, Mechanism* out) {
  const auto* p = Params<CK_RSA_PKCS_OAEP_PARAMS>(m);
  if (p == nullptr) return CKR_MECHANISM_PARAM_INVALID;
  auto hash = HashOfMechanism(p->hashAlg);
  auto mgf = HashOfMgf(p->mgf);
  if (!hash || !mgf) return CKR_MECHANISM_PARAM_INVALID;
  out->cipher.oaep_hash = *hash;
  out->cipher.mgf1 = *mgf;
  if (p->ulSourceDataLen > 0) {
    if (p->source != CKZ_DATA_SPECIFIED || p->pSourceData == nullptr ||
        p->ulSourceDataLen > 65536) {
      return CKR_MECHANISM_PARAM_INVALID;
    }
    const auto* label = static_cast<const std::uint8_t*>(p->pSourceData);
    out->cipher.label.assign(label, label + p->ulSourceDataLen);
  }
  return CKR_OK;
}

CK_RV ReadEcdh(const CK_MECHANISM* m, Mechanism* out) {
  const auto* p = Params<CK_ECDH1_DERIVE_PARAMS>(m);
  if (p == nullptr) return CKR_MECHANISM_PARAM_INVALID;
  // The raw shared secret only (CKD_NULL): no KDF on a PIV card.
  if (p->kdf != CKD_NULL || p->ulSharedDataLen != 0) return CKR_MECHANISM_PARAM_INVALID;
  if (p->pPublicData == nullptr || p->ulPublicDataLen == 0 || p->ulPublicDataLen > 1024) {
    return CKR_MECHANISM_PARAM_INVALID;
  }
  out->peer_public.assign(p->pPublicData, p->pPublicData + p->ulPublicDataLen);
  return CKR_OK;
}

}  // namespace

CK_RV ReadMechanism(const CK_MECHANISM* mechanism, Mechanism* out) {
  if (mechanism == nullptr) return CKR_ARGUMENTS_BAD;
  const auto type = static_cast<Mech>(mechanism->mechanism);
  if (FindMechanism(type) == nullptr) return CKR_MECHANISM_INVALID;
  *out = Mechanism();
  out->type = type;
  if (auto sign = SignSchemeOf(type)) out->sign = *sign;
  if (auto cipher = CipherSchemeOf(type)) out->cipher.scheme = *cipher;
  switch (type) {
    case Mech::kRsaPkcsPss:
    case Mech::kSha1RsaPkcsPss:
    case Mech::kSha224RsaPkcsPss:
    case Mech::kSha256RsaPkcsPss:
    case Mech::kSha384RsaPkcsPss:
    case Mech::kSha512RsaPkcsPss: return ReadPss(mechanism, out);
    case Mech::kRsaPkcsOaep: return ReadOaep(mechanism, out);
    case Mech::kEcdh1Derive: return ReadEcdh(mechanism, out);
    default:
      // Other mechanisms take no parameter; EdDSA's optional
      // CK_EDDSA_PARAMS (3.0 §2.3.14) may only ask for pure Ed25519.
      if (type == Mech::kEddsa && mechanism->pParameter != nullptr) {
        return CKR_MECHANISM_PARAM_INVALID;
      }
      return CKR_OK;
  }
}

}  // namespace tessera::p11::api
