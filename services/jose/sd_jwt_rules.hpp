// The SD-JWT VC profile's claim rules shared by sd_jwt_issue.cpp and
// sd_jwt_verify.cpp (internal to tessera_jose): which names may be
// disclosed, and the status claim's two directions. Stateless, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/status.hpp"
#include "services/jose/sd_jwt.hpp"

namespace tessera::jose::sd_jwt_rules {

// False for the names SD-JWT VC "Registered JWT Claims" keeps visible (iss
// nbf exp cnf vct vct#integrity status) and RFC 9901's own (_sd ... _sd_alg).
bool MayBeDisclosed(std::string_view name);

// {"status_list": {"idx": n, "uri": s}} and back. Reading refuses
// (kInvalidArgument, naming the member) a missing or mistyped idx/uri, a
// negative idx, or other members inside status_list (the draft: "exactly
// two claims").
nlohmann::json StatusClaim(const StatusReference& status);
Result<StatusReference> ReadStatusClaim(const nlohmann::json& status);

}  // namespace tessera::jose::sd_jwt_rules
