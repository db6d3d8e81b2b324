// C_CreateObject's meaning for a PIV token (PKCS#11 2.40 §5.7, §4.6.3,
// §4.9): an X.509 certificate goes into a certificate container; an RSA or
// EC private key is imported into a key slot. CKA_ID picks the slot (see
// drivers/piv/piv_key_slots.hpp); an unknown CKA_ID gets a free one.
// Public keys and data objects have no home on the card and are refused.
#pragma once

#include "pkcs11/core/slot.hpp"

namespace tessera::p11 {

Result<ObjectHandle> CreateObject(Slot& slot, const Template& tmpl);
// Overwrites every value: templates may carry key material.
void WipeTemplate(Template& tmpl);

}  // namespace tessera::p11
