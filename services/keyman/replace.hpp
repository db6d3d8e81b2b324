// Post-issuance master-key replacement of one token (seed 003 claims 15-28
// and 35-40; docs/cli.md "mk-replace"):
//
//   1. read the UID; look up its cryptogram in the directory (claim 17);
//   2. in the access-server HSM: R = RSA-OAEP-decrypt(private key, cryptogram)
//      and KRK = derive(KRK block, R), R wiped (claims 19-20); the current
//      MK and the new MK = derive(MK block W, UID) (claim 21);
//   3. an SCP03 channel under the current MK; UNLOCK with a KRK
//      challenge-response computed in the HSM (claims 22-23); DELETE KEY of
//      the MK (claim 24); PUT KEY of the new MK wrapped under the session
//      S-DEK (claim 25), which the token commits together with the relock
//      (claim 26) in one transaction; the channel is released.
//   4. the directory records the new version.
//
// Resumable: the row marks the replacement in flight (target W) before PUT
// KEY; a re-run finds which MK the token holds, the row's or W, proves it
// with a secure channel under it and settles the row. A token holding any
// other version is refused, proof or not (a retired MK block must never
// move a row back). UNLOCK is not tried when an
// earlier one failed, unless options.force (CheckKrkTries). Borrows everything; the HsmToken's
// thread.
#pragma once

#include <cstdint>

#include "hsm/hsm_token.hpp"
#include "services/directory/directory.hpp"
#include "services/keyman/krk_prefetch.hpp"
#include "services/keyman/personalize.hpp"

namespace tessera::keyman {

// `prefetcher`, when given, may hold the KRK already (krk_prefetch.hpp).
Result<Outcome> ReplaceMasterKey(hsm::HsmToken& hsm, directory::Directory& directory,
                                 const std::shared_ptr<host::Reader>& reader,
                                 const StepOptions& options, KrkPrefetcher* prefetcher = nullptr);

// Opens a secure channel to the token under MK version `version` derived in
// the HSM (tessera token probe). OK only when the token proves the key.
Status ProbeToken(hsm::HsmToken& hsm, const std::shared_ptr<host::Reader>& reader,
                  std::uint8_t version);

}  // namespace tessera::keyman
