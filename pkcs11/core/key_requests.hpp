// Key generation and derivation requests (PKCS#11 2.40 §5.14): which PIV
// algorithm a C_GenerateKeyPair template asks for, and CKM_ECDH1_DERIVE into
// a session secret key. Stateless; the slot does the card work.
#pragma once

#include "pkcs11/core/mechanism.hpp"
#include "pkcs11/core/slot.hpp"

namespace tessera::p11 {

Result<Slot::KeyPairHandles> GenerateKeyPair(Slot& slot, Mech mechanism,
                                             const Template& public_tmpl,
                                             const Template& private_tmpl);

// The shared secret with `mechanism.peer_public`, as a session object of
// `session` (CKO_SECRET_KEY; CKA_VALUE_LEN truncates, §2.3.12).
Result<ObjectHandle> DeriveEcdh(Slot& slot, std::uint64_t session, const Mechanism& mechanism,
                                ObjectHandle base_key, const Template& tmpl);

}  // namespace tessera::p11
