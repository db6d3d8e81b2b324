// RFC 9901 §7.1 steps 3 to 5: the Disclosures of an SD-JWT put back into
// its issuer-signed payload, for any payload (flat, structured, recursive
// and array-element Disclosures, decoy digests). Signature, typ and the
// validity claims are the caller's (sd_jwt.hpp). Part of tessera_jose.
// Stateless, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "services/jose/sd_jwt_parts.hpp"

namespace tessera::jose {

struct ProcessedSdJwt {
  nlohmann::json payload;  // without "_sd", "_sd_alg" and undisclosed "..." elements
  std::vector<std::string> top_level_disclosed;  // names the Disclosures added at the top
};

// Refuses (kInvalidArgument, naming the claim or digest): "_sd_alg" other
// than "sha-256" or below the top level; an "_sd" that is not an array of
// strings; a digest met twice (step 4); a Disclosure whose digest nothing
// references (step 5) or sent twice; a three-element Disclosure in an
// array or a two-element one in "_sd" (step 3); a disclosed name already
// at its level (step 3); an object with "..." outside the array-element
// form {"...": digest} (§4.1); nesting deeper than 2 * kMaxJsonDepth.
// Unmatched digests are decoys and ignored (§4.2.5).
Result<ProcessedSdJwt> ProcessSdJwtPayload(const nlohmann::json& payload,
                                           const std::vector<Disclosure>& disclosures);

}  // namespace tessera::jose
