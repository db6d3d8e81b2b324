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
#include <optional>
#include <vector>

#include "common/ossl.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/secure_bytes.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/card/piv_registration.hpp"
#include "host/card/piv_secret_keys.hpp"

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

  // Tessera extensions (piv_client_secret.cpp; docs/piv-extensions.md).
  // Card refusals come back through SwToStatus: SecurityStatus (6982: PIN or
  // management key missing), ConditionsNotSatisfied (6985: slot occupied,
  // usage bit or key type wrong), NoSpace (6A84), ReferenceNotFound (6A88:
  // empty slot), InvalidArgument (6A80), SignatureInvalid (6300: a wrap, MAC
  // or GCM tag that does not verify), DataMismatch (6984: an unwrapped key
  // of another type than declared).
  //
  // F2 UNWRAP AND STORE: the PIN must be verified in this session. A private
  // key replaces what its PIV slot held (origin imported); a secret key
  // needs an empty slot.
  Result<UnwrapResult> UnwrapAndStore(const UnwrapRequest& request);
  // F5 00: every secret key, in slot order. Needs no PIN.
  Result<std::vector<SecretKeyInfo>> ListSecretKeys();
  // GET METADATA C0..DF.
  Result<SecretKeyInfo> GetSecretKeyMetadata(std::uint8_t slot);
  // F4 01 / 02 under the management key, into `slot` (C0..DF) or FF for the
  // lowest free one. `length` 0: the type's size (a generic secret: 32).
  Result<SecretKeyInfo> ImportSecretKey(std::uint8_t slot, piv::secret::KeyType type,
                                        ByteView value, const SecretKeyAttributes& attributes);
  Result<SecretKeyInfo> GenerateSecretKey(std::uint8_t slot, piv::secret::KeyType type,
                                          std::size_t length,
                                          const SecretKeyAttributes& attributes);
  // F4 03 / 04: the base key's PIN policy applies (F0 always needs the PIN).
  Result<SecretKeyInfo> DeriveSecretKeyEcdh(const EcdhDeriveRequest& request);
  Result<SecretKeyInfo> DeriveSecretKeyHkdf(const HkdfDeriveRequest& request);
  // F4 05 under the management key.
  Status DeleteSecretKey(std::uint8_t slot);
  // F5 MACs (the key's PIN policy, then the sign/verify usage). `mac_length`
  // 0 is the full MAC; shorter MACs are its leftmost bytes. Verify answers
  // Ok or SignatureInvalid.
  Result<Bytes> SecretKeyMac(std::uint8_t slot, piv::secret::MacAlgorithm alg, ByteView message,
                             std::size_t mac_length = 0);
  Status SecretKeyVerify(std::uint8_t slot, piv::secret::MacAlgorithm alg, ByteView message,
                         ByteView mac);
  // F5 30 / 31: AES-GCM, ciphertext || tag; decryption gives nothing unless
  // the tag verifies (SignatureInvalid).
  Result<Bytes> GcmEncrypt(std::uint8_t slot, ByteView iv, ByteView aad, ByteView plaintext,
                           std::size_t tag_len = 16);
  Result<SecureBytes> GcmDecrypt(std::uint8_t slot, ByteView iv, ByteView aad,
                                 ByteView ciphertext_and_tag, std::size_t tag_len = 16);
  // F5 40: HKDF-SHA-256 output (the export-derived usage). With a salt,
  // extract then expand; without one, the key is the PRK.
  Result<SecureBytes> HkdfToHost(std::uint8_t slot, std::optional<ByteView> salt, ByteView info,
                                 std::size_t length);

  // F3 REGISTRATION (piv_client_registration.cpp; piv_registration.hpp): the
  // token's half of the registration protocol. Each refusal comes back as
  // the Status SwToStatus gives its word, with a message that says what the
  // token found: SignatureInvalid (6300) is the gateway's certificate not
  // signed by the issuer key (begin), its answer C2 not opening (finish),
  // or its proof Ms not verifying (auth finish); ConditionsNotSatisfied
  // (6985) a time outside the certificate or below the floor, or a step out
  // of order; DataMismatch (6984) a certificate not made for a
  // registration server; ReferenceNotFound (6A88) no issuer key, or an
  // empty slot; SecurityStatus (6982) the PIN not verified. A refused step
  // stores nothing and must be begun again.
  //
  // F3 00: the issuer key, its version and the time floor. Needs no PIN.
  Result<RegistrationInfo> RegistrationStatus();
  // F3 01: R0 and the host's time (Unix seconds) and user identification
  // (tag 85's value, 1..1024 bytes) in, R1 out. PIN verified first.
  Result<Bytes> RegisterBegin(ByteView r0, std::uint64_t host_time, ByteView user_info);
  // F3 02: R2 in; K stored in `slot` (C0..DF, or FF for the lowest free
  // one), with `pin_policy` (once or always; the token's default is once).
  Result<RegistrationResult> RegisterFinish(ByteView r2,
                                            std::uint8_t slot = piv::secret::kAnyFreeSlot,
                                            std::optional<piv::PinPolicy> pin_policy = {});
  // F3 03: A1 for a login with K in `slot`; K's PIN policy applies.
  Result<Bytes> AuthBegin(std::uint8_t slot);
  // F3 04: A2 in (the challenge and Ms); A3 and SES out.
  Result<AuthResult> AuthFinish(std::uint8_t slot, ByteView a2);

 private:
  Result<ResponseApdu> Send(const CommandApdu& command);
  // Sends and requires 9000; returns the data.
  Result<Bytes> Call(const CommandApdu& command, const char* what);
  Status ChangeReference(std::uint8_t reference, ByteView old_value, ByteView new_value,
                         std::uint8_t ins);
  // Call, then wipes the command's data (it carried a key or a plaintext).
  Result<Bytes> CallWiping(CommandApdu& command, const char* what);
  Result<SecretKeyInfo> CallForSecretKey(CommandApdu& command, const char* what);
  Result<Bytes> Operate(std::uint8_t p1, std::uint8_t slot, Bytes data, const char* what);

  ApduChannel& channel_;
};

// PIN/PUK bytes padded with 0xFF to 8 (SP 800-73-4 Part 2 §3.2.1);
// kInvalidArgument outside 1..8 bytes.
Result<SecureBytes> PadPin(ByteView pin);

}  // namespace tessera::host
