// The steps of F3 REGISTRATION (docs/piv-extensions.md "F3"), one function
// per P1, gathered into the P1 table of registration_command.cpp, and the
// time floor they share. Each step checks P2, access, then data, in the
// order of the doc's status-word table; the command drops the session's
// pending exchanges whenever a step fails. Not thread-safe; the token's lock
// serializes commands.
#pragma once

#include <cstdint>

#include "common/apdu.hpp"
#include "common/status.hpp"
#include "firmware-sim/applets/piv/piv_context.hpp"

namespace tessera::sim::piv_applet {

Result<Bytes> RegistrationStatus(PivContext& c, const CommandApdu& apdu);  // P1 00
Result<Bytes> RegisterBegin(PivContext& c, const CommandApdu& apdu);       // P1 01
Result<Bytes> RegisterFinish(PivContext& c, const CommandApdu& apdu);      // P1 02
Result<Bytes> AuthBegin(PivContext& c, const CommandApdu& apdu);           // P1 03
Result<Bytes> AuthFinish(PivContext& c, const CommandApdu& apdu);          // P1 04

// piv/reg/floor, u64 BE Unix seconds: the latest time a registration
// completed at. Missing is 0; any other length is kCorrupt. RESET keeps it.
inline constexpr const char* kTimeFloorKey = "piv/reg/floor";
[[nodiscard]] Result<std::uint64_t> LoadTimeFloor(const Storage& s);
void PutTimeFloor(Transaction& txn, std::uint64_t floor);

}  // namespace tessera::sim::piv_applet
