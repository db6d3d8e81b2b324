// Reads a CK_MECHANISM and its parameter structure into the core's
// Mechanism: CK_RSA_PKCS_PSS_PARAMS (2.40 §2.1.7), CK_RSA_PKCS_OAEP_PARAMS
// (§2.1.6) and CK_ECDH1_DERIVE_PARAMS (§2.3.12). CKR_MECHANISM_INVALID for a
// mechanism the module does not offer, CKR_MECHANISM_PARAM_INVALID for bad
// parameters. Stateless.
#pragma once

#include <p11-kit/pkcs11.h>

#include "pkcs11/core/mechanism.hpp"

namespace tessera::p11::api {

CK_RV ReadMechanism(const CK_MECHANISM* mechanism, Mechanism* out);

}  // namespace tessera::p11::api
