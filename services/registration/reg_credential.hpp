// The enrolment credential of a registration (docs/registration-api.md
// "Enrolment credentials"), checked when R1 has opened: a one-time code
// issued to the user, a CMS-bound token's proof (seed 000: the 9C
// certificate the CMS issued to this user and bound to this token, and a
// signature by that key over TH2), or an open gateway. Internal to
// services/registration.
//
// Errors: kSecurityStatus naming what is wrong (no credential, a code that
// is unknown, used, expired or another user's; a proof for a token without
// a live binding to the user, a certificate that is not that binding's or
// is revoked or out of its validity, a signature that does not verify); the
// directory's errors. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/bytes.hpp"
#include "common/registration/user_info.hpp"
#include "common/status.hpp"
#include "services/directory/database.hpp"
#include "services/registration/registration_service.hpp"

namespace tessera::registration {

struct Credential {
  std::string kind;  // "code", "cms" or "open"
  std::optional<Bytes> code_hash;
  std::optional<std::uint32_t> token_serial;
};

Result<Credential> CheckCredential(directory::Database& db, const UserInfo& info,
                                   const std::optional<CmsProof>& proof, ByteView th2, bool open,
                                   std::int64_t now);

}  // namespace tessera::registration
