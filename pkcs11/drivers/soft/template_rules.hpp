// The soft driver's building blocks for objects from templates: applying a
// template under the attribute rules, and the defaults each class gets
// (PKCS#11 3.0 §4.4-§4.10; where the spec leaves a default to the token,
// the choice is documented in docs/pkcs11-module.md "Session objects").
// Internal to drivers/soft. Stateless.
#pragma once

#include <initializer_list>
#include <optional>

#include "common/status.hpp"
#include "pkcs11/drivers/soft/object_builder.hpp"
#include "pkcs11/model/object.hpp"

namespace tessera::p11::soft {

Object NewObject(ObjectClass cls, std::optional<KeyType> type = std::nullopt);
// Copies the template's attributes into `o` after checking each against the
// rules; attributes in `consumed` were handled by the caller (key material)
// and are skipped.
[[nodiscard]] Status ApplyTemplate(Object& o, const Template& tmpl, bool so,
                                   std::initializer_list<Attr> consumed);
// Sets `attr` unless the object already has it.
void SetDefault(Object& o, Attr attr, Bytes value);
// CKA_TOKEN false, CKA_PRIVATE (true for private and secret keys),
// CKA_MODIFIABLE, CKA_COPYABLE, CKA_DESTROYABLE true, an empty CKA_LABEL.
void StorageDefaults(Object& o);
// The key attributes common to every key (§4.7) from its provenance.
void KeyDefaults(Object& o, const Provenance& provenance);
// CKA_ALWAYS_SENSITIVE and CKA_NEVER_EXTRACTABLE from the provenance and
// the key's own CKA_SENSITIVE and CKA_EXTRACTABLE (§4.9 table 35 notes).
void SensitivityFacts(Object& o, const Provenance& provenance);
// Sets CKA_CHECK_VALUE to `computed`; a value the template gave must equal
// it (CKR_ATTRIBUTE_VALUE_INVALID otherwise).
[[nodiscard]] Status SetCheckValue(Object& o, Bytes computed);
// The first three bytes of SHA-1 of `value`: the check value of a
// certificate and of a generic secret (§4.6.3, §4.10).
Bytes Sha1CheckValue(ByteView value);

// C_CreateObject of a key (key_objects.cpp).
[[nodiscard]] Result<Object> BuildKeyFromTemplate(const Template& tmpl, bool so);

}  // namespace tessera::p11::soft
