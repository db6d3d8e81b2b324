// The cold-start sequence of the APDU-economy budget (issue 3, docs/pkcs11-
// module.md "APDUs"), shared by the test that holds the module to it over the
// simulator's socket and by the benchmark that counts it through PC/SC:
// C_Initialize, C_GetSlotList, C_OpenSession, C_Login, C_FindObjects(private
// key, CKA_ID 01), one C_Sign, on a token holding 4 certificates.
#pragma once

#include <p11-kit/pkcs11.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "host/transport/transport.hpp"

namespace tessera::testing {

// The command APDUs in a tessera-sim --trace file, as hex, in order
// (docs/tessera-sim.md: "> HEX").
std::vector<std::string> TraceCommands(const std::filesystem::path& trace);
// A command's name for the record: the INS, a GET DATA's object, a GET
// METADATA's key.
std::string DescribeCommand(const std::string& hex);
// "8 APDUs: SELECT; VERIFY; ..."
std::string Breakdown(const std::vector<std::string>& commands);

// A P-256 key and a certificate in each of 9A, 9C, 9D and 9E, written with
// the test PIV client (not the module) over `transport`.
Status CertifyStandardSlots(host::Transport& transport);

struct ColdStart {
  std::vector<std::string> commands;  // what the trace gained
  std::string per_step;               // "C_Initialize=0; C_GetSlotList=0; ..."
};

// Runs the sequence on the first slot with a token whose description
// starts with `slot_prefix` (any slot when empty), with the module loaded
// but not initialized, and finalizes it again. Counts from `trace`.
Result<ColdStart> RunColdStart(CK_FUNCTION_LIST* module, const std::filesystem::path& trace,
                               const std::string& slot_prefix = "");

}  // namespace tessera::testing
