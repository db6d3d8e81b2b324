// DeviceToken: the soft-token device (issue 15 design "Actors": a token
// standing for a phone's secure element) reached over host/transport with
// host::PivClient, as the `reg` commands reach theirs: the simulator socket,
// PC/SC or USB. Not through the PKCS#11 module, which shows the attestation
// of the token key F0 only (docs/pkcs11-objects.md "The token key"), while
// the device proves a key in a PIV slot with ATTEST <slot>.
//
// The device key is a P-256 key in one PIV slot (default 9E, Card
// Authentication, whose PIN policy is "never"): made on the token when the
// slot is empty (under the management key), attested by F9, and used for
// ES256 signatures (r || s). A slot with a key of another kind is refused.
//
// Errors: the token's (PivClient, SwToStatus) prefixed with the step;
// kNotFound when no reachable token has the serial. One thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/card/piv_client.hpp"
#include "services/runtime/home.hpp"

namespace tessera::cli::softtoken {

struct DeviceKey {
  Bytes spki;              // SubjectPublicKeyInfo DER
  bool generated = false;  // made by this call
  bool needs_pin = false;  // its PIN policy is not "never"
};

class DeviceToken {
 public:
  // The token with `serial` among those `settings` reaches, PIV selected.
  static Result<std::unique_ptr<DeviceToken>> Open(const runtime::Settings& settings,
                                                   std::uint32_t serial);

  std::uint32_t serial() const { return serial_; }

  // The P-256 key in `slot` ("9e", ...), generated when the slot is empty
  // after authenticating with `management_key` (3DES or AES, hex-decoded
  // bytes; the factory key when the caller has no other). With no
  // management key an empty slot is kNotFound: nothing is made.
  Result<DeviceKey> EnsureKey(const std::string& slot, ByteView management_key);
  // ATTEST <slot>: the DER certificate F9 signs for the slot's key.
  Result<Bytes> Attest(const std::string& slot);
  // The attestation certificate (5FFF01), DER.
  Result<Bytes> AttestationCertificate();
  // VERIFY; kept for the signatures of a key whose policy asks for it.
  Status UsePin(SecureBytes pin);
  // ES256 over `data` (SHA-256 on the host, GENERAL AUTHENTICATE on the
  // token): r || s, 64 bytes. The PIN is presented again first when given.
  Result<Bytes> SignEs256(const std::string& slot, ByteView data);

 private:
  DeviceToken() = default;
  std::uint32_t serial_ = 0;
  std::unique_ptr<host::Transport> transport_;
  std::unique_ptr<host::ApduChannel> channel_;
  std::unique_ptr<host::PivClient> piv_;
  SecureBytes pin_;
};

// "9e" -> 0x9E for the four PIV slots and the retired 82..95;
// kInvalidArgument otherwise.
Result<std::uint8_t> SlotReference(const std::string& slot);

}  // namespace tessera::cli::softtoken
