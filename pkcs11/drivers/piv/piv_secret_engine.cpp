#include "pkcs11/drivers/piv/piv_secret_engine.hpp"

#include "common/piv/secret_keys.hpp"

namespace tessera::p11::piv {
namespace {

namespace secret = tessera::piv::secret;

std::optional<secret::MacAlgorithm> MacOf(Mech type) {
  switch (type) {
    case Mech::kAesCmac:
    case Mech::kAesCmacGeneral: return secret::MacAlgorithm::kAesCmac;
    case Mech::kSha256Hmac:
    case Mech::kSha256HmacGeneral: return secret::MacAlgorithm::kHmacSha256;
    case Mech::kSha384Hmac:
    case Mech::kSha384HmacGeneral: return secret::MacAlgorithm::kHmacSha384;
    case Mech::kSha512Hmac:
    case Mech::kSha512HmacGeneral: return secret::MacAlgorithm::kHmacSha512;
    default: return std::nullopt;
  }
}

std::size_t FullMacLength(secret::MacAlgorithm alg) {
  switch (alg) {
    case secret::MacAlgorithm::kAesCmac: return 16;
    case secret::MacAlgorithm::kHmacSha256: return 32;
    case secret::MacAlgorithm::kHmacSha384: return 48;
    case secret::MacAlgorithm::kHmacSha512: return 64;
  }
  return 0;
}

class CardSecretEngine final : public OperationEngine {
 public:
  CardSecretEngine(OpKind kind, SecretOp op, CardSecretCall call)
      : kind_(kind), op_(std::move(op)), call_(std::move(call)) {}

  Result<SecureBytes> Update(ByteView part) override {
    if (buffer_.size() + part.size() > secret::kMaxMessage) {
      return Refuse(
          kind_ == OpKind::kDecrypt ? Fault::kEncryptedDataLenRange : Fault::kDataLenRange,
          "more data than the card takes in one operation");
    }
    buffer_.Append(part);
    return SecureBytes();
  }

  std::optional<std::size_t> FinishSize() const override {
    if (op_.kind == SecretOp::Kind::kMac) return op_.mac_length;
    return std::nullopt;
  }

  Result<SecureBytes> Finish() override {
    auto out = call_(op_, buffer_.view());
    if (!out.ok() && out.status().code() == Code::kSignatureInvalid) {
      return Refuse(Fault::kEncryptedDataInvalid, "the GCM tag does not verify");
    }
    return out;
  }

  Status Verify(ByteView signature) override {
    if (signature.size() != op_.mac_length) {
      return Refuse(Fault::kSignatureLenRange, "MAC has the wrong length");
    }
    SecretOp op = op_;
    op.kind = SecretOp::Kind::kVerify;
    op.mac_value.assign(signature.begin(), signature.end());
    auto out = call_(op, buffer_.view());
    if (!out.ok() && out.status().code() == Code::kSignatureInvalid) {
      return Refuse(Fault::kSignatureInvalid, "MAC does not verify");
    }
    return out.status();
  }

 private:
  OpKind kind_;
  SecretOp op_;
  CardSecretCall call_;
  SecureBytes buffer_;
};

}  // namespace

Result<std::unique_ptr<OperationEngine>> StartSecretOperation(OpKind kind,
                                                              const Mechanism& mechanism,
                                                              const Object& key,
                                                              CardSecretCall call) {
  SecretOp op;
  if (kind == OpKind::kSign || kind == OpKind::kVerify) {
    auto mac = MacOf(mechanism.type);
    if (!mac) return Refuse(Fault::kMechanismInvalid, "the card's keys MAC with CMAC and HMAC");
    op.kind = SecretOp::Kind::kMac;
    op.mac = *mac;
    op.mac_length = FullMacLength(*mac);
    if (IsGeneralMac(mechanism.type)) {
      if (mechanism.symmetric.tag_len == 0 || mechanism.symmetric.tag_len > op.mac_length) {
        return Refuse(Fault::kMechanismParamInvalid, "MAC length out of range");
      }
      op.mac_length = mechanism.symmetric.tag_len;
    }
  } else {
    if (mechanism.type != Mech::kAesGcm) {
      return Refuse(Fault::kMechanismInvalid, "the card's AES keys encrypt with AES-GCM");
    }
    const auto& s = mechanism.symmetric;
    if (s.tag_len < secret::kMinGcmTag || s.tag_len > secret::kMaxGcmTag ||
        s.iv.size() > secret::kMaxGcmIv) {
      return Refuse(Fault::kMechanismParamInvalid, "the card's GCM takes 12- to 16-byte tags");
    }
    op.kind = kind == OpKind::kEncrypt ? SecretOp::Kind::kGcmEncrypt : SecretOp::Kind::kGcmDecrypt;
    op.iv = s.iv;
    op.aad = s.aad;
    op.tag_len = s.tag_len;
  }
  (void)key;
  return std::unique_ptr<OperationEngine>(
      std::make_unique<CardSecretEngine>(kind, std::move(op), std::move(call)));
}

}  // namespace tessera::p11::piv
