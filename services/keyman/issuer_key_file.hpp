// The issuer key of the registration protocol (seed 001, issue 14), read
// from the file an operator names with `tessera personalize … --issuer-key
// FILE` or `tessera token set-issuer … --issuer-key FILE`: a PEM
// certificate (what `tessera ca cert NAME` prints; its subject key is
// taken) or a PEM public key. The key must be P-256; the token keeps its
// uncompressed point (docs/registration-protocol.md).
//
// Errors: kNotFound when the file cannot be read; kInvalidArgument when it
// holds neither PEM form, or a key that is not P-256. Messages name the
// file. Stateless; thread-safe.
#pragma once

#include <filesystem>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::keyman {

// The issuer's P-256 point, 04 || X || Y.
[[nodiscard]] Result<Bytes> ReadIssuerKeyFile(const std::filesystem::path& file);

}  // namespace tessera::keyman
