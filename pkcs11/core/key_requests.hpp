// Key management (PKCS#11 3.0 §5.14): generation, derivation, wrapping and
// unwrapping, routed to where the key is or will be. CKA_TOKEN true asks for
// a key on the card; otherwise (the default) the key is a session object in
// host memory, so a template without CKA_TOKEN never makes a permanent key.
// Keys on the card never leave it: wrapping one is CKR_KEY_UNEXTRACTABLE.
// Stateless; the slot and the session do the locking.
#pragma once

#include "pkcs11/core/session.hpp"

namespace tessera::p11 {

struct KeyPair {
  ObjectHandle public_key = 0;
  ObjectHandle private_key = 0;
};

[[nodiscard]] Result<ObjectHandle> GenerateKey(Session& session, const Mechanism& mechanism,
                                               const Template& tmpl);
[[nodiscard]] Result<KeyPair> GenerateKeyPair(Session& session, const Mechanism& mechanism,
                                              const Template& public_tmpl,
                                              const Template& private_tmpl);
[[nodiscard]] Result<ObjectHandle> DeriveKey(Session& session, const Mechanism& mechanism,
                                             ObjectHandle base, const Template& tmpl);
[[nodiscard]] Result<Bytes> WrapKey(Session& session, const Mechanism& mechanism,
                                    ObjectHandle wrapping_key, ObjectHandle key);
[[nodiscard]] Result<ObjectHandle> UnwrapKey(Session& session, const Mechanism& mechanism,
                                             ObjectHandle unwrapping_key, ByteView wrapped,
                                             const Template& tmpl);

}  // namespace tessera::p11
