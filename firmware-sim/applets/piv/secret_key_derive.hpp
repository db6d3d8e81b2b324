// The two on-token derivations of SECRET KEY MANAGE (INS F4,
// docs/piv-extensions.md "F4"): P1 03, ECDH between a PIV slot key (or the
// token key F0) and a peer's public key, then an optional HKDF; P1 04, HKDF
// from a secret key with the `derive` usage. Each checks its base key's
// access rules, stores the result as a new secret key (origin 03) in one
// transaction and answers its metadata. Not thread-safe.
#pragma once

#include "common/apdu.hpp"
#include "common/status.hpp"
#include "firmware-sim/applets/piv/piv_context.hpp"

namespace tessera::sim::piv_applet {

Result<Bytes> DeriveSecretFromPrivateKey(PivContext& c, const CommandApdu& apdu);
Result<Bytes> DeriveSecretFromSecretKey(PivContext& c, const CommandApdu& apdu);

}  // namespace tessera::sim::piv_applet
