// What key a C_GenerateKeyPair asks for (PKCS#11 3.0 current mechanisms:
// §2.1.4 RSA, §2.3.6 EC, §2.3.11-§2.3.12 Edwards and Montgomery): the
// mechanism and the templates' CKA_MODULUS_BITS, CKA_PUBLIC_EXPONENT and
// CKA_EC_PARAMS. Stateless.
#pragma once

#include "common/status.hpp"
#include "pkcs11/model/key_spec.hpp"
#include "pkcs11/model/mechanism.hpp"
#include "pkcs11/model/object.hpp"

namespace tessera::p11 {

[[nodiscard]] Result<KeySpec> ReadKeySpec(Mech mechanism, const Template& public_tmpl,
                                          const Template& private_tmpl);

}  // namespace tessera::p11
