// Changing and copying session objects (PKCS#11 3.0 §5.7 C_SetAttributeValue
// and C_CopyObject) under the attribute rules: only attributes the spec calls
// modifiable change, and only while the object's CKA_MODIFIABLE is true;
// CKA_SENSITIVE and CKA_WRAP_WITH_TRUSTED only become true, CKA_EXTRACTABLE
// and CKA_COPYABLE only false; CKA_TRUSTED only by the SO. A change is
// checked whole before any of it is applied. Stateless.
#pragma once

#include "common/status.hpp"
#include "pkcs11/model/object.hpp"

namespace tessera::p11::soft {

[[nodiscard]] Status ApplyChanges(Object& object, const Template& changes, bool so);
// A copy with `changes` applied; a copy may also set CKA_TOKEN, CKA_PRIVATE,
// CKA_MODIFIABLE and CKA_DESTROYABLE. CKA_COPYABLE false is
// CKR_ACTION_PROHIBITED. The copy has no handle yet.
[[nodiscard]] Result<Object> CopyWith(const Object& source, const Template& changes, bool so);

}  // namespace tessera::p11::soft
