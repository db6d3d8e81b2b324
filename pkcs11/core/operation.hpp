// CryptoOperation: one active sign, verify, encrypt, decrypt or digest
// operation of a session (PKCS#11 2.40 §5.8–§5.12). Input arrives in one part
// or many; the result is computed once and kept, so a size query followed by
// the real call costs the card one operation, not two.
//
// Private-key work goes to the card through the slot; verification,
// encryption and digests run on the host with OpenSSL. Not thread-safe: the
// session's lock guards it.
#pragma once

#include <memory>
#include <optional>

#include "common/secure_bytes.hpp"
#include "pkcs11/core/crypto/hash.hpp"
#include "pkcs11/core/mechanism.hpp"
#include "pkcs11/core/slot.hpp"

namespace tessera::p11 {

enum class OpKind { kSign, kVerify, kEncrypt, kDecrypt, kDigest };

class CryptoOperation {
 public:
  // Checks the key against the mechanism (type, CKA_SIGN and friends).
  static Result<std::unique_ptr<CryptoOperation>> Start(OpKind kind, Slot& slot, ObjectHandle key,
                                                        const Mechanism& mechanism);
  OpKind kind() const { return kind_; }
  // Whether the key wants CKU_CONTEXT_SPECIFIC before each use.
  bool always_authenticate() const { return always_authenticate_; }

  Status Update(ByteView part);
  // No more parts: a later size query or fetch must not take data again.
  void MarkInputComplete() { input_complete_ = true; }
  bool input_complete() const { return input_complete_; }
  // Sign, encrypt, decrypt, digest: the output, once every part is in.
  Result<ByteView> Output();
  // Verify: checks `signature` over everything given.
  Status Verify(ByteView signature);
  // A size query answered without the card: the output's length when it is
  // known from the key (signatures), else nullopt.
  std::optional<std::size_t> KnownOutputSize() const;

 private:
  CryptoOperation(OpKind kind, Slot& slot) : kind_(kind), slot_(slot) {}
  Result<SecureBytes> Compute();
  Result<SecureBytes> SignOnCard(ByteView tbs);
  Result<Bytes> TakeInput();  // the digest for hash-and-sign, else the buffered data

  OpKind kind_;
  Slot& slot_;
  ObjectHandle key_ = 0;
  Mechanism mechanism_;
  ossl::PkeyPtr public_key_;
  KeyType key_type_{};
  std::size_t modulus_bits_ = 0;  // RSA keys
  std::size_t field_bytes_ = 0;   // EC keys
  bool always_authenticate_ = false;
  std::optional<crypto::Digester> digester_;
  Bytes buffer_;
  std::optional<SecureBytes> output_;
  bool input_complete_ = false;
};

}  // namespace tessera::p11
