// The PKCS#11 3.0 constants the conformance suite uses and neither p11-kit
// 0.24's header nor the module's pkcs11_3_0.h declares (the module offers
// none of them): SHA-3 RSA signatures, DES3-CMAC, CKR_CURVE_NOT_SUPPORTED.
// Values are those of the OASIS 3.0 pkcs11t.h; each is guarded so a header
// that has it wins. The 3.0 parameter structures (CK_HKDF_PARAMS,
// CK_ECDH_AES_KEY_WRAP_PARAMS ...) come from pkcs11_3_0.h.
#pragma once

#include "pkcs11/api/pkcs11_3_0.h"

// NOLINTBEGIN(modernize-macro-to-enum, readability-identifier-naming)
#ifndef CKM_SHA3_256_RSA_PKCS_PSS
#define CKM_SHA3_256_RSA_PKCS 0x00000060UL
#define CKM_SHA3_256_RSA_PKCS_PSS 0x00000063UL
#endif
#ifndef CKM_DES3_CMAC
#define CKM_DES3_CMAC 0x00000138UL
#endif
#ifndef CKR_CURVE_NOT_SUPPORTED
#define CKR_CURVE_NOT_SUPPORTED 0x00000140UL
#endif
// NOLINTEND(modernize-macro-to-enum, readability-identifier-naming)
