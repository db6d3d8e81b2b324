// The host's operation engines (model/operation_engine.hpp), computed with
// OpenSSL: digests; asymmetric sign, verify, encrypt and decrypt; secret-key
// ciphers and MACs. They serve session objects, and the host halves of
// card-key operations: a card key's signature is padded and hashed here and
// its raw private operation is done by the `raw` callback the core passes
// (the card), so both paths share one implementation of every padding.
//
// Factories check what only the engine knows (parameters against the key:
// an IV's length, a MAC length); the core checked the key's class, type and
// usage first (core/key_use.hpp). Engines are not thread-safe.
#pragma once

#include <functional>
#include <memory>

#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "pkcs11/model/mechanism.hpp"
#include "pkcs11/model/object.hpp"
#include "pkcs11/model/operation_engine.hpp"

namespace tessera::p11::soft {

// A private key's raw operation, done elsewhere (a card).
using RawPrivateOp = std::function<Result<SecureBytes>(RawOp op, ByteView input)>;

[[nodiscard]] Result<std::unique_ptr<OperationEngine>> StartDigest(const Mechanism& mechanism);
// RSA, EC and EdDSA keys. Private-key work goes to `raw` when given, else to
// the object's own private key (a session key).
[[nodiscard]] Result<std::unique_ptr<OperationEngine>> StartAsymmetric(OpKind kind,
                                                                       const Mechanism& mechanism,
                                                                       const Object& key,
                                                                       RawPrivateOp raw);
// A session secret key: AES and 3DES ciphers, AES-CMAC, HMAC.
[[nodiscard]] Result<std::unique_ptr<OperationEngine>> StartSymmetric(OpKind kind,
                                                                      const Mechanism& mechanism,
                                                                      const Object& key);
// The raw private operation with a session key's own private key.
[[nodiscard]] Result<SecureBytes> HostRawPrivate(EVP_PKEY* key, RawOp op, ByteView input);

}  // namespace tessera::p11::soft
