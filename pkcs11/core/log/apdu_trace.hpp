// One-line descriptions of APDUs for debug logs, with secrets redacted.
//
// A description shows the header, the instruction's name, Lc, Le and the data
// in hex, except data that may carry a secret, shown as `<N bytes redacted>`:
//
//   00 20 00 80 VERIFY Lc=8 data=<8 bytes redacted>
//   00 cb 3f ff GET DATA object=5fc105 Lc=5 data=5c035fc105 Le=256 -> SW=9000 data=5382...
//
// Redaction is an allow-list (the table in apdu_trace.cpp): data is shown only
// for instructions known to carry none of a PIN, PUK, management key, private
// or secret key, or decrypted data. So it is hidden for
//   - commands: VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER, GENERAL
//     AUTHENTICATE with the management key (P2 9B), IMPORT KEY, SET
//     MANAGEMENT KEY, Tessera F2, F4 and F5, PUT DATA of a PIN-protected
//     object or of a chain link (the object is unknown), and any instruction
//     or proprietary class the table does not know;
//   - responses: GENERAL AUTHENTICATE (decryption and key agreement return
//     secrets, and RSA decryption cannot be told from signing), GET RESPONSE
//     (it continues a response this stateless code cannot see), GET DATA of a
//     PIN-protected object (5FC109 may hold a YubiKey PIN-protected management
//     key), F5, and anything unknown.
// A malformed APDU shows its header only. Pure functions, thread-safe.
#pragma once

#include <string>

#include "common/bytes.hpp"

namespace tessera::p11::log {

std::string DescribeCommandApdu(ByteView raw_command);

// Status word and data length only: without the command, nothing tells
// whether the data is secret. Prefer DescribeExchange.
std::string DescribeResponseApdu(ByteView raw_response);

// "<command> -> SW=xxxx data=...", the response data shown when the
// command's instruction allows it.
std::string DescribeExchange(ByteView raw_command, ByteView raw_response);

}  // namespace tessera::p11::log
