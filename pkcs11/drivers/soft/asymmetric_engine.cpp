// Asymmetric operations: signatures padded and hashed on the host around a
// raw private operation (a card's or the host's), verification and RSA
// encryption with the public key, RSA decryption unpadded on the host.
#include <openssl/rsa.h>

#include "common/crypto/private_ops.hpp"
#include "pkcs11/core/crypto/ecdsa_encoding.hpp"
#include "pkcs11/core/crypto/key_codec.hpp"
#include "pkcs11/core/crypto/public_ops.hpp"
#include "pkcs11/core/crypto/rsa_padding.hpp"
#include "pkcs11/drivers/soft/engines.hpp"

namespace tessera::p11::soft {
namespace {

// Data given in parts is kept until the final call; more is an error.
constexpr std::size_t kMaxBuffered = 1 << 20;

class AsymmetricEngine final : public OperationEngine {
 public:
  AsymmetricEngine(OpKind kind, const Mechanism& mechanism, std::shared_ptr<EVP_PKEY> public_key,
                   KeyType type, RawPrivateOp raw, bool always_authenticate)
      : kind_(kind),
        mechanism_(mechanism),
        public_key_(std::move(public_key)),
        type_(type),
        raw_(std::move(raw)),
        always_authenticate_(always_authenticate) {
    // Sizes once per operation, not per call: OpenSSL's parameter queries cost.
    if (type_ == KeyType::kRsa) modulus_bits_ = crypto::RsaModulusBits(public_key_.get());
    if (type_ == KeyType::kEc) field_bytes_ = crypto::EcFieldBytes(public_key_.get());
  }

  Status StartDigest() {
    const bool sign_like = kind_ == OpKind::kSign || kind_ == OpKind::kVerify;
    if (sign_like && mechanism_.sign.hash) {
      TESSERA_ASSIGN_OR_RETURN(crypto::Digester d, crypto::Digester::Start(*mechanism_.sign.hash));
      digester_.emplace(std::move(d));
    }
    return Status::Ok();
  }

  Result<SecureBytes> Update(ByteView part) override {
    if (digester_) {
      TESSERA_RETURN_IF_ERROR(digester_->Update(part));
      return SecureBytes();
    }
    if (buffer_.size() + part.size() > kMaxBuffered) {
      return Refuse(Fault::kDataLenRange, "more data than a single operation takes");
    }
    buffer_.Append(part);
    return SecureBytes();
  }

  std::optional<std::size_t> FinishSize() const override {
    if (kind_ == OpKind::kDecrypt) return std::nullopt;  // only the key knows
    if (type_ == KeyType::kRsa) return (modulus_bits_ + 7) / 8;
    if (type_ == KeyType::kEcEdwards) return 64;
    return 2 * field_bytes_;
  }

  std::optional<std::size_t> FinishSizeBound() const override {
    if (type_ == KeyType::kRsa) return (modulus_bits_ + 7) / 8;
    return std::nullopt;
  }

  Result<SecureBytes> Finish() override {
    TESSERA_ASSIGN_OR_RETURN(SecureBytes input, TakeInput());
    switch (kind_) {
      case OpKind::kSign: return Sign(input.view());
      case OpKind::kEncrypt: {
        auto out = crypto::Encrypt(public_key_.get(), mechanism_.cipher, input.view());
        if (!out.ok()) return Refuse(Fault::kDataLenRange, out.status().message());
        return SecureBytes(*out);
      }
      case OpKind::kDecrypt: return Decrypt(input.view());
      default: break;
    }
    return Status::Internal("no output for this operation");
  }

  Status Verify(ByteView signature) override {
    TESSERA_ASSIGN_OR_RETURN(SecureBytes taken, TakeInput());
    Bytes input(taken.view().begin(), taken.view().end());
    crypto::SignParams params = mechanism_.sign;
    // The digest was taken here; verify it as a pre-hashed input.
    if (params.hash && params.scheme == crypto::SignScheme::kRsaPkcs1) {
      input = crypto::DigestInfo(*params.hash, input);
    }
    params.hash.reset();  // PSS keeps pss_hash for the digest it was given
    auto expected = FinishSize();
    if (expected && signature.size() != *expected) {
      return Refuse(Fault::kSignatureLenRange, "signature has the wrong length");
    }
    Status s = crypto::Verify(public_key_.get(), params, input, signature);
    if (!s.ok() && crypto::IsSignatureInvalid(s)) {
      return Refuse(Fault::kSignatureInvalid, "signature invalid");
    }
    return s;
  }

  bool always_authenticate() const override { return always_authenticate_; }

 private:
  // The digest for hash-and-sign, else the buffered data.
  Result<SecureBytes> TakeInput() {
    if (digester_) {
      TESSERA_ASSIGN_OR_RETURN(Bytes digest, digester_->Finish());
      return SecureBytes(digest);
    }
    return std::move(buffer_);
  }

  Result<SecureBytes> Sign(ByteView tbs) {
    const crypto::SignParams& params = mechanism_.sign;
    if (type_ == KeyType::kRsa) {
      const std::size_t k = (modulus_bits_ + 7) / 8;
      auto block = crypto::RsaSignInput(params, tbs, modulus_bits_);
      if (!block.ok()) return Refuse(Fault::kDataLenRange, block.status().message());
      TESSERA_ASSIGN_OR_RETURN(SecureBytes sig, raw_(RawOp::kSignOrDecrypt, block->view()));
      if (sig.size() < k) {  // keep leading zero bytes: PKCS#1 I2OSP
        SecureBytes padded(k - sig.size());
        padded.Append(sig.view());
        return padded;
      }
      return sig;
    }
    if (type_ == KeyType::kEcEdwards) return raw_(RawOp::kSignOrDecrypt, tbs);
    auto input = crypto::EcdsaInput(tbs, field_bytes_);
    if (!input.ok()) return Refuse(Fault::kDataLenRange, input.status().message());
    TESSERA_ASSIGN_OR_RETURN(SecureBytes der, raw_(RawOp::kSignOrDecrypt, *input));
    TESSERA_ASSIGN_OR_RETURN(Bytes raw, crypto::EcdsaDerToRaw(der.view(), field_bytes_));
    return SecureBytes(raw);
  }

  Result<SecureBytes> Decrypt(ByteView ciphertext) {
    const std::size_t k = (modulus_bits_ + 7) / 8;
    if (ciphertext.size() != k) {
      return Refuse(Fault::kEncryptedDataLenRange, "ciphertext is not the modulus length");
    }
    TESSERA_ASSIGN_OR_RETURN(SecureBytes raw, raw_(RawOp::kSignOrDecrypt, ciphertext));
    auto plain = crypto::RsaDecryptOutput(mechanism_.cipher, raw.view(), modulus_bits_);
    if (!plain.ok()) return Refuse(Fault::kEncryptedDataInvalid, "decryption failed");
    return std::move(*plain);
  }

  OpKind kind_;
  Mechanism mechanism_;
  std::shared_ptr<EVP_PKEY> public_key_;
  KeyType type_;
  RawPrivateOp raw_;
  bool always_authenticate_;
  std::size_t modulus_bits_ = 0;
  std::size_t field_bytes_ = 0;
  std::optional<crypto::Digester> digester_;
  SecureBytes buffer_;
};

// The public key of a key object: kept decoded, else from CKA_PUBLIC_KEY_INFO.
Result<std::shared_ptr<EVP_PKEY>> PublicKeyOf(const Object& key) {
  if (key.public_key != nullptr) return key.public_key;
  auto spki = key.Get(Attr::kPublicKeyInfo);
  if (!spki || spki->empty()) return Refuse(Fault::kKeyTypeInconsistent, "no public key");
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr pkey, ossl::PublicKeyFromDer(*spki));
  return std::shared_ptr<EVP_PKEY>(pkey.release(), EVP_PKEY_free);
}

}  // namespace

Result<SecureBytes> HostRawPrivate(EVP_PKEY* key, RawOp op, ByteView input) {
  if (op == RawOp::kAgree) return tessera::crypto::DeriveShared(key, input);
  if (EVP_PKEY_is_a(key, "RSA") == 1) {
    auto out = tessera::crypto::RsaPrivateRaw(key, input);
    if (!out.ok()) return Refuse(Fault::kDataInvalid, out.status().message());
    return out;
  }
  Result<Bytes> sig = EVP_PKEY_is_a(key, "ED25519") == 1
                          ? tessera::crypto::Ed25519Sign(key, input)
                          : tessera::crypto::EcdsaSignDigest(key, input);
  if (!sig.ok()) return sig.status();
  return SecureBytes(*sig);
}

Result<std::unique_ptr<OperationEngine>> StartAsymmetric(OpKind kind, const Mechanism& mechanism,
                                                         const Object& key, RawPrivateOp raw) {
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<EVP_PKEY> pub, PublicKeyOf(key));
  const bool private_side = kind == OpKind::kSign || kind == OpKind::kDecrypt;
  if (private_side && !raw) {
    std::shared_ptr<EVP_PKEY> priv = key.private_key;
    if (priv == nullptr) return Refuse(Fault::kKeyHandleInvalid, "no private key material");
    raw = [priv](RawOp op, ByteView input) { return HostRawPrivate(priv.get(), op, input); };
  }
  auto engine =
      std::make_unique<AsymmetricEngine>(kind, mechanism, std::move(pub), *key.key_type(),
                                         std::move(raw), key.Flag(Attr::kAlwaysAuthenticate));
  TESSERA_RETURN_IF_ERROR(engine->StartDigest());
  return std::unique_ptr<OperationEngine>(std::move(engine));
}

}  // namespace tessera::p11::soft
