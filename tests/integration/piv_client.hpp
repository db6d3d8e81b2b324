// PivClient: the few PIV commands the simulator tests and benchmarks need,
// built on host::ApduChannel, plus host-side OpenSSL checks of what the
// token returns (public keys from 7F49, signatures).
//
// Deliberately independent of the firmware's own encoders: the public key
// and signature checks here are written from SP 800-73-4 and PKCS #1 so that
// a bug on the token side cannot hide behind the same bug on this side.
// Borrows the transport; one thread at a time.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/apdu.hpp"
#include "common/ossl.hpp"
#include "common/piv/piv_constants.hpp"
#include "host/card/apdu_channel.hpp"

namespace tessera::testing {

class PivClient {
 public:
  explicit PivClient(host::Transport& transport) : channel_(transport) {}

  Result<ResponseApdu> Send(const CommandApdu& command) { return channel_.Transmit(command); }
  // A raw hex command, e.g. "00fd0000".
  Result<ResponseApdu> Send(std::string_view hex);

  Status Select();
  Result<Bytes> Version();         // GET VERSION (FD): 3 bytes
  Result<std::uint32_t> Serial();  // GET SERIAL (F8)
  // VERIFY; an empty PIN asks for the status (9000 or 63Cx). Returns the SW.
  Result<std::uint16_t> VerifyPin(std::string_view pin);
  Result<std::uint16_t> ChangePin(std::string_view old_pin, std::string_view new_pin);
  // GENERAL AUTHENTICATE mutual authentication with a 3DES management key.
  Status AuthenticateManagementKey(ByteView key = piv::kDefaultManagementKey);
  // GENERATE ASYMMETRIC KEY PAIR; the public key rebuilt from 7F49.
  Result<ossl::PkeyPtr> Generate(std::uint8_t slot, piv::Algorithm alg);
  // GENERAL AUTHENTICATE sign: the input is what goes in tag 81 (a digest
  // for ECDSA, the message for Ed25519, a padded block for RSA).
  Result<Bytes> SignRaw(std::uint8_t slot, piv::Algorithm alg, ByteView input);
  // Signs `message` the way a PKCS#11 module would: SHA-256 for ECDSA and
  // RSA (PKCS #1 v1.5), the message itself for Ed25519.
  Result<Bytes> Sign(std::uint8_t slot, piv::Algorithm alg, ByteView message);

 private:
  host::ApduChannel channel_;
};

// Host-side verification with OpenSSL of a Sign() result.
Status VerifySignature(EVP_PKEY* key, piv::Algorithm alg, ByteView message, ByteView signature);

Bytes Sha256(ByteView data);
// EMSA-PKCS1-v1_5 (RFC 8017 §9.2) of a SHA-256 digest, `size` bytes.
Bytes Pkcs1Sha256Block(ByteView digest, std::size_t size);

}  // namespace tessera::testing
