// TokenP11: one Tessera token reached through the Tessera PKCS#11 module
// (tessera-pkcs11.so), as the CMS's registration station, the officer's
// terminal and the user's `tessera token activate` use it (docs/cms-api.md;
// the module's objects: docs/pkcs11-objects.md).
//
// The module is loaded with hsm::Pkcs11Library (dlopen, C_Initialize), so
// tokens on every route the module serves (simulator sockets, PC/SC, USB
// CCID: its configuration, docs/pkcs11-module.md) are reachable alike
// (seed 000 claims 9, 10, 19, 20). A token is picked by its serial (the
// token ID, C_GetTokenInfo's serialNumber).
//
// Every error names the step, the PKCS#11 function and its CK_RV; a wrong
// PIN is kSecurityStatus, a blocked one kAuthBlocked, a token not present
// kNotFound. Move-only; one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "hsm/pkcs11_library.hpp"
#include "tools/tessera/client/https_client.hpp"

namespace tessera::cli {

// The module's path: `flag` when not empty, else $TESSERA_PKCS11_MODULE,
// else the installed module next to the tessera binary's prefix
// (../lib/tessera-pkcs11.so, then the build tree's pkcs11/tessera-pkcs11.so).
std::string Pkcs11ModulePath(const std::string& flag);

// What a station reads from a token without a login (claims 1, 11).
struct TokenFacts {
  std::uint32_t serial = 0;
  Bytes token_key;        // F0 public key, SubjectPublicKeyInfo DER
  Bytes attestation;      // F0's attestation statement (DER certificate)
  Bytes attestation_ca;   // the F9 certificate (5FFF01), DER
  Bytes chuid;            // the CHUID container's value
  std::string transport;  // "sim", "pcsc" or "usb" (from the slot description)
  // PIV key slots that hold a key ("9a", "9c", "9d", "9e", "82".."95").
  std::vector<std::string> used_key_slots;
};

class TokenP11 {
 public:
  // Every token the module shows: (serial, slot description).
  static Result<std::vector<std::pair<std::uint32_t, std::string>>> List(
      const std::string& module_path);
  // Opens a read-write session on the token with this serial.
  static Result<TokenP11> Open(const std::string& module_path, std::uint32_t serial);

  ~TokenP11();
  TokenP11(TokenP11&&) noexcept;
  TokenP11& operator=(TokenP11&&) noexcept;

  std::uint32_t serial() const;
  Result<TokenFacts> ReadFacts();

  // CKU_USER with the PIN; CKU_SO with the management key in hex.
  Status LoginUser(const SecureBytes& pin);
  Status LoginSo(const SecureBytes& management_key_hex);

  // A P-256 key pair generated on the token in `slot` ("9a", "9c", ...);
  // the public key as SubjectPublicKeyInfo DER. Needs the SO login, or a
  // user login while the token has the factory management key.
  Result<Bytes> GenerateP256(const std::string& slot);
  // The public key of the key in `slot`, SubjectPublicKeyInfo DER.
  Result<Bytes> PublicKey(const std::string& slot);
  // ECDSA over SHA-256 of `data` (hashed on the host, CKM_ECDSA on the
  // token) with the key in `slot`; the signature as raw r || s (64 bytes).
  // Slot 9c asks the PIN again (CKU_CONTEXT_SPECIFIC) with `pin`.
  Result<Bytes> SignEs256(const std::string& slot, ByteView data, const SecureBytes* pin = nullptr);
  // CKM_ECDSA over a digest the caller made (a TLS handshake's); r || s.
  Result<Bytes> SignDigest(const std::string& slot, ByteView digest,
                           const SecureBytes* pin = nullptr);
  // The certificate in `slot`'s container, DER; none when empty.
  Result<std::optional<Bytes>> Certificate(const std::string& slot);
  // Writes (replaces) `slot`'s certificate. Write access as GenerateP256.
  Status WriteCertificate(const std::string& slot, ByteView der);

  // The key package data object (common/piv/key_package.hpp): write
  // (replace), read (none when absent).
  Status WriteKeyPackage(ByteView encoded);
  Result<std::optional<Bytes>> ReadKeyPackage();
  // C_UnwrapKey with CKM_ECDH_AES_KEY_WRAP and F0 (needs the user login):
  // the package's key into the PIV slot its shared data names. The token
  // empties the package object in the same step.
  Status UnwrapKeyPackage(ByteView encoded);

 private:
  struct State;
  explicit TokenP11(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// A client certificate for HttpsClient from a token slot (the officer's
// 9a): the certificate in the slot's container, its key, and a signer that
// signs the handshake's digest on the token (C_Sign, CKM_ECDSA) and returns
// DER. The signer refers to `token`, which must outlive it and be logged in
// as the user; `pin` (copied) is given again for a 9c key. kNotFound when
// the slot holds no certificate.
Result<ClientCertificate> ClientCertificateFromSlot(TokenP11& token, const std::string& slot,
                                                    const SecureBytes* pin = nullptr);

}  // namespace tessera::cli
