// The one table of attribute rules (PKCS#11 3.0 §4.4–§4.10 and the key types'
// tables in the current mechanisms spec): which object classes and key types
// carry an attribute, how its value is encoded, whether the application may
// give it in a template, change it later, and whether it is key material.
//
// The footnotes of the spec's common attribute table map onto AttrRule:
//   token_only  - footnotes 2, 4 and 6: set by the token, never by a template
//                 (CKA_LOCAL, CKA_ALWAYS_SENSITIVE, CKA_KEY_GEN_MECHANISM ...);
//   modifiable  - footnote 8: C_SetAttributeValue and C_CopyObject may change it;
//   secret      - footnote 7: unreadable while the key is sensitive or
//                 unextractable (CKR_ATTRIBUTE_SENSITIVE);
//   one_way     - footnote 11: may only change from false to true
//                 (CKA_SENSITIVE, CKA_WRAP_WITH_TRUSTED) or true to false
//                 (CKA_EXTRACTABLE, CKA_COPYABLE).
// Constant data and pure functions; thread-safe.
#pragma once

#include <optional>

#include "common/status.hpp"
#include "pkcs11/model/attributes.hpp"

namespace tessera::p11 {

enum class AttrKind : std::uint8_t { kBool, kUlong, kBytes, kDate, kUlongList };
enum class OneWay : std::uint8_t { kNone, kOnlyToTrue, kOnlyToFalse };

struct AttrRule {
  bool applies = false;  // the class (and key type) has this attribute
  AttrKind kind = AttrKind::kBytes;
  bool token_only = false;
  bool modifiable = false;
  bool secret = false;
  OneWay one_way = OneWay::kNone;
  bool so_only = false;  // CKA_TRUSTED: only the security officer may set it true
};

// The rule for `attr` on an object of `cls` (and `type` for keys; nullopt
// means "any key type", for attributes common to all).
AttrRule RuleFor(ObjectClass cls, Attr attr, std::optional<KeyType> type = std::nullopt);

// Checks that `value` is a valid encoding for `kind`: one byte for a bool, a
// CK_ULONG, 0 or 8 digits for a date, whole CK_ULONGs for a list. On failure,
// kRefused(kAttributeValueInvalid).
Status CheckAttributeValue(Attr attr, AttrKind kind, ByteView value);

}  // namespace tessera::p11
