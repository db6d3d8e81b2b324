// The device's proofs of possession on channel 1 (seed 002; docs/softtoken-
// api.md "Channel 1"). The secure element's P-256 key signs, with ES256
// (ECDSA over SHA-256, the signature as r || s), a message that names what
// it is for and the RFC 9266 tls-exporter of the TLS connection it travels
// on, so a proof made for one connection is refused on any other:
//   request: "tessera-softtoken-v1" 00 "request" 00 nonce(32) exporter(32)
//            SHA-256(device SPKI DER)
//   poll:    "tessera-softtoken-v1" 00 "poll" 00 request-id(ASCII, 32)
//            exporter(32)
// Errors: kInvalidArgument for a key that is not P-256 or a signature that
// is not 64 bytes; kSecurityStatus for one that does not verify.
// Stateless; thread-safe.
#pragma once

#include <string_view>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::softtoken {

Bytes RequestProofMessage(ByteView nonce, ByteView exporter, ByteView device_spki);
Bytes PollProofMessage(std::string_view request_id, ByteView exporter);

// The device key must be a P-256 SubjectPublicKeyInfo.
Status CheckDeviceKey(ByteView device_spki);
Status VerifyDeviceSignature(ByteView device_spki, ByteView message, ByteView signature);

}  // namespace tessera::softtoken
