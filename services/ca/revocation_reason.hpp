// Revocation reasons: RFC 5280 §5.3.1 CRLReason names and codes, the ones a
// Tessera CA accepts. certificateHold (6) and removeFromCRL (8) are refused:
// a revocation here is final (the directory has no way back), and
// aACompromise (10) is for attribute certificates. Stateless.
#pragma once

#include <string>
#include <string_view>

#include "common/status.hpp"

namespace tessera::ca {

inline constexpr int kReasonUnspecified = 0;

// "keyCompromise" -> 1. Case-sensitive, as RFC 5280 spells them.
// kInvalidArgument listing the accepted names for anything else.
Result<int> RevocationReasonFromName(std::string_view name);
// 1 -> "keyCompromise"; "reason N" for a code outside the table.
std::string RevocationReasonName(int code);

}  // namespace tessera::ca
