// Secret-key operations of session keys on the host: AES and 3DES ciphers in
// parts (common/crypto/cipher_stream.hpp), AES-CMAC and HMAC; and digests.
#include "common/crypto/cipher_stream.hpp"
#include "common/crypto/mac.hpp"
#include "common/secure_bytes.hpp"
#include "pkcs11/drivers/soft/engines.hpp"

namespace tessera::p11::soft {
namespace {

namespace tc = ::tessera::crypto;

class CipherEngine final : public OperationEngine {
 public:
  CipherEngine(tc::CipherStream stream, bool encrypt)
      : stream_(std::move(stream)), encrypt_(encrypt) {}

  Result<SecureBytes> Update(ByteView part) override { return Map(stream_.Update(part)); }
  std::size_t MaxUpdateOutput(std::size_t part_len) const override {
    return stream_.MaxUpdateOutput(part_len);
  }
  Result<SecureBytes> Finish() override { return Map(stream_.Finish()); }

 private:
  // A cipher's refusals in PKCS#11's words (§5.8, §5.9): a total that is
  // not whole blocks is a length error; a bad pad or tag is invalid data.
  Result<SecureBytes> Map(Result<SecureBytes> r) const {
    if (r.ok()) return r;
    switch (r.status().code()) {
      case Code::kInvalidArgument:
        return Refuse(encrypt_ ? Fault::kDataLenRange : Fault::kEncryptedDataLenRange,
                      r.status().message());
      case Code::kSignatureInvalid:
        return Refuse(Fault::kEncryptedDataInvalid, "decryption failed");
      default: return r;
    }
  }

  tc::CipherStream stream_;
  bool encrypt_;
};

class MacEngine final : public OperationEngine {
 public:
  MacEngine(tc::MacStream mac, std::size_t out_len) : mac_(std::move(mac)), out_len_(out_len) {}

  Result<SecureBytes> Update(ByteView part) override {
    TESSERA_RETURN_IF_ERROR(mac_.Update(part));
    return SecureBytes();
  }
  std::optional<std::size_t> FinishSize() const override { return out_len_; }
  Result<SecureBytes> Finish() override {
    TESSERA_ASSIGN_OR_RETURN(Bytes tag, mac_.Finish());
    return SecureBytes(ByteView(tag).first(out_len_));
  }
  Status Verify(ByteView signature) override {
    if (signature.size() != out_len_) {
      return Refuse(Fault::kSignatureLenRange, "MAC has the wrong length");
    }
    TESSERA_ASSIGN_OR_RETURN(SecureBytes tag, Finish());
    if (!ConstantTimeEqual(tag.view(), signature)) {
      return Refuse(Fault::kSignatureInvalid, "MAC does not verify");
    }
    return Status::Ok();
  }

 private:
  tc::MacStream mac_;
  std::size_t out_len_;
};

class DigestEngine final : public OperationEngine {
 public:
  explicit DigestEngine(crypto::Digester digester) : digester_(std::move(digester)) {}
  Result<SecureBytes> Update(ByteView part) override {
    TESSERA_RETURN_IF_ERROR(digester_.Update(part));
    return SecureBytes();
  }
  std::optional<std::size_t> FinishSize() const override {
    return crypto::HashSize(digester_.hash());
  }
  Result<SecureBytes> Finish() override {
    TESSERA_ASSIGN_OR_RETURN(Bytes digest, digester_.Finish());
    return SecureBytes(digest);
  }

 private:
  crypto::Digester digester_;
};

Result<std::unique_ptr<OperationEngine>> StartMac(const Mechanism& mechanism, ByteView key) {
  auto hmac_hash = HmacHashOf(mechanism.type);
  auto mac = hmac_hash ? tc::MacStream::Hmac(*hmac_hash, key) : tc::MacStream::Cmac(key);
  if (!mac.ok()) return Refuse(Fault::kKeySizeRange, mac.status().message());
  std::size_t out_len = mac->size();
  if (IsGeneralMac(mechanism.type)) {
    // CK_MAC_GENERAL_PARAMS: 1 up to the full length (current mechanisms,
    // "General-length AES-CMAC" and the general-length HMACs).
    if (mechanism.symmetric.tag_len == 0 || mechanism.symmetric.tag_len > out_len) {
      return Refuse(Fault::kMechanismParamInvalid, "MAC length out of range");
    }
    out_len = mechanism.symmetric.tag_len;
  }
  return std::unique_ptr<OperationEngine>(std::make_unique<MacEngine>(std::move(*mac), out_len));
}

}  // namespace

Result<std::unique_ptr<OperationEngine>> StartDigest(const Mechanism& mechanism) {
  auto hash = DigestOf(mechanism.type);
  if (!hash) return Refuse(Fault::kMechanismInvalid, "not a digest mechanism");
  TESSERA_ASSIGN_OR_RETURN(crypto::Digester d, crypto::Digester::Start(*hash));
  return std::unique_ptr<OperationEngine>(std::make_unique<DigestEngine>(std::move(d)));
}

Result<std::unique_ptr<OperationEngine>> StartSymmetric(OpKind kind, const Mechanism& mechanism,
                                                        const Object& key) {
  auto value = key.Get(Attr::kValue);
  if (!value) return Refuse(Fault::kKeyHandleInvalid, "no key material");
  if (kind == OpKind::kSign || kind == OpKind::kVerify) return StartMac(mechanism, *value);
  auto mode = CipherModeOf(mechanism.type);
  if (!mode) return Refuse(Fault::kMechanismInvalid, "not a cipher mechanism");
  tc::CipherSpec spec;
  spec.mode = *mode;
  spec.key = *value;
  spec.iv = mechanism.symmetric.iv;
  spec.aad = mechanism.symmetric.aad;
  spec.tag_len = mechanism.symmetric.tag_len;
  spec.counter_bits = mechanism.symmetric.ctr_bits;
  const bool encrypt = kind == OpKind::kEncrypt;
  auto stream = tc::CipherStream::Start(spec, encrypt);
  if (!stream.ok()) return Refuse(Fault::kMechanismParamInvalid, stream.status().message());
  return std::unique_ptr<OperationEngine>(
      std::make_unique<CipherEngine>(std::move(*stream), encrypt));
}

}  // namespace tessera::p11::soft
