// Initial personalization of one token (seed 003 claims 1-14 and 29-34;
// docs/cli.md "personalize"):
//
//   1. read the token's UID and serial (no authentication);
//   2. in the access-server HSM: MK = derive(MK block V, UID); R from the
//      HSM's RNG; KRK = derive(KRK block V, R); cryptogram = RSA-OAEP(public
//      key V, R); R wiped (hsm/cryptogram.hpp);
//   3. the cryptogram goes into the directory (state "personalizing") BEFORE
//      any key goes onto the token: a crash after the token took its keys
//      must not lose the only way back to its KRK;
//   4. an SCP03 channel under the factory transport key, PUT KEY of the KRK
//      and the MK wrapped by the HSM under the session S-DEK, in one token
//      transaction;
//   5. the directory marks the token "personalized".
//
// With options.issuer_point, step 4 first writes the registration issuer
// key (card-manager key ID 10, seed 001 claim 7; docs/card-manager.md) in
// the same factory channel, before the KRK and the MK: a power cut between
// the two leaves the token MANUFACTURED, and a re-run writes both again.
//
// Resumable: a token still MANUFACTURED is personalized again with a fresh
// R, which replaces the row. A token already PERSONALIZED whose row is still
// "personalizing" (a crash between 4 and 5) is marked personalized only once
// it has proved both keys: a secure channel under the MK of the row, and an
// UNLOCK answered with the KRK recovered from the row's cryptogram.
// A PERSONALIZED token asked for an issuer key that it does not hold yet
// gets it inside a channel under the row's MK; one that holds an issuer key
// keeps it (`tessera token set-issuer` replaces it, set_issuer.hpp).
// Borrows everything; the HsmToken's thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/bytes.hpp"
#include "hsm/hsm_token.hpp"
#include "services/directory/directory.hpp"
#include "services/keyman/token_access.hpp"

namespace tessera::keyman {

enum class Outcome { kDone, kAlreadyDone, kResumed };
const char* OutcomeName(Outcome outcome);

struct StepOptions {
  std::uint8_t version = 0;  // the MK version to install
  bool force = false;        // spend a KRK try although an earlier one failed
  // Personalization only: the registration issuer's P-256 point (04 || X ||
  // Y, issuer_key_file.hpp) to embed in the token.
  std::optional<Bytes> issuer_point;
};

Result<Outcome> PersonalizeToken(hsm::HsmToken& hsm, directory::Directory& directory,
                                 const std::shared_ptr<host::Reader>& reader,
                                 const StepOptions& options);

}  // namespace tessera::keyman
