// Whether a key may start an operation (PKCS#11 3.0 §5.8-§5.13 *Init, §5.1
// return values): the mechanism must be for this operation, the object a
// key of the right class and type, its usage attribute (CKA_SIGN ...) true,
// and the mechanism among its CKA_ALLOWED_MECHANISMS when it has that list.
// The one place these rules live, for card keys and session keys alike.
// Stateless.
#pragma once

#include "common/status.hpp"
#include "pkcs11/model/mechanism.hpp"
#include "pkcs11/model/object.hpp"
#include "pkcs11/model/operation_engine.hpp"

namespace tessera::p11 {

// The mechanism does `kind` at all (its CK_MECHANISM_INFO flags).
[[nodiscard]] Status CheckMechanismFor(OpKind kind, Mech mechanism);
// The mechanism has the CK_MECHANISM_INFO flag `flag` (mech_flag::kWrap ...).
[[nodiscard]] Status CheckMechanismHas(Mech mechanism, std::uint64_t flag);
[[nodiscard]] Status CheckKeyUse(OpKind kind, const Mechanism& mechanism, const Object& key);
// For C_WrapKey, C_UnwrapKey and C_DeriveKey: the usage attribute `usage`
// (CKA_WRAP, CKA_UNWRAP, CKA_DERIVE), the allowed mechanisms and the key type.
[[nodiscard]] Status CheckKeyUse(Attr usage, Mech mechanism, const Object& key, Fault wrong_type);

}  // namespace tessera::p11
