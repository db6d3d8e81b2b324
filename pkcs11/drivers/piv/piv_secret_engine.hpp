// The operation engine of a card secret key (Tessera F5): AES-CMAC, the
// HMACs with SHA-256/384/512 (full or general length) and AES-GCM. The card
// computes in one command, so the engine collects the parts (up to the
// card's 64512 bytes) and calls the card once, at the end; a MAC's length is
// known without the card, so §5.2 size queries cost nothing. Not thread-safe.
#pragma once

#include <functional>
#include <memory>

#include "pkcs11/drivers/piv/piv_token.hpp"
#include "pkcs11/model/mechanism.hpp"
#include "pkcs11/model/operation_engine.hpp"

namespace tessera::p11::piv {

// Runs one F5 operation on the key, under the slot's lock.
using CardSecretCall = std::function<Result<SecureBytes>(const SecretOp& op, ByteView data)>;

[[nodiscard]] Result<std::unique_ptr<OperationEngine>> StartSecretOperation(
    OpKind kind, const Mechanism& mechanism, const Object& key, CardSecretCall call);

}  // namespace tessera::p11::piv
