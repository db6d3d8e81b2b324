// Logins on a PIV card, as the PKCS#11 core asks for them:
// - the user logs in with the PIV PIN (VERIFY, SP 800-73-4 Part 2 §3.2.1);
// - the SO logs in with the management key given in hex as the SO PIN, the
//   ykcs11 convention (GENERAL AUTHENTICATE mutual authentication with 9B);
// - logout resets the PIN's security status (VERIFY P1=FF).
// One thread at a time, under the slot's lock. Secrets are never logged.
#pragma once

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "host/card/apdu_channel.hpp"

namespace tessera::p11::piv {

// kPinIncorrect(tries left), kAuthBlocked, or kInvalidArgument for a PIN
// outside 6..8 bytes.
Status LoginUser(host::ApduChannel& channel, ByteView pin);
// The SO PIN is the management key in hex (48 digits for 3DES or AES-192,
// 32 for AES-128, 64 for AES-256). A wrong key is kPinIncorrect.
Status LoginSo(host::ApduChannel& channel, ByteView so_pin);
Status Logout(host::ApduChannel& channel);

}  // namespace tessera::p11::piv
