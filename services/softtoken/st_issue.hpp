// Signing a soft token (seed 002; docs/softtoken-format.md): the SD-JWT VC
// with the issuer key in the HSM, or the X.509 form from the CA. Internal
// to services/softtoken.
#pragma once

#include <cstdint>
#include <string>

#include "services/ca/ca_service.hpp"
#include "services/ca/hsm_pool.hpp"
#include "services/softtoken/st_common.hpp"

namespace tessera::softtoken {

inline constexpr std::string_view kVct = "urn:tessera:softtoken:id-attributes:1";

struct IssueInput {
  Attributes attributes;
  Bytes device_spki;
  std::string issuer_url;  // iss
  std::string status_uri;
  std::int64_t status_index = 0;
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
};

// "<issuer JWT>~<disclosure>~...~": every attribute selectively disclosable.
Result<std::string> SignSdJwtVc(ca::HsmPool::Lease& lease, const SoftTokenService::Issuer& issuer,
                                const IssueInput& input);

}  // namespace tessera::softtoken
