// Reads a CK_MECHANISM and its parameter structure into the core's
// Mechanism: the RSA PSS and OAEP parameters, CK_ECDH1_DERIVE_PARAMS,
// CK_ECDH_AES_KEY_WRAP_PARAMS, CK_HKDF_PARAMS, block-cipher IVs,
// CK_AES_CTR_PARAMS, CK_GCM_PARAMS and CK_MAC_GENERAL_PARAMS (PKCS#11 3.0
// current mechanisms). CKR_MECHANISM_INVALID for a mechanism the module does
// not offer, CKR_MECHANISM_PARAM_INVALID for bad parameters (a hash the
// module does not offer, SHA-3 among them, included). Stateless.
#pragma once

#include <p11-kit/pkcs11.h>

#include "pkcs11/model/mechanism.hpp"

namespace tessera::p11::api {

CK_RV ReadMechanism(const CK_MECHANISM* mechanism, Mechanism* out);

}  // namespace tessera::p11::api
