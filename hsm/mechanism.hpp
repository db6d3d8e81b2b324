// MechanismSpec: a CK_MECHANISM together with the parameter it points at.
//
// The parameter (an IV, OAEP parameters, derivation data) is stored inside
// the spec, wiped when it goes (derivation data may be the secret R), and
// get() rebuilds the pointers on every call, so a spec can be moved freely.
// Value type, thread-compatible.
#pragma once

#include <p11-kit/pkcs11.h>

#include <string>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "hsm/pkcs11_types.hpp"

namespace tessera::hsm {

// PKCS#11 3.0's CK_ECDH_AES_KEY_WRAP_PARAMS ("ECDH AES KEY WRAP"), which p11-kit 0.24's
// header does not declare yet; the same layout.
struct EcdhAesKeyWrapParams {
  CK_ULONG ulAESKeyBits;
  CK_ULONG kdf;  // CK_EC_KDF_TYPE
  CK_ULONG ulSharedDataLen;
  CK_BYTE_PTR pSharedData;
};

class MechanismSpec {
 public:
  // A mechanism without parameters (CKM_AES_ECB, CKM_AES_CMAC, key wraps,
  // CKM_RSA_X_509).
  static MechanismSpec Plain(Mechanism type);
  // CKM_AES_CBC and friends: the parameter is the 16-byte IV.
  static MechanismSpec WithIv(Mechanism type, ByteView iv);
  // CKM_RSA_PKCS_OAEP with `hash` for both the label hash and MGF1, empty
  // label (PKCS#1 v2.2 §7.1; PKCS#11 3.0 §2.1.8).
  static MechanismSpec RsaOaep(OaepHash hash);
  // CKM_AES_ECB_ENCRYPT_DATA: CK_KEY_DERIVATION_STRING_DATA over `data`.
  static MechanismSpec EncryptData(Mechanism type, ByteView data);
  // CKM_ECDH1_DERIVE: CK_ECDH1_DERIVE_PARAMS with `kdf` (CKD_NULL,
  // CKD_SHA256_KDF, ...), its shared data and the other party's public point
  // (uncompressed): PKCS#11 3.0 "Elliptic curve Diffie-Hellman key derivation".
  static MechanismSpec Ecdh1Derive(CK_ULONG kdf, ByteView shared_data, ByteView public_point);
  // CKM_ECDH_AES_KEY_WRAP: the KEK size in bits, the KDF and its shared data.
  static MechanismSpec EcdhAesKeyWrap(CK_ULONG kek_bits, CK_ULONG kdf, ByteView shared_data);

  CK_MECHANISM* get();
  Mechanism type() const { return type_; }
  // "CKM_AES_CBC", for messages.
  std::string Name() const;

 private:
  enum class Param { kNone, kBytes, kOaep, kDerivationData, kEcdh1, kEcdhAesWrap };
  MechanismSpec(Mechanism type, Param param) : type_(type), param_(param) {}

  Mechanism type_;
  Param param_;
  SecureBytes bytes_;      // IV, derivation data or ECDH shared data
  Bytes point_;            // ECDH: the other party's public point
  CK_ULONG kdf_ = 0;       // ECDH: the KDF
  CK_ULONG kek_bits_ = 0;  // ECDH AES key wrap
  CK_RSA_PKCS_OAEP_PARAMS oaep_{};
  CK_KEY_DERIVATION_STRING_DATA derivation_{};
  CK_ECDH1_DERIVE_PARAMS ecdh_{};
  EcdhAesKeyWrapParams ecdh_wrap_{};
  CK_MECHANISM mechanism_{};
};

}  // namespace tessera::hsm
