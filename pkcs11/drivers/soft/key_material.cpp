#include "pkcs11/drivers/soft/key_material.hpp"

#include <openssl/rand.h>

#include "common/crypto/cipher_stream.hpp"
#include "common/crypto/ecdh_aes_wrap.hpp"
#include "common/crypto/kdf.hpp"
#include "common/crypto/keywrap.hpp"
#include "pkcs11/model/fault.hpp"

namespace tessera::p11::soft {
namespace {

namespace tc = ::tessera::crypto;

// The bytes a key wrap carries: a secret key's value, a private key's PKCS#8.
Result<SecureBytes> WrappableBytes(const Object& key) {
  if (key.cls == ObjectClass::kSecretKey) {
    auto value = key.Get(Attr::kValue);
    if (!value) return Refuse(Fault::kKeyNotWrappable, "no key value");
    return SecureBytes(*value);
  }
  if (key.private_key == nullptr) return Refuse(Fault::kKeyNotWrappable, "no private key");
  return ossl::PrivateKeyToDer(key.private_key.get());
}

ByteView SecretOf(const Object& key) { return key.Get(Attr::kValue).value_or(ByteView()); }

// PKCS#7 padding to a multiple of 8, for CKM_AES_KEY_WRAP_PAD (2.40 §2.13:
// "the usual padding of inputs ... before being passed to the AES key wrap
// algorithm").
SecureBytes Pad8(ByteView data) {
  SecureBytes out(data);
  const std::size_t pad = 8 - data.size() % 8;
  out.Append(Bytes(pad, static_cast<std::uint8_t>(pad)));
  return out;
}

Result<SecureBytes> Unpad8(SecureBytes padded) {
  if (padded.empty()) return Refuse(Fault::kWrappedKeyInvalid, "empty");
  const std::size_t pad = padded[padded.size() - 1];
  if (pad == 0 || pad > 8 || pad > padded.size()) {
    return Refuse(Fault::kWrappedKeyInvalid, "bad padding");
  }
  for (std::size_t i = padded.size() - pad; i < padded.size(); ++i) {
    if (padded[i] != pad) return Refuse(Fault::kWrappedKeyInvalid, "bad padding");
  }
  padded.Resize(padded.size() - pad);
  return padded;
}

// A block-mode wrap: the cipher over the key bytes (ECB and CBC want whole
// blocks; CBC_PAD pads).
Result<SecureBytes> BlockWrap(const Mechanism& mechanism, ByteView kek, ByteView data,
                              bool encrypt) {
  tc::CipherSpec spec;
  spec.mode = *CipherModeOf(mechanism.type);
  spec.key = kek;
  spec.iv = mechanism.symmetric.iv;
  auto stream = tc::CipherStream::Start(spec, encrypt);
  if (!stream.ok()) return Refuse(Fault::kMechanismParamInvalid, stream.status().message());
  SecureBytes out;
  TESSERA_ASSIGN_OR_RETURN(SecureBytes head, stream->Update(data));
  out.Append(head.view());
  auto tail = stream->Finish();
  if (!tail.ok()) {
    return Refuse(encrypt ? Fault::kKeySizeRange : Fault::kWrappedKeyInvalid,
                  tail.status().message());
  }
  out.Append(tail->view());
  return out;
}

tc::EcdhAesWrapParams WrapParams(const Mechanism& mechanism) {
  tc::EcdhAesWrapParams p;
  p.kdf = mechanism.ecdh.kdf;
  p.aes_key_bytes = mechanism.ecdh.aes_key_bits / 8;
  p.shared_data = mechanism.ecdh.kdf_info;
  return p;
}

Status Failure(const Status& s, Fault invalid) {
  if (s.code() == Code::kSignatureInvalid || s.code() == Code::kInvalidArgument) {
    return Refuse(invalid, s.message());
  }
  return s;
}

}  // namespace

Result<SecureBytes> RandomSecret(KeyType type, std::size_t len) {
  if (len == 0 || len > 1024)
    return Refuse(Fault::kKeySizeRange, "secret keys are 1 to 1024 bytes");
  if (type == KeyType::kAes && len != 16 && len != 24 && len != 32) {
    return Refuse(Fault::kKeySizeRange, "AES keys are 16, 24 or 32 bytes");
  }
  if (type == KeyType::kDes3 && len != 24)
    return Refuse(Fault::kKeySizeRange, "3DES keys are 24 bytes");
  SecureBytes value(len);
  if (RAND_bytes(value.data(), static_cast<int>(len)) != 1) return ossl::Error("RAND_bytes");
  if (type == KeyType::kDes3) {
    // FIPS 46-3 §3: each byte has odd parity in its low bit.
    for (std::size_t i = 0; i < len; ++i) {
      std::uint8_t b = value[i] & 0xFE;
      value[i] = b | ((__builtin_popcount(b) & 1) == 0 ? 1 : 0);
    }
  }
  return value;
}

Result<ossl::PkeyPtr> GenerateKeyPair(const KeySpec& spec) {
  EVP_PKEY* raw = nullptr;
  if (spec.type == KeyType::kRsa) {
    ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    ossl::BnPtr e = ossl::BnFromBytes(spec.public_exponent);
    if (!ctx || !e || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(spec.rsa_bits)) != 1 ||
        EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx.get(), e.get()) != 1 ||
        EVP_PKEY_generate(ctx.get(), &raw) != 1) {
      return ossl::Error("generating an RSA key");
    }
    return ossl::PkeyPtr(raw);
  }
  const crypto::Curve curve = spec.curve.value_or(crypto::Curve::kP256);
  if (crypto::IsWeierstrass(curve)) {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", crypto::OsslName(curve));
  } else {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, crypto::OsslName(curve));
  }
  if (raw == nullptr) return ossl::Error("generating an EC key");
  return ossl::PkeyPtr(raw);
}

Result<SecureBytes> EcdhKdf(const EcdhParams& params, ByteView z, std::size_t len) {
  if (!params.kdf) {
    // CKD_NULL: the secret itself, cut to the key's length.
    if (len > z.size()) return Refuse(Fault::kTemplateInconsistent, "longer than the secret");
    return SecureBytes(z.first(len));
  }
  auto out = tc::X963Kdf(*params.kdf, z, params.kdf_info, len);
  if (!out.ok()) return Refuse(Fault::kTemplateInconsistent, out.status().message());
  return out;
}

Result<SecureBytes> HkdfDerive(const HkdfParams& params, ByteView key, ByteView salt,
                               std::size_t len) {
  SecureBytes prk;
  if (params.extract) {
    TESSERA_ASSIGN_OR_RETURN(prk, tc::HkdfExtract(params.hash, salt, key));
  } else {
    prk = SecureBytes(key);
  }
  if (!params.expand) {
    if (len > prk.size()) return Refuse(Fault::kTemplateInconsistent, "longer than the PRK");
    prk.Resize(len);
    return prk;
  }
  auto okm = tc::HkdfExpand(params.hash, prk.view(), params.info, len);
  if (!okm.ok()) return Refuse(Fault::kTemplateInconsistent, okm.status().message());
  return okm;
}

Result<Bytes> WrapKey(const Mechanism& mechanism, const Object& wrapping_key, const Object& key) {
  TESSERA_ASSIGN_OR_RETURN(SecureBytes data, WrappableBytes(key));
  const ByteView kek = SecretOf(wrapping_key);
  Result<Bytes> out = Status::Internal("unset");
  switch (mechanism.type) {
    case Mech::kAesKeyWrap: out = tc::AesKeyWrap(kek, data.view()); break;
    case Mech::kAesKeyWrapPad: out = tc::AesKeyWrap(kek, Pad8(data.view()).view()); break;
    case Mech::kAesKeyWrapKwp: out = tc::AesKeyWrapPad(kek, data.view()); break;
    case Mech::kEcdhAesKeyWrap:
      out = tc::EcdhAesKeyWrap(wrapping_key.public_key.get(), WrapParams(mechanism), data.view());
      break;
    default: {
      TESSERA_ASSIGN_OR_RETURN(SecureBytes sealed, BlockWrap(mechanism, kek, data.view(), true));
      return Bytes(sealed.view().begin(), sealed.view().end());
    }
  }
  if (!out.ok()) return Failure(out.status(), Fault::kKeyNotWrappable);
  return out;
}

Result<SecureBytes> UnwrapKey(const Mechanism& mechanism, const Object& unwrapping_key,
                              ByteView wrapped) {
  const ByteView kek = SecretOf(unwrapping_key);
  Result<SecureBytes> out = Status::Internal("unset");
  switch (mechanism.type) {
    case Mech::kAesKeyWrap: out = tc::AesKeyUnwrap(kek, wrapped); break;
    case Mech::kAesKeyWrapPad: {
      auto padded = tc::AesKeyUnwrap(kek, wrapped);
      if (!padded.ok()) return Failure(padded.status(), Fault::kWrappedKeyInvalid);
      return Unpad8(std::move(*padded));
    }
    case Mech::kAesKeyWrapKwp: out = tc::AesKeyUnwrapPad(kek, wrapped); break;
    case Mech::kEcdhAesKeyWrap:
      if (unwrapping_key.private_key == nullptr) {
        return Refuse(Fault::kUnwrappingKeyTypeInconsistent, "needs an EC private key");
      }
      out = tc::EcdhAesKeyUnwrap(unwrapping_key.private_key.get(), WrapParams(mechanism), wrapped);
      break;
    default: return BlockWrap(mechanism, kek, wrapped, false);
  }
  if (!out.ok()) return Failure(out.status(), Fault::kWrappedKeyInvalid);
  return out;
}

}  // namespace tessera::p11::soft
