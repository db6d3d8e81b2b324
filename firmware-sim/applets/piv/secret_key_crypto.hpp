// The cryptography of SECRET KEY OPERATE (INS F5, docs/piv-extensions.md
// "F5"), one function per operation: each parses its own data tags and runs
// with a key whose access rules, usage and type the handler has already
// checked. Values come from common/crypto. Stateless; thread-safe.
#pragma once

#include <cstdint>

#include "common/apdu.hpp"
#include "common/status.hpp"
#include "firmware-sim/applets/piv/secret_key_record.hpp"

namespace tessera::sim::piv_applet {

// P1 10/20/22/24: the MAC of tag 81, cut to tag 82's length (the leftmost
// bytes, as CKM_*_MAC_GENERAL does).
Result<Bytes> SecretKeyMac(const SecretKeyRecord& key, const CommandApdu& apdu);
// P1 11/21/23/25: Status::SignatureInvalid (6300) unless tag 82 is the
// leftmost bytes of the MAC of tag 81; compared in constant time.
Result<Bytes> SecretKeyVerify(const SecretKeyRecord& key, const CommandApdu& apdu);
// P1 30/31: AES-GCM; ciphertext || tag out, or the plaintext after the tag
// verifies (6300 otherwise).
Result<Bytes> SecretKeyGcmEncrypt(const SecretKeyRecord& key, const CommandApdu& apdu);
Result<Bytes> SecretKeyGcmDecrypt(const SecretKeyRecord& key, const CommandApdu& apdu);
// P1 40: HKDF-SHA-256 output; with tag 86 extract then expand, else the key
// is the PRK.
Result<Bytes> SecretKeyHkdf(const SecretKeyRecord& key, const CommandApdu& apdu);

}  // namespace tessera::sim::piv_applet
