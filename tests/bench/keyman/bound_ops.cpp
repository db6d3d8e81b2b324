#include "tests/bench/keyman/bound_ops.hpp"

#include <openssl/rand.h>

#include <algorithm>

#include "hsm/attribute_template.hpp"
#include "hsm/pkcs11_error.hpp"
#include "hsm/pkcs11_types.hpp"
#include "hsm/rsa_oaep.hpp"

namespace tessera::bench {
namespace {

using hsm::Attr;
using hsm::AttributeTemplate;
using hsm::KeyType;
using hsm::ObjectClass;

constexpr CK_ULONG kRsaBits = 3072;
constexpr CK_ULONG kAesKeyBytes = 32;
constexpr std::size_t kRBytes = 32;
constexpr std::size_t kMacInputBytes = 48;  // an SCP03 C-MAC input of a short command
constexpr std::size_t kCmacBytes = 16;
constexpr std::size_t kDeriveDataBytes = 32;  // UID || ~UID, or R

// The cryptogram scheme of hsm/cryptogram.hpp, RSA-OAEP-SHA256, by the
// adapter's own hsm/rsa_oaep.hpp: on SoftHSM2 2.6 a raw RSA operation in
// the HSM and the EME-OAEP padding on the host, exactly as the CLI does it.
constexpr std::size_t kRsaBytes = kRsaBits / 8;

Status Failed(BoundOp op, std::string_view function, CK_RV rv) {
  return hsm::CkRvStatus(BoundOpName(op), function, rv);
}

// A session AES-256 key with one use; extractable only when it is to be wrapped.
AttributeTemplate SessionAesTemplate(Attr use, bool extractable) {
  AttributeTemplate t;
  t.Add(Attr::kClass, ObjectClass::kSecretKey)
      .Add(Attr::kKeyType, KeyType::kAes)
      .Add(Attr::kValueLen, kAesKeyBytes)
      .Add(Attr::kToken, false)
      .Add(Attr::kPrivate, true)
      .Add(Attr::kSensitive, true)
      .Add(Attr::kExtractable, extractable)
      .Add(use, true);
  return t;
}

// hsm/key_templates.cpp PerTokenKeyTemplate: what diversification derives.
AttributeTemplate DerivedKeyTemplate() {
  AttributeTemplate t = SessionAesTemplate(Attr::kSign, /*extractable=*/true);
  t.Add(Attr::kEncrypt, true).Add(Attr::kDerive, true);
  return t;
}

Result<CK_OBJECT_HANDLE> GenerateAes(hsm::HsmToken& token, AttributeTemplate t) {
  const CK_FUNCTION_LIST& fn = token.session().library().functions();
  CK_MECHANISM mechanism{CKM_AES_KEY_GEN, nullptr, 0};
  CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
  if (CK_RV rv = fn.C_GenerateKey(token.session().handle(), &mechanism, t.data(), t.size(), &key);
      rv != CKR_OK) {
    return hsm::CkRvStatus("generating an AES-256 key", "C_GenerateKey", rv);
  }
  return key;
}

Status GenerateRsa(hsm::HsmToken& token, BoundKeys& keys) {
  AttributeTemplate pub;
  pub.Add(Attr::kToken, true)
      .Add(Attr::kPrivate, false)
      .Add(Attr::kEncrypt, true)
      .Add(Attr::kVerify, false)
      .Add(Attr::kModulusBits, kRsaBits)
      .Add(Attr::kPublicExponent, ByteView(HexOrDie("010001")));
  AttributeTemplate priv;
  priv.Add(Attr::kToken, true)
      .Add(Attr::kPrivate, true)
      .Add(Attr::kSensitive, true)
      .Add(Attr::kExtractable, false)
      .Add(Attr::kDecrypt, true)
      .Add(Attr::kSign, false);
  const CK_FUNCTION_LIST& fn = token.session().library().functions();
  CK_MECHANISM mechanism{CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
  CK_RV rv = fn.C_GenerateKeyPair(token.session().handle(), &mechanism, pub.data(), pub.size(),
                                  priv.data(), priv.size(), &keys.rsa_public, &keys.rsa_private);
  if (rv != CKR_OK) return hsm::CkRvStatus("generating RSA-3072", "C_GenerateKeyPair", rv);
  return Status::Ok();
}

}  // namespace

std::string_view BoundOpName(BoundOp op) {
  switch (op) {
    case BoundOp::kOaepDecrypt: return "oaep-decrypt";
    case BoundOp::kDerive: return "derive";
    case BoundOp::kCmac: return "cmac";
    case BoundOp::kOaepEncrypt: return "oaep-encrypt";
    case BoundOp::kWrap: return "wrap";
    case BoundOp::kRandom: return "random";
  }
  return "?";
}

Result<BoundKeys> BoundKeys::Make(hsm::HsmToken& token) {
  BoundKeys keys;
  TESSERA_RETURN_IF_ERROR(GenerateRsa(token, keys));
  AttributeTemplate block;
  block.Add(Attr::kClass, ObjectClass::kSecretKey)
      .Add(Attr::kKeyType, KeyType::kAes)
      .Add(Attr::kValueLen, kAesKeyBytes)
      .Add(Attr::kToken, true)
      .Add(Attr::kPrivate, true)
      .Add(Attr::kSensitive, true)
      .Add(Attr::kExtractable, false)
      .Add(Attr::kDerive, true);
  TESSERA_ASSIGN_OR_RETURN(keys.block, GenerateAes(token, std::move(block)));

  keys.r.resize(kRBytes);
  if (RAND_bytes(keys.r.data(), static_cast<int>(keys.r.size())) != 1) {
    return Status::Internal("RAND_bytes failed");
  }
  TESSERA_ASSIGN_OR_RETURN(
      keys.cryptogram, hsm::RsaOaepSha256Encrypt(token.session(), token.quirks(), keys.rsa_public,
                                                 kRsaBytes, keys.r, "bound"));
  return keys;
}

Result<BoundWorker> BoundWorker::Open(std::shared_ptr<const hsm::Pkcs11Library> library,
                                      std::string_view label, const hsm::PinSource& pin,
                                      const BoundKeys& keys) {
  TESSERA_ASSIGN_OR_RETURN(hsm::HsmToken token,
                           hsm::HsmToken::Open(std::move(library), label, pin));
  BoundWorker worker(std::move(token), keys, DerivedKeyTemplate());
  TESSERA_RETURN_IF_ERROR(worker.MakeSessionKeys());
  TESSERA_RETURN_IF_ERROR(worker.CheckOnce());
  return worker;
}

Status BoundWorker::MakeSessionKeys() {
  TESSERA_ASSIGN_OR_RETURN(mac_key_, GenerateAes(token_, SessionAesTemplate(Attr::kSign, false)));
  TESSERA_ASSIGN_OR_RETURN(wrapping_key_,
                           GenerateAes(token_, SessionAesTemplate(Attr::kWrap, false)));
  TESSERA_ASSIGN_OR_RETURN(wrapped_key_, GenerateAes(token_, DerivedKeyTemplate()));
  return Status::Ok();
}

// One of each, with the results checked, so a rate is never the rate of a
// failing call.
Status BoundWorker::CheckOnce() {
  auto expect_length = [this](BoundOp op, std::size_t want) {
    if (out_len_ == want) return Status::Ok();
    return Status::Internal(std::string(BoundOpName(op)) + ": " + std::to_string(out_len_) +
                            " bytes, want " + std::to_string(want));
  };
  TESSERA_RETURN_IF_ERROR(Derive());
  TESSERA_RETURN_IF_ERROR(OaepDecrypt());
  if (!std::equal(keys_->r.begin(), keys_->r.end(), out_.begin(), out_.begin() + out_len_)) {
    return Status::Internal("oaep-decrypt: the cryptogram did not decrypt to R");
  }
  TESSERA_RETURN_IF_ERROR(OaepEncrypt());
  TESSERA_RETURN_IF_ERROR(expect_length(BoundOp::kOaepEncrypt, kRsaBits / 8));
  TESSERA_RETURN_IF_ERROR(Cmac());
  TESSERA_RETURN_IF_ERROR(expect_length(BoundOp::kCmac, kCmacBytes));
  TESSERA_RETURN_IF_ERROR(Random());
  TESSERA_RETURN_IF_ERROR(Wrap());
  return expect_length(BoundOp::kWrap, kAesKeyBytes);
}

Status BoundWorker::Run(BoundOp op) {
  switch (op) {
    case BoundOp::kOaepDecrypt: return OaepDecrypt();
    case BoundOp::kDerive: return Derive();
    case BoundOp::kCmac: return Cmac();
    case BoundOp::kOaepEncrypt: return OaepEncrypt();
    case BoundOp::kWrap: return Wrap();
    case BoundOp::kRandom: return Random();
  }
  return Status::InvalidArgument("unknown operation");
}

Status BoundWorker::OaepDecrypt() {
  TESSERA_ASSIGN_OR_RETURN(SecureBytes r, hsm::RsaOaepSha256Decrypt(
                                              token_.session(), token_.quirks(), keys_->rsa_private,
                                              kRsaBytes, keys_->cryptogram, "bound"));
  out_len_ = std::min<CK_ULONG>(r.size(), out_.size());
  std::copy(r.data(), r.data() + out_len_, out_.begin());
  return Status::Ok();
}

Status BoundWorker::Derive() {
  std::array<std::uint8_t, kDeriveDataBytes> data{};
  data.fill(0x5A);
  CK_KEY_DERIVATION_STRING_DATA params{data.data(), data.size()};
  CK_MECHANISM mechanism{CKM_AES_ECB_ENCRYPT_DATA, &params, sizeof params};
  CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
  if (CK_RV rv = fn().C_DeriveKey(session(), &mechanism, keys_->block, derived_template_.data(),
                                  derived_template_.size(), &key);
      rv != CKR_OK) {
    return Failed(BoundOp::kDerive, "C_DeriveKey", rv);
  }
  if (CK_RV rv = fn().C_DestroyObject(session(), key); rv != CKR_OK) {
    return Failed(BoundOp::kDerive, "C_DestroyObject", rv);
  }
  return Status::Ok();
}

Status BoundWorker::Cmac() {
  std::array<std::uint8_t, kMacInputBytes> input{};
  CK_MECHANISM mechanism{CKM_AES_CMAC, nullptr, 0};
  if (CK_RV rv = fn().C_SignInit(session(), &mechanism, mac_key_); rv != CKR_OK) {
    return Failed(BoundOp::kCmac, "C_SignInit", rv);
  }
  out_len_ = out_.size();
  if (CK_RV rv = fn().C_Sign(session(), input.data(), input.size(), out_.data(), &out_len_);
      rv != CKR_OK) {
    return Failed(BoundOp::kCmac, "C_Sign", rv);
  }
  return Status::Ok();
}

Status BoundWorker::OaepEncrypt() {
  TESSERA_ASSIGN_OR_RETURN(
      Bytes cryptogram, hsm::RsaOaepSha256Encrypt(token_.session(), token_.quirks(),
                                                  keys_->rsa_public, kRsaBytes, keys_->r, "bound"));
  out_len_ = cryptogram.size();
  return Status::Ok();
}

// docs/card-manager.md PUT KEY: AES-256-CBC with a zero ICV, no padding.
Status BoundWorker::Wrap() {
  std::array<std::uint8_t, 16> iv{};
  CK_MECHANISM mechanism{CKM_AES_CBC, iv.data(), iv.size()};
  out_len_ = out_.size();
  if (CK_RV rv = fn().C_WrapKey(session(), &mechanism, wrapping_key_, wrapped_key_, out_.data(),
                                &out_len_);
      rv != CKR_OK) {
    return Failed(BoundOp::kWrap, "C_WrapKey", rv);
  }
  return Status::Ok();
}

// hsm/cryptogram.hpp NewKrk: R comes from the HSM's RNG.
Status BoundWorker::Random() {
  out_len_ = kRBytes;
  if (CK_RV rv = fn().C_GenerateRandom(session(), out_.data(), out_len_); rv != CKR_OK) {
    return Failed(BoundOp::kRandom, "C_GenerateRandom", rv);
  }
  return Status::Ok();
}

}  // namespace tessera::bench
