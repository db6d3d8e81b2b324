#include "pkcs11/api/mechanism_params.hpp"

#include <optional>

#include "pkcs11/api/pkcs11_3_0.h"

namespace tessera::p11::api {
namespace {

using crypto::Hash;

// Parameter bytes no real caller sends more of.
constexpr CK_ULONG kMaxParamBytes = 65536;

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

// CKD_NULL (no KDF: `hash` stays empty) or CKD_SHA*_KDF (the X9.63 KDF with
// SHA-1 or SHA-2); false for any other KDF. Not a nested optional: GCC 12 at
// -O3 reports one as maybe-uninitialized (a false positive).
bool ReadKdf(CK_ULONG kdf, std::optional<Hash>* hash) {
  hash->reset();
  switch (kdf) {
    case CKD_NULL: return true;
    case CKD_SHA1_KDF: *hash = Hash::kSha1; return true;
    case CKD_SHA224_KDF: *hash = Hash::kSha224; return true;
    case CKD_SHA256_KDF: *hash = Hash::kSha256; return true;
    case CKD_SHA384_KDF: *hash = Hash::kSha384; return true;
    case CKD_SHA512_KDF: *hash = Hash::kSha512; return true;
    default: return false;
  }
}

template <typename T>
const T* Params(const CK_MECHANISM* m) {
  if (m->pParameter == nullptr || m->ulParameterLen != sizeof(T)) return nullptr;
  return static_cast<const T*>(m->pParameter);
}

// A byte string inside a parameter: absent when empty, a NULL pointer with a
// length is an error.
bool ReadBytes(const CK_BYTE* data, CK_ULONG len, Bytes* out) {
  if (len == 0) return true;
  if (data == nullptr || len > kMaxParamBytes) return false;
  out->assign(data, data + len);
  return true;
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
  // CKZ_DATA_SPECIFIED is the only source the spec defines; 0 (no source)
  // is what callers without a label send.
  if (p->source != CKZ_DATA_SPECIFIED && p->source != 0) return CKR_MECHANISM_PARAM_INVALID;
  if (p->ulSourceDataLen > 0) {
    if (p->source != CKZ_DATA_SPECIFIED) return CKR_MECHANISM_PARAM_INVALID;
    const auto* label = static_cast<const CK_BYTE*>(p->pSourceData);
    if (!ReadBytes(label, p->ulSourceDataLen, &out->cipher.label)) {
      return CKR_MECHANISM_PARAM_INVALID;
    }
  }
  return CKR_OK;
}

CK_RV ReadEcdh(const CK_MECHANISM* m, Mechanism* out) {
  const auto* p = Params<CK_ECDH1_DERIVE_PARAMS>(m);
  if (p == nullptr) return CKR_MECHANISM_PARAM_INVALID;
  std::optional<Hash> kdf;
  if (!ReadKdf(p->kdf, &kdf)) return CKR_MECHANISM_PARAM_INVALID;
  // CKD_NULL takes no shared data (current mechanisms, CK_ECDH1_DERIVE_PARAMS).
  if (!kdf && p->ulSharedDataLen != 0) return CKR_MECHANISM_PARAM_INVALID;
  if (p->pPublicData == nullptr || p->ulPublicDataLen == 0 || p->ulPublicDataLen > 1024) {
    return CKR_MECHANISM_PARAM_INVALID;
  }
  if (!ReadBytes(p->pSharedData, p->ulSharedDataLen, &out->ecdh.kdf_info)) {
    return CKR_MECHANISM_PARAM_INVALID;
  }
  out->ecdh.kdf = kdf;
  out->ecdh.peer_public.assign(p->pPublicData, p->pPublicData + p->ulPublicDataLen);
  return CKR_OK;
}

CK_RV ReadEcdhAesKeyWrap(const CK_MECHANISM* m, Mechanism* out) {
  const auto* p = Params<CK_ECDH_AES_KEY_WRAP_PARAMS>(m);
  if (p == nullptr) return CKR_MECHANISM_PARAM_INVALID;
  std::optional<Hash> kdf;
  if (!ReadKdf(p->kdf, &kdf)) return CKR_MECHANISM_PARAM_INVALID;
  if (p->ulAESKeyBits != 128 && p->ulAESKeyBits != 192 && p->ulAESKeyBits != 256) {
    return CKR_MECHANISM_PARAM_INVALID;
  }
  if (!kdf && p->ulSharedDataLen != 0) return CKR_MECHANISM_PARAM_INVALID;
  if (!ReadBytes(p->pSharedData, p->ulSharedDataLen, &out->ecdh.kdf_info)) {
    return CKR_MECHANISM_PARAM_INVALID;
  }
  out->ecdh.kdf = kdf;
  out->ecdh.aes_key_bits = p->ulAESKeyBits;
  return CKR_OK;
}

CK_RV ReadHkdf(const CK_MECHANISM* m, Mechanism* out) {
  const auto* p = Params<CK_HKDF_PARAMS>(m);
  if (p == nullptr) return CKR_MECHANISM_PARAM_INVALID;
  auto hash = HashOfMechanism(p->prfHashMechanism);
  if (!hash || (p->bExtract == CK_FALSE && p->bExpand == CK_FALSE)) {
    return CKR_MECHANISM_PARAM_INVALID;
  }
  HkdfParams& h = out->hkdf;
  h.hash = *hash;
  h.extract = p->bExtract != CK_FALSE;
  h.expand = p->bExpand != CK_FALSE;
  if (h.extract) {
    switch (p->ulSaltType) {
      case CKF_HKDF_SALT_NULL: break;
      case CKF_HKDF_SALT_DATA:
        h.salt.emplace();
        if (!ReadBytes(p->pSalt, p->ulSaltLen, &*h.salt)) return CKR_MECHANISM_PARAM_INVALID;
        break;
      case CKF_HKDF_SALT_KEY:
        if (p->hSaltKey == CK_INVALID_HANDLE) return CKR_MECHANISM_PARAM_INVALID;
        h.salt_key = p->hSaltKey;
        break;
      default: return CKR_MECHANISM_PARAM_INVALID;
    }
  }
  if (!ReadBytes(p->pInfo, p->ulInfoLen, &h.info)) return CKR_MECHANISM_PARAM_INVALID;
  return CKR_OK;
}

// A block cipher's IV: exactly one block (CBC) or none (ECB).
CK_RV ReadIv(const CK_MECHANISM* m, std::size_t len, Mechanism* out) {
  if (len == 0) {
    return m->pParameter == nullptr || m->ulParameterLen == 0 ? CKR_OK
                                                              : CKR_MECHANISM_PARAM_INVALID;
  }
  if (m->pParameter == nullptr || m->ulParameterLen != len) return CKR_MECHANISM_PARAM_INVALID;
  const auto* iv = static_cast<const CK_BYTE*>(m->pParameter);
  out->symmetric.iv.assign(iv, iv + len);
  return CKR_OK;
}

CK_RV ReadCtr(const CK_MECHANISM* m, Mechanism* out) {
  const auto* p = Params<CK_AES_CTR_PARAMS>(m);
  if (p == nullptr || p->ulCounterBits == 0 || p->ulCounterBits > 128) {
    return CKR_MECHANISM_PARAM_INVALID;
  }
  out->symmetric.ctr_bits = p->ulCounterBits;
  out->symmetric.iv.assign(p->cb, p->cb + sizeof p->cb);
  return CKR_OK;
}

// CK_GCM_PARAMS (current mechanisms, "AES-GCM"): the IV, the AAD and the tag
// length in bits.
CK_RV ReadGcm(const CK_MECHANISM* m, Mechanism* out) {
  const auto* p = Params<CK_GCM_PARAMS>(m);
  if (p == nullptr || p->ulIvLen == 0 || p->ulIvLen > 128 || p->ulTagBits % 8 != 0 ||
      p->ulTagBits > 128) {
    return CKR_MECHANISM_PARAM_INVALID;
  }
  if (!ReadBytes(p->pIv, p->ulIvLen, &out->symmetric.iv) ||
      !ReadBytes(p->pAAD, p->ulAADLen, &out->symmetric.aad)) {
    return CKR_MECHANISM_PARAM_INVALID;
  }
  out->symmetric.tag_len = p->ulTagBits / 8;
  return CKR_OK;
}

// CK_MAC_GENERAL_PARAMS: the MAC length in bytes.
CK_RV ReadMacLength(const CK_MECHANISM* m, Mechanism* out) {
  const auto* p = Params<CK_ULONG>(m);
  if (p == nullptr || *p == 0) return CKR_MECHANISM_PARAM_INVALID;
  out->symmetric.tag_len = *p;
  return CKR_OK;
}

// Mechanisms without parameters. The AES key-wrap family takes none either:
// only the default IV of RFC 3394 / 5649 is used, so none may be given.
CK_RV ReadNone(const CK_MECHANISM* m) {
  return m->pParameter == nullptr || m->ulParameterLen == 0 ? CKR_OK : CKR_MECHANISM_PARAM_INVALID;
}

// EdDSA's CK_EDDSA_PARAMS are optional (3.0 current mechanisms, "EdDSA");
// when given they may only ask for pure Ed25519: no prehash (Ed25519ph) and
// no context (Ed25519ctx), which the card does not do.
CK_RV ReadEddsa(const CK_MECHANISM* m) {
  if (m->pParameter == nullptr && m->ulParameterLen == 0) return CKR_OK;
  const auto* p = Params<CK_EDDSA_PARAMS>(m);
  if (p == nullptr || p->phFlag != CK_FALSE || p->ulContextDataLen != 0) {
    return CKR_MECHANISM_PARAM_INVALID;
  }
  return CKR_OK;
}

CK_RV ReadParameters(const CK_MECHANISM* m, Mechanism* out) {
  switch (out->type) {
    case Mech::kRsaPkcsPss:
    case Mech::kSha1RsaPkcsPss:
    case Mech::kSha224RsaPkcsPss:
    case Mech::kSha256RsaPkcsPss:
    case Mech::kSha384RsaPkcsPss:
    case Mech::kSha512RsaPkcsPss: return ReadPss(m, out);
    case Mech::kRsaPkcsOaep: return ReadOaep(m, out);
    case Mech::kEcdh1Derive: return ReadEcdh(m, out);
    case Mech::kEcdhAesKeyWrap: return ReadEcdhAesKeyWrap(m, out);
    case Mech::kHkdfDerive: return ReadHkdf(m, out);
    case Mech::kEddsa: return ReadEddsa(m);
    case Mech::kAesCbc:
    case Mech::kAesCbcPad: return ReadIv(m, 16, out);
    case Mech::kDes3Cbc: return ReadIv(m, 8, out);
    case Mech::kAesEcb:
    case Mech::kDes3Ecb: return ReadIv(m, 0, out);
    case Mech::kAesCtr: return ReadCtr(m, out);
    case Mech::kAesGcm: return ReadGcm(m, out);
    case Mech::kAesCmacGeneral:
    case Mech::kSha1HmacGeneral:
    case Mech::kSha224HmacGeneral:
    case Mech::kSha256HmacGeneral:
    case Mech::kSha384HmacGeneral:
    case Mech::kSha512HmacGeneral: return ReadMacLength(m, out);
    default: return ReadNone(m);
  }
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
  if (auto mode = CipherModeOf(type)) out->symmetric.mode = *mode;
  return ReadParameters(mechanism, out);
}

}  // namespace tessera::p11::api
