// C_CreateObject (PKCS#11 3.0 §5.7) routed by CKA_TOKEN: a session object
// (the default) is built in host memory by drivers/soft for every class the
// module knows; a token object goes to the card where PIV has a home for it:
// an X.509 certificate into a certificate container, an RSA or EC private
// key into a key slot (YubiKey IMPORT KEY), a secret key into a secret-key
// slot, the key package (a CKO_DATA with CKA_APPLICATION "Tessera key
// package") into its data object. CKA_ID picks the PIV slot
// (drivers/piv/piv_key_slots.hpp); an unknown CKA_ID gets a free one. Public
// keys and other data objects have no home on the card
// (CKR_TEMPLATE_INCONSISTENT as token objects).
#pragma once

#include "pkcs11/core/session.hpp"

namespace tessera::p11 {

[[nodiscard]] Result<ObjectHandle> CreateObject(Session& session, const Template& tmpl);
// Overwrites every value: templates may carry key material.
void WipeTemplate(Template& tmpl);
// Whether a template asks for a token object (CKA_TOKEN true).
bool WantsTokenObject(const Template& tmpl);

}  // namespace tessera::p11
