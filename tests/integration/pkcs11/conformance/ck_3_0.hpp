// The PKCS#11 3.0 constants and parameter structures the conformance suite
// uses and neither p11-kit 0.24's header nor the module's pkcs11_3_0.h
// declares: AES key wrap with padding (KWP), HKDF, ECDH-AES key wrap, SHA-3
// hashes and MGFs. Values and layouts are those of the OASIS 3.0 pkcs11t.h;
// each is guarded so a header that has it wins. Declarations only.
#pragma once

#include "pkcs11/api/pkcs11_3_0.h"

// NOLINTBEGIN(modernize-macro-to-enum, readability-identifier-naming)
#ifndef CKM_AES_KEY_WRAP_KWP
#define CKM_AES_KEY_WRAP_KWP 0x0000210BUL
#endif
#ifndef CKM_HKDF_DERIVE
#define CKM_HKDF_DERIVE 0x0000402AUL
#endif
#ifndef CKM_HKDF_DATA
#define CKM_HKDF_DATA 0x0000402BUL
#endif
#ifndef CKM_HKDF_KEY_GEN
#define CKM_HKDF_KEY_GEN 0x0000402CUL
#endif
#ifndef CKF_HKDF_SALT_NULL
#define CKF_HKDF_SALT_NULL 0x00000001UL
#define CKF_HKDF_SALT_DATA 0x00000002UL
#define CKF_HKDF_SALT_KEY 0x00000004UL
#endif
#ifndef CKM_SHA3_256
#define CKM_SHA3_256 0x000002B0UL
#define CKM_SHA3_384 0x000002C0UL
#define CKM_SHA3_512 0x000002D0UL
#endif
#ifndef CKM_SHA3_256_RSA_PKCS_PSS
#define CKM_SHA3_256_RSA_PKCS 0x00000060UL
#define CKM_SHA3_256_RSA_PKCS_PSS 0x00000063UL
#endif
#ifndef CKG_MGF1_SHA3_256
#define CKG_MGF1_SHA3_224 0x00000006UL
#define CKG_MGF1_SHA3_256 0x00000007UL
#define CKG_MGF1_SHA3_384 0x00000008UL
#define CKG_MGF1_SHA3_512 0x00000009UL
#endif
#ifndef CKM_DES3_CMAC
#define CKM_DES3_CMAC 0x00000138UL
#endif
#ifndef CKR_CURVE_NOT_SUPPORTED
#define CKR_CURVE_NOT_SUPPORTED 0x00000140UL
#endif
// NOLINTEND(modernize-macro-to-enum, readability-identifier-naming)

namespace tessera::testing::conformance {

// CK_HKDF_PARAMS (PKCS#11 3.0 current mechanisms, "HKDF").
struct HkdfParams {
  CK_BBOOL bExtract;
  CK_BBOOL bExpand;
  CK_MECHANISM_TYPE prfHashMechanism;
  CK_ULONG ulSaltType;
  CK_BYTE_PTR pSalt;
  CK_ULONG ulSaltLen;
  CK_OBJECT_HANDLE hSaltKey;
  CK_BYTE_PTR pInfo;
  CK_ULONG ulInfoLen;
};

// CK_ECDH_AES_KEY_WRAP_PARAMS (PKCS#11 3.0 current mechanisms, "ECDH AES KEY WRAP").
struct EcdhAesKeyWrapParams {
  CK_ULONG ulAESKeyBits;
  CK_ULONG kdf;  // CK_EC_KDF_TYPE
  CK_ULONG ulSharedDataLen;
  CK_BYTE_PTR pSharedData;
};

}  // namespace tessera::testing::conformance
