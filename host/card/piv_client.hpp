// PivClient: the host's client for the PIV application (SP 800-73-4 Part 2)
// and the YubiKey extensions, over an ApduChannel. The PKCS#11 PIV driver and
// the command-line tools build on it.
//
// Each method sends one command (or one exchange, for management-key
// authentication) and returns its result or a Status from SwToStatus, so a
// wrong PIN is Status::PinIncorrect(tries left). PINs and keys are taken as
// SecureBytes/ByteView and never logged. Borrows the channel; one thread at
// a time, like the transport under it.
#pragma once

#include <array>
#include <cstdint>

#include "common/ossl.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/secure_bytes.hpp"
#include "host/card/apdu_channel.hpp"

namespace tessera::host {

struct PivKeyMetadata {
  piv::Algorithm algorithm{};
  piv::PinPolicy pin_policy{};
  piv::TouchPolicy touch_policy{};
  piv::KeyOrigin origin{};
  ossl::PkeyPtr public_key;
};

struct PivPinMetadata {
  bool is_default = false;
  int max_tries = 0;
  int tries_left = 0;
};

class PivClient {
 public:
  explicit PivClient(ApduChannel& channel) : channel_(channel) {}

  // SELECT the PIV AID; returns the application property template.
  Result<Bytes> Select();
  Result<std::array<std::uint8_t, 3>> GetVersion();
  Result<std::uint32_t> GetSerial();

  // VERIFY the PIV PIN (6–8 bytes, padded here). PinIncorrect(n) when wrong.
  Status VerifyPin(ByteView pin);
  // VERIFY without data: tries left (-1 when the PIN is already verified).
  Result<int> PinStatus();
  Status ChangePin(ByteView old_pin, ByteView new_pin);
  Status ChangePuk(ByteView old_puk, ByteView new_puk);
  Status UnblockPin(ByteView puk, ByteView new_pin);

  // Mutual authentication with the management key (9B); fails with
  // SecurityStatus if the card does not prove the same key.
  Status AuthenticateManagementKey(piv::Algorithm alg, ByteView key);

  Result<ossl::PkeyPtr> GenerateKey(std::uint8_t slot, piv::Algorithm alg,
                                    piv::PinPolicy pin = piv::PinPolicy::kDefault,
                                    piv::TouchPolicy touch = piv::TouchPolicy::kDefault);
  // GENERAL AUTHENTICATE with a private key: `input` goes in tag 81 (sign,
  // RSA decrypt) or 85 (ECDH, X25519) and the card's tag 82 comes back.
  Result<SecureBytes> PrivateKeyOperation(std::uint8_t slot, piv::Algorithm alg,
                                          std::uint8_t input_tag, ByteView input);

  // Data objects: the contents of tag 53 (GET DATA) or what to put in it.
  Result<Bytes> GetData(std::uint32_t object_tag);
  Status PutData(std::uint32_t object_tag, ByteView value);

  Result<PivKeyMetadata> GetKeyMetadata(std::uint8_t slot);
  Result<PivPinMetadata> GetPinMetadata(std::uint8_t reference);  // 80 or 81
  // The management key's algorithm (GET METADATA 9B, tag 01).
  Result<piv::Algorithm> GetManagementKeyAlgorithm();
  // ATTEST (YubiKey F9): the DER attestation statement for `slot`.
  Result<Bytes> Attest(std::uint8_t slot);

  // Administration (piv_client_admin.cpp); each needs the management key
  // authenticated first, except Reset, which needs PIN and PUK blocked.
  // IMPORT KEY (YubiKey FE): `key` is a private key PIV can hold.
  Status ImportKey(std::uint8_t slot, EVP_PKEY* key, piv::PinPolicy pin = piv::PinPolicy::kDefault,
                   piv::TouchPolicy touch = piv::TouchPolicy::kDefault);
  // SET MANAGEMENT KEY (YubiKey FF), no touch.
  Status SetManagementKey(piv::Algorithm alg, ByteView key);
  // RESET (YubiKey FB): the applet back to factory state.
  Status Reset();
  // Blocks the PIN and the PUK by presenting wrong values until the card
  // says blocked, as a reset requires. Costs every remaining try.
  Status BlockPinAndPuk();

 private:
  Result<ResponseApdu> Send(const CommandApdu& command);
  // Sends and requires 9000; returns the data.
  Result<Bytes> Call(const CommandApdu& command, const char* what);
  Status ChangeReference(std::uint8_t reference, ByteView old_value, ByteView new_value,
                         std::uint8_t ins);

  ApduChannel& channel_;
};

// PIN/PUK bytes padded with 0xFF to 8 (SP 800-73-4 Part 2 §3.2.1);
// kInvalidArgument outside 1..8 bytes.
Result<SecureBytes> PadPin(ByteView pin);

}  // namespace tessera::host
