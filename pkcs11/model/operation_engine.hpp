// OperationEngine: the mechanism-specific work of one sign, verify, encrypt,
// decrypt or digest operation, as a driver does it: on the card (drivers/piv)
// or on the host with OpenSSL (drivers/soft). core/operation.hpp wraps an
// engine in the call-order and buffer rules of PKCS#11 3.0 §5.2 and
// §5.8-§5.12, so an engine only computes.
//
// Not thread-safe: the owning session's lock serializes calls.
#pragma once

#include <cstddef>
#include <optional>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "pkcs11/model/fault.hpp"

namespace tessera::p11 {

enum class OpKind { kSign, kVerify, kEncrypt, kDecrypt, kDigest };

// What a private key is asked to do, on a card (GENERAL AUTHENTICATE, SP
// 800-73-4 Part 2 §3.2.4) or on the host: the raw RSA or ECDSA/EdDSA
// operation on a prepared block, or key agreement with a peer point.
enum class RawOp { kSignOrDecrypt, kAgree };

class OperationEngine {
 public:
  virtual ~OperationEngine() = default;

  // One part of the input. A streaming cipher returns what the part
  // produces (C_EncryptUpdate); the others return nothing and keep or hash
  // the input until Finish.
  [[nodiscard]] virtual Result<SecureBytes> Update(ByteView part) = 0;
  // The most Update can return for `part_len` more bytes, without doing it.
  virtual std::size_t MaxUpdateOutput(std::size_t part_len) const {
    (void)part_len;
    return 0;
  }
  // Everything is in: the signature, the digest, or the rest of the
  // ciphertext or plaintext. Called at most once.
  [[nodiscard]] virtual Result<SecureBytes> Finish() = 0;
  // Finish's length when it is known without doing the work (a signature's
  // length follows from the key; §5.2 size queries then cost no card work).
  virtual std::optional<std::size_t> FinishSize() const { return std::nullopt; }
  // An upper bound of Finish's length that holds whatever the input, when
  // there is one (an RSA decryption: the modulus length). A size query is
  // then answered with it, without the work (§5.2 allows "a length at least
  // as large as needed").
  virtual std::optional<std::size_t> FinishSizeBound() const { return std::nullopt; }
  // Verification: checks `signature` over every part given.
  [[nodiscard]] virtual Status Verify(ByteView signature) {
    (void)signature;
    return Refuse(Fault::kOperationNotInitialized, "not a verification");
  }
  // The key wants CKU_CONTEXT_SPECIFIC before each use (CKA_ALWAYS_AUTHENTICATE).
  virtual bool always_authenticate() const { return false; }
};

}  // namespace tessera::p11
