// The PKCS#11 constants the adapter uses, as strong enums.
//
// Code in hsm/ names object classes, key types, attributes and mechanisms
// through these enums; the raw CK_ULONG values appear here and at the calls
// into the module only, so a key type can never be passed where a mechanism
// is meant. Values are PKCS#11 3.0 §6 and §2. Plain constants; thread-safe.
#pragma once

#include <p11-kit/pkcs11.h>

#include <string_view>

namespace tessera::hsm {

enum class ObjectClass : CK_OBJECT_CLASS {
  kPublicKey = CKO_PUBLIC_KEY,
  kPrivateKey = CKO_PRIVATE_KEY,
  kSecretKey = CKO_SECRET_KEY,
};

enum class KeyType : CK_KEY_TYPE {
  kRsa = CKK_RSA,
  kEc = CKK_EC,
  kAes = CKK_AES,
};

enum class Attr : CK_ATTRIBUTE_TYPE {
  kClass = CKA_CLASS,
  kToken = CKA_TOKEN,
  kPrivate = CKA_PRIVATE,
  kLabel = CKA_LABEL,
  kKeyType = CKA_KEY_TYPE,
  kValue = CKA_VALUE,
  kValueLen = CKA_VALUE_LEN,
  kSensitive = CKA_SENSITIVE,
  kExtractable = CKA_EXTRACTABLE,
  kModifiable = CKA_MODIFIABLE,
  kEncrypt = CKA_ENCRYPT,
  kDecrypt = CKA_DECRYPT,
  kWrap = CKA_WRAP,
  kUnwrap = CKA_UNWRAP,
  kSign = CKA_SIGN,
  kVerify = CKA_VERIFY,
  kDerive = CKA_DERIVE,
  kTrusted = CKA_TRUSTED,
  kWrapWithTrusted = CKA_WRAP_WITH_TRUSTED,
  kModulus = CKA_MODULUS,
  kModulusBits = CKA_MODULUS_BITS,
  kPublicExponent = CKA_PUBLIC_EXPONENT,
  kEcParams = CKA_EC_PARAMS,  // DER ECParameters: the curve's OID
  kEcPoint = CKA_EC_POINT,    // DER OCTET STRING around the point
};

enum class Mechanism : CK_MECHANISM_TYPE {
  kAesKeyGen = CKM_AES_KEY_GEN,
  kRsaKeyPairGen = CKM_RSA_PKCS_KEY_PAIR_GEN,
  kAesEcb = CKM_AES_ECB,
  kAesCbc = CKM_AES_CBC,
  kAesCmac = CKM_AES_CMAC,
  kAesEcbEncryptData = CKM_AES_ECB_ENCRYPT_DATA,
  kAesKeyWrap = CKM_AES_KEY_WRAP,         // RFC 3394
  kAesKeyWrapPad = CKM_AES_KEY_WRAP_PAD,  // RFC 5649
  kRsaPkcsOaep = CKM_RSA_PKCS_OAEP,
  kRsaX509 = CKM_RSA_X_509,  // raw RSA; the caller pads (rsa_oaep.hpp)
  kEcKeyPairGen = CKM_EC_KEY_PAIR_GEN,
  kEcdsa = CKM_ECDSA,  // over a digest the host made
  kEcdh1Derive = CKM_ECDH1_DERIVE,
  kEcdhAesKeyWrap = CKM_ECDH_AES_KEY_WRAP,  // PKCS#11 3.0 "ECDH AES KEY WRAP"
};

// The hash of RSA-OAEP (and of its MGF1). PKCS#1 v2.2 §7.1.
enum class OaepHash { kSha1, kSha256 };

// "secret key", for messages.
constexpr std::string_view ClassName(ObjectClass v) {
  switch (v) {
    case ObjectClass::kPublicKey: return "public key";
    case ObjectClass::kPrivateKey: return "private key";
    case ObjectClass::kSecretKey: return "secret key";
  }
  return "object";
}

constexpr CK_ULONG Raw(ObjectClass v) { return static_cast<CK_ULONG>(v); }
constexpr CK_ULONG Raw(KeyType v) { return static_cast<CK_ULONG>(v); }
constexpr CK_ULONG Raw(Attr v) { return static_cast<CK_ULONG>(v); }
constexpr CK_ULONG Raw(Mechanism v) { return static_cast<CK_ULONG>(v); }

}  // namespace tessera::hsm
