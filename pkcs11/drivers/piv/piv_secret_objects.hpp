// Secret keys on the card (Tessera's slots C0..DF, docs/piv-extensions.md) as
// PKCS#11 objects, and PKCS#11 templates as the card's key attributes.
//
// A card secret key is a token object that never leaves the card:
// CKA_SENSITIVE true, CKA_EXTRACTABLE false, no CKA_WRAP or CKA_UNWRAP. Its
// usage attributes are the card's usage bits (CKA_SIGN, CKA_VERIFY,
// CKA_ENCRYPT, CKA_DECRYPT, CKA_DERIVE, and the vendor attribute
// CKA_TESSERA_EXPORT_DERIVED for HKDF output to the host); its CKA_LABEL and
// CKA_ID are kept on the card. Stateless.
#pragma once

#include "common/piv/secret_keys.hpp"
#include "host/card/piv_secret_keys.hpp"
#include "pkcs11/model/object.hpp"

namespace tessera::p11::piv {

Object SecretKeyObject(const host::SecretKeyInfo& info);

// The card key type for a PKCS#11 key type and length: AES-128/192/256 or a
// generic secret of 16..64 bytes; Fault::kKeySizeRange or
// kTemplateInconsistent otherwise.
Result<tessera::piv::secret::KeyType> CardSecretType(KeyType type, std::size_t length);

// The card attributes a template asks for: usage from the CKA_ flags (a
// type's defaults where the template is silent), label and ID. A template
// that wants the key extractable, not sensitive, not private, or able to
// wrap is CKR_TEMPLATE_INCONSISTENT: card secret keys cannot be those.
Result<host::SecretKeyAttributes> CardSecretAttributes(const Template& tmpl, KeyType type);

}  // namespace tessera::p11::piv
