#include "hsm/mechanism.hpp"

#include <cstdio>

namespace tessera::hsm {

MechanismSpec MechanismSpec::Plain(Mechanism type) { return {type, Param::kNone}; }

MechanismSpec MechanismSpec::WithIv(Mechanism type, ByteView iv) {
  MechanismSpec spec(type, Param::kBytes);
  spec.bytes_ = SecureBytes(iv);
  return spec;
}

MechanismSpec MechanismSpec::RsaOaep(OaepHash hash) {
  MechanismSpec spec(Mechanism::kRsaPkcsOaep, Param::kOaep);
  const bool sha256 = hash == OaepHash::kSha256;
  spec.oaep_.hashAlg = sha256 ? CKM_SHA256 : CKM_SHA_1;
  spec.oaep_.mgf = sha256 ? CKG_MGF1_SHA256 : CKG_MGF1_SHA1;
  spec.oaep_.source = CKZ_DATA_SPECIFIED;
  return spec;
}

MechanismSpec MechanismSpec::EncryptData(Mechanism type, ByteView data) {
  MechanismSpec spec(type, Param::kDerivationData);
  spec.bytes_ = SecureBytes(data);
  return spec;
}

MechanismSpec MechanismSpec::Ecdh1Derive(CK_ULONG kdf, ByteView shared_data,
                                         ByteView public_point) {
  MechanismSpec spec(Mechanism::kEcdh1Derive, Param::kEcdh1);
  spec.kdf_ = kdf;
  spec.bytes_ = SecureBytes(shared_data);
  spec.point_.assign(public_point.begin(), public_point.end());
  return spec;
}

MechanismSpec MechanismSpec::EcdhAesKeyWrap(CK_ULONG kek_bits, CK_ULONG kdf, ByteView shared_data) {
  MechanismSpec spec(Mechanism::kEcdhAesKeyWrap, Param::kEcdhAesWrap);
  spec.kek_bits_ = kek_bits;
  spec.kdf_ = kdf;
  spec.bytes_ = SecureBytes(shared_data);
  return spec;
}

CK_MECHANISM* MechanismSpec::get() {
  mechanism_ = CK_MECHANISM{Raw(type_), nullptr, 0};
  switch (param_) {
    case Param::kNone: break;
    case Param::kBytes:
      mechanism_.pParameter = bytes_.data();
      mechanism_.ulParameterLen = static_cast<CK_ULONG>(bytes_.size());
      break;
    case Param::kOaep:
      mechanism_.pParameter = &oaep_;
      mechanism_.ulParameterLen = sizeof oaep_;
      break;
    case Param::kDerivationData:
      derivation_.pData = bytes_.data();
      derivation_.ulLen = static_cast<CK_ULONG>(bytes_.size());
      mechanism_.pParameter = &derivation_;
      mechanism_.ulParameterLen = sizeof derivation_;
      break;
    case Param::kEcdh1:
      ecdh_.kdf = kdf_;
      ecdh_.ulSharedDataLen = static_cast<CK_ULONG>(bytes_.size());
      ecdh_.pSharedData = bytes_.empty() ? nullptr : bytes_.data();
      ecdh_.ulPublicDataLen = static_cast<CK_ULONG>(point_.size());
      ecdh_.pPublicData = point_.data();
      mechanism_.pParameter = &ecdh_;
      mechanism_.ulParameterLen = sizeof ecdh_;
      break;
    case Param::kEcdhAesWrap:
      ecdh_wrap_.ulAESKeyBits = kek_bits_;
      ecdh_wrap_.kdf = kdf_;
      ecdh_wrap_.ulSharedDataLen = static_cast<CK_ULONG>(bytes_.size());
      ecdh_wrap_.pSharedData = bytes_.empty() ? nullptr : bytes_.data();
      mechanism_.pParameter = &ecdh_wrap_;
      mechanism_.ulParameterLen = sizeof ecdh_wrap_;
      break;
  }
  return &mechanism_;
}

std::string MechanismSpec::Name() const {
  switch (type_) {
    case Mechanism::kAesKeyGen: return "CKM_AES_KEY_GEN";
    case Mechanism::kRsaKeyPairGen: return "CKM_RSA_PKCS_KEY_PAIR_GEN";
    case Mechanism::kAesEcb: return "CKM_AES_ECB";
    case Mechanism::kAesCbc: return "CKM_AES_CBC";
    case Mechanism::kAesCmac: return "CKM_AES_CMAC";
    case Mechanism::kAesEcbEncryptData: return "CKM_AES_ECB_ENCRYPT_DATA";
    case Mechanism::kAesKeyWrap: return "CKM_AES_KEY_WRAP";
    case Mechanism::kAesKeyWrapPad: return "CKM_AES_KEY_WRAP_PAD";
    case Mechanism::kRsaPkcsOaep:
      return oaep_.hashAlg == CKM_SHA256 ? "CKM_RSA_PKCS_OAEP (SHA-256)"
                                         : "CKM_RSA_PKCS_OAEP (SHA-1)";
    case Mechanism::kRsaX509: return "CKM_RSA_X_509";
    case Mechanism::kEcKeyPairGen: return "CKM_EC_KEY_PAIR_GEN";
    case Mechanism::kEcdsa: return "CKM_ECDSA";
    case Mechanism::kEcdh1Derive: return "CKM_ECDH1_DERIVE";
    case Mechanism::kEcdhAesKeyWrap: return "CKM_ECDH_AES_KEY_WRAP";
  }
  char hex[32];
  (void)std::snprintf(hex, sizeof hex, "mechanism 0x%lx", static_cast<unsigned long>(Raw(type_)));
  return hex;
}

}  // namespace tessera::hsm
