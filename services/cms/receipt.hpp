// The activation receipt (seed 000 claim 8; docs/cms-api.md "Activation"):
// after the token unwrapped the user's key into slot 9C, the token signs
// this with that key, so the CMS knows the key arrived where it was sent.
// JWS (services/jose/jws.hpp), typ "tessera-activation+jws", ES256, canonical JSON:
//   {"form":"activation","request_id","time","token_serial"}
// Stateless, thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.hpp"

namespace tessera::cms {

inline constexpr char kReceiptType[] = "tessera-activation+jws";

struct ActivationReceipt {
  std::string request_id;
  std::uint32_t token_serial = 0;
  std::int64_t time = 0;
  bool operator==(const ActivationReceipt&) const = default;
};

Result<std::string> EncodeReceipt(const ActivationReceipt& receipt);
// The payload must be canonical and hold exactly these members.
Result<ActivationReceipt> DecodeReceipt(std::string_view payload);

}  // namespace tessera::cms
