#include "pkcs11/core/operation.hpp"

#include "pkcs11/core/crypto/ecdsa_encoding.hpp"
#include "pkcs11/core/crypto/key_codec.hpp"
#include "pkcs11/core/crypto/public_ops.hpp"
#include "pkcs11/core/crypto/rsa_padding.hpp"
#include "pkcs11/core/fault.hpp"

namespace tessera::p11 {
namespace {

// GENERAL AUTHENTICATE carries the input in tag 81, "challenge" (SP 800-73-4
// Part 2 §3.2.4); the card applies the raw private-key operation to it.
constexpr std::uint8_t kTagChallenge = 0x81;
// Data given in parts is kept until the final call; more is an error.
constexpr std::size_t kMaxBuffered = 1 << 20;

bool SignLike(OpKind kind) { return kind == OpKind::kSign || kind == OpKind::kVerify; }

}  // namespace

Result<std::unique_ptr<CryptoOperation>> CryptoOperation::Start(OpKind kind, Slot& slot,
                                                                ObjectHandle key,
                                                                const Mechanism& mechanism) {
  std::unique_ptr<CryptoOperation> op(new CryptoOperation(kind, slot));
  op->mechanism_ = mechanism;
  if (kind == OpKind::kDigest) {
    auto hash = DigestOf(mechanism.type);
    if (!hash) return Refuse(Fault::kMechanismInvalid, "not a digest mechanism");
    TESSERA_ASSIGN_OR_RETURN(crypto::Digester d, crypto::Digester::Start(*hash));
    op->digester_.emplace(std::move(d));
    return op;
  }
  const bool sign_like = SignLike(kind);
  if ((sign_like && !SignSchemeOf(mechanism.type)) ||
      (!sign_like && !CipherSchemeOf(mechanism.type))) {
    return Refuse(Fault::kMechanismInvalid, "mechanism not for this operation");
  }
  // No GET METADATA to settle CKA_ALWAYS_AUTHENTICATE here: the card enforces
  // its PIN policy itself (6982 becomes CKR_USER_NOT_LOGGED_IN), and a first
  // signature has no APDU to spare (docs/pkcs11-module.md, APDU budget).
  // One look at the key, no copy of its attributes: this runs per signature.
  // A bad handle is CKR_KEY_HANDLE_INVALID, the code §5.8–§5.12 give *Init.
  TESSERA_ASSIGN_OR_RETURN(Slot::KeySummary k, slot.SummarizeKey(key));
  const bool wants_private = kind == OpKind::kSign || kind == OpKind::kDecrypt;
  const ObjectClass cls = wants_private ? ObjectClass::kPrivateKey : ObjectClass::kPublicKey;
  // A valid handle of the wrong class (a public key to sign, a secret to
  // verify) lacks the usage attribute: §5.1 CKR_KEY_FUNCTION_NOT_PERMITTED.
  if (k.cls != cls) return Refuse(Fault::kKeyFunctionNotPermitted, "wrong kind of key");
  if (!k.type || k.type != KeyTypeFor(mechanism.type) || k.public_key == nullptr) {
    return Refuse(Fault::kKeyTypeInconsistent, "mechanism does not fit the key");
  }
  const bool allowed = kind == OpKind::kSign      ? k.sign
                       : kind == OpKind::kVerify  ? k.verify
                       : kind == OpKind::kEncrypt ? k.encrypt
                                                  : k.decrypt;
  if (!allowed) {
    return Refuse(Fault::kKeyFunctionNotPermitted, "the key does not allow this operation");
  }
  const std::optional<KeyType> type = k.type;
  op->public_key_ = std::move(k.public_key);
  op->key_ = key;
  op->key_type_ = *type;
  // Sizes once per operation, not per call: OpenSSL's parameter queries cost.
  if (*type == KeyType::kRsa) op->modulus_bits_ = crypto::RsaModulusBits(op->public_key_.get());
  if (*type == KeyType::kEc) op->field_bytes_ = crypto::EcFieldBytes(op->public_key_.get());
  op->always_authenticate_ = k.always_authenticate;
  if (sign_like && mechanism.sign.hash) {
    TESSERA_ASSIGN_OR_RETURN(crypto::Digester d, crypto::Digester::Start(*mechanism.sign.hash));
    op->digester_.emplace(std::move(d));
  }
  return op;
}

Status CryptoOperation::Update(ByteView part) {
  if (input_complete_) return Refuse(Fault::kOperationActive, "the input is complete");
  if (digester_) return digester_->Update(part);
  if (buffer_.size() + part.size() > kMaxBuffered) {
    return Refuse(Fault::kDataLenRange, "more data than a single operation takes");
  }
  buffer_.insert(buffer_.end(), part.begin(), part.end());
  return Status::Ok();
}

Result<Bytes> CryptoOperation::TakeInput() {
  if (digester_) return digester_->Finish();
  return std::move(buffer_);
}

std::optional<std::size_t> CryptoOperation::KnownOutputSize() const {
  if (output_) return output_->size();
  if (kind_ == OpKind::kDigest) return crypto::HashSize(digester_->hash());
  if (kind_ != OpKind::kDecrypt) {
    if (key_type_ == KeyType::kRsa) return (modulus_bits_ + 7) / 8;
    if (key_type_ == KeyType::kEcEdwards) return 64;
    return 2 * field_bytes_;
  }
  return std::nullopt;  // decryption: only the card knows
}

Result<SecureBytes> CryptoOperation::SignOnCard(ByteView tbs) {
  const crypto::SignParams& params = mechanism_.sign;
  if (key_type_ == KeyType::kRsa) {
    const std::size_t bits = modulus_bits_;
    auto block = crypto::RsaSignInput(params, tbs, bits);
    if (!block.ok()) return Refuse(Fault::kDataLenRange, block.status().message());
    TESSERA_ASSIGN_OR_RETURN(SecureBytes sig,
                             slot_.PrivateKeyOperation(key_, kTagChallenge, block->view()));
    if (sig.size() < (bits + 7) / 8) {  // keep leading zero bytes: PKCS#1 I2OSP
      SecureBytes padded((bits + 7) / 8 - sig.size());
      padded.Append(sig.view());
      return padded;
    }
    return sig;
  }
  if (key_type_ == KeyType::kEcEdwards) {
    return slot_.PrivateKeyOperation(key_, kTagChallenge, tbs);
  }
  const std::size_t field = field_bytes_;
  TESSERA_ASSIGN_OR_RETURN(Bytes input, crypto::EcdsaInput(tbs, field));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes der, slot_.PrivateKeyOperation(key_, kTagChallenge, input));
  TESSERA_ASSIGN_OR_RETURN(Bytes raw, crypto::EcdsaDerToRaw(der.view(), field));
  return SecureBytes(raw);
}

Result<SecureBytes> CryptoOperation::Compute() {
  TESSERA_ASSIGN_OR_RETURN(Bytes input, TakeInput());
  switch (kind_) {
    case OpKind::kDigest: return SecureBytes(input);
    case OpKind::kSign: return SignOnCard(input);
    case OpKind::kEncrypt: {
      auto out = crypto::Encrypt(public_key_.get(), mechanism_.cipher, input);
      if (!out.ok()) return Refuse(Fault::kDataLenRange, out.status().message());
      return SecureBytes(*out);
    }
    case OpKind::kDecrypt: {
      const std::size_t bits = modulus_bits_;
      if (input.size() != (bits + 7) / 8) {
        return Refuse(Fault::kEncryptedDataLenRange, "ciphertext is not the modulus length");
      }
      TESSERA_ASSIGN_OR_RETURN(SecureBytes raw,
                               slot_.PrivateKeyOperation(key_, kTagChallenge, input));
      auto plain = crypto::RsaDecryptOutput(mechanism_.cipher, raw.view(), bits);
      if (!plain.ok()) return Refuse(Fault::kEncryptedDataInvalid, "decryption failed");
      return std::move(*plain);
    }
    case OpKind::kVerify: break;
  }
  return Status::Internal("no output for this operation");
}

Result<ByteView> CryptoOperation::Output() {
  if (!output_) {
    TESSERA_ASSIGN_OR_RETURN(SecureBytes out, Compute());
    output_.emplace(std::move(out));
  }
  return output_->view();
}

Status CryptoOperation::Verify(ByteView signature) {
  TESSERA_ASSIGN_OR_RETURN(Bytes input, TakeInput());
  crypto::SignParams params = mechanism_.sign;
  // The digest was taken here; verify it as a pre-hashed input.
  if (params.hash && params.scheme == crypto::SignScheme::kRsaPkcs1) {
    input = crypto::DigestInfo(*params.hash, input);
  }
  params.hash.reset();  // PSS keeps pss_hash for the digest it was given
  auto expected = KnownOutputSize();
  if (expected && signature.size() != *expected) {
    return Refuse(Fault::kSignatureLenRange, "signature has the wrong length");
  }
  Status s = crypto::Verify(public_key_.get(), params, input, signature);
  if (!s.ok() && crypto::IsSignatureInvalid(s))
    return Status::SignatureInvalid("signature invalid");
  return s;
}

}  // namespace tessera::p11
