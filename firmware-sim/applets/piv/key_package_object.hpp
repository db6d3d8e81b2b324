// Data object 5FFF20, the Tessera key package (docs/piv-extensions.md "The
// key package object"; common/piv/key_package.hpp): what PUT DATA accepts
// into it and how UNWRAP AND STORE (F2) empties it in the commit that
// stores the key it held. Functions over the PivContext; not thread-safe,
// the token's lock serializes commands.
#pragma once

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "firmware-sim/applets/piv/piv_context.hpp"
#include "firmware-sim/os/storage.hpp"

namespace tessera::sim::piv_applet {

// A non-empty PUT DATA value for 5FFF20 must parse as a key package whose
// shared data names this token's serial; kInvalidArgument (6A80) otherwise.
Status CheckKeyPackageValue(const PivContext& c, ByteView value);

// Adds the erase of 5FFF20 to `txn` when the package stored there holds
// `blob` (F2 just opened it), so the key and the package's removal are one
// commit. Leaves `txn` alone otherwise.
void ErasePackageOpened(const Storage& s, ByteView blob, Transaction& txn);

}  // namespace tessera::sim::piv_applet
