#include "tests/bench/pkcs11/key_rows.hpp"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstring>
#include <string>

#include "common/crypto/aead.hpp"
#include "common/crypto/ecdh_aes_wrap.hpp"
#include "common/crypto/keywrap.hpp"
#include "common/ossl.hpp"
#include "common/piv/key_material.hpp"
#include "pkcs11/api/pkcs11_3_0.h"
#include "tests/bench/pkcs11/key_ops.hpp"

namespace tessera::bench {
namespace {

constexpr std::uint8_t kTargetSlot = 0x9D;  // PIV key management, CKA_ID 03
constexpr std::uint8_t kTargetId = 0x03;

Bytes RandomBytes(std::size_t n) {
  Bytes out(n);
  if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) out.clear();
  return out;
}

Result<ossl::PkeyPtr> NewP256() {
  ossl::PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return Status::Internal("EVP_EC_gen P-256 failed");
  return key;
}

// The uncompressed point in a CKA_EC_POINT, with or without its DER OCTET
// STRING (PKCS#11 3.0 §2.3.3 asks for the DER form).
ByteView PointOf(ByteView ec_point) {
  if (ec_point.size() > 2 && ec_point[0] == 0x04 && ec_point[1] == ec_point.size() - 2) {
    return ec_point.subspan(2);
  }
  return ec_point;
}

// A CKM_ECDSA signature (r || s, 32 bytes each) checked with OpenSSL.
Status VerifyEcdsa(EVP_PKEY* key, ByteView digest, ByteView raw) {
  if (raw.size() != 64) return Status::Internal("ECDSA signature of " + std::to_string(raw.size()));
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(raw.data(), 32, nullptr), BN_bin2bn(raw.data() + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  const bool ok = der_len > 0 && ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
                  EVP_PKEY_verify(ctx.get(), der, static_cast<std::size_t>(der_len), digest.data(),
                                  digest.size()) == 1;
  OPENSSL_free(der);
  return ok ? Status::Ok() : Status::SignatureInvalid("the unwrapped key signs wrongly");
}

// Signs with the unwrapped private key and checks it against the original.
Status CheckUnwrapped(P11Session& s, CK_OBJECT_HANDLE key, EVP_PKEY* original) {
  const KeySpec& p256 = BenchKeySpecs().front();
  const Bytes digest = RandomBytes(32);
  Bytes signature;
  TESSERA_RETURN_IF_ERROR(s.Sign(p256, key, digest, signature));
  return VerifyEcdsa(original, digest, signature);
}

}  // namespace

Result<OpRate> UnwrapRowTessera(const P11Module& module, CK_SLOT_ID slot, P11Session& s,
                                const RowSettings& settings) {
  const Bytes f0 = {0xF0};
  TESSERA_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE f0_public, FindById(s, CKO_PUBLIC_KEY, f0));
  TESSERA_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE f0_private, FindById(s, CKO_PRIVATE_KEY, f0));
  TESSERA_ASSIGN_OR_RETURN(Bytes ec_point, GetAttribute(s, f0_public, CKA_EC_POINT));
  TESSERA_ASSIGN_OR_RETURN(
      ossl::PkeyPtr token_key,
      piv::EcPublicKeyFromPoint(*piv::CurveOf(piv::Algorithm::kEccP256), PointOf(ec_point)));
  TESSERA_ASSIGN_OR_RETURN(std::string serial_text, TokenSerial(module, slot));
  const auto serial = static_cast<std::uint32_t>(std::stoul(serial_text));
  // docs/piv-extensions.md F2: "TSW1" | serial (big-endian) | target slot | context.
  Bytes shared;
  Append(shared, AsBytes("TSW1"));
  for (int shift = 24; shift >= 0; shift -= 8) shared.push_back((serial >> shift) & 0xFF);
  shared.push_back(kTargetSlot);
  Append(shared, AsBytes("p11_key_bench"));

  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, NewP256());
  TESSERA_ASSIGN_OR_RETURN(SecureBytes pkcs8, ossl::PrivateKeyToDer(key.get()));
  const crypto::EcdhAesWrapParams wrap{crypto::Hash::kSha256, 32, shared};
  TESSERA_ASSIGN_OR_RETURN(Bytes blob, crypto::EcdhAesKeyWrap(token_key.get(), wrap, pkcs8.view()));

  CK_ECDH_AES_KEY_WRAP_PARAMS params{256, CKD_SHA256_KDF, shared.size(), shared.data()};
  const CK_MECHANISM mechanism{CKM_ECDH_AES_KEY_WRAP, &params, sizeof params};
  const Bytes id = {kTargetId};
  TESSERA_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE first,
                           UnwrapPrivateKey(s, mechanism, f0_private, blob, CKK_EC, id));
  TESSERA_RETURN_IF_ERROR(CheckUnwrapped(s, first, key.get()));
  // Each call replaces the key in 9D (a PIV slot holds one key).
  return RunOpLoop(
      [&] { return UnwrapPrivateKey(s, mechanism, f0_private, blob, CKK_EC, id).status(); },
      settings.duration);
}

Result<OpRate> UnwrapRowSoftHsm(P11Session& s, const RowSettings& settings) {
  const Bytes kek = RandomBytes(32);
  TESSERA_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE unwrapping,
                           CreateSecretKey(s, CKK_AES, kek, false, SecretUse::kUnwrap));
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, NewP256());
  TESSERA_ASSIGN_OR_RETURN(SecureBytes pkcs8, ossl::PrivateKeyToDer(key.get()));
  TESSERA_ASSIGN_OR_RETURN(Bytes blob, crypto::AesKeyWrapPad(kek, pkcs8.view()));
  const CK_MECHANISM mechanism{CKM_AES_KEY_WRAP_PAD, nullptr, 0};
  const Bytes id = {kTargetId};
  TESSERA_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE first,
                           UnwrapPrivateKey(s, mechanism, unwrapping, blob, CKK_EC, id));
  TESSERA_RETURN_IF_ERROR(CheckUnwrapped(s, first, key.get()));
  TESSERA_RETURN_IF_ERROR(DestroyObject(s, first));
  return RunOpLoop(
      [&]() -> Status {
        TESSERA_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE made,
                                 UnwrapPrivateKey(s, mechanism, unwrapping, blob, CKK_EC, id));
        return DestroyObject(s, made);
      },
      settings.duration);
}

Result<OpRate> UnwrapRowHost(const RowSettings& settings) {
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr recipient, NewP256());
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, NewP256());
  TESSERA_ASSIGN_OR_RETURN(SecureBytes pkcs8, ossl::PrivateKeyToDer(key.get()));
  const ByteView shared = AsBytes("TSW1 host baseline");
  const crypto::EcdhAesWrapParams wrap{crypto::Hash::kSha256, 32, shared};
  TESSERA_ASSIGN_OR_RETURN(Bytes blob, crypto::EcdhAesKeyWrap(recipient.get(), wrap, pkcs8.view()));
  return RunOpLoop(
      [&]() -> Status {
        TESSERA_ASSIGN_OR_RETURN(SecureBytes plain,
                                 crypto::EcdhAesKeyUnwrap(recipient.get(), wrap, blob));
        return ossl::PrivateKeyFromDer(plain.view()).status();
      },
      settings.duration);
}

Result<OpRate> HmacRow(P11Session& s, const RowSettings& settings) {
  const Bytes value = RandomBytes(32);
  TESSERA_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE key,
                           CreateSecretKey(s, CKK_GENERIC_SECRET, value, true, SecretUse::kMac));
  const Bytes data = RandomBytes(settings.hmac_bytes);
  Bytes mac;
  TESSERA_RETURN_IF_ERROR(Mac(s, CKM_SHA256_HMAC, key, data, mac));
  unsigned char expected[EVP_MAX_MD_SIZE];
  unsigned int expected_len = 0;
  HMAC(EVP_sha256(), value.data(), static_cast<int>(value.size()), data.data(), data.size(),
       expected, &expected_len);
  if (mac.size() != expected_len || std::memcmp(mac.data(), expected, expected_len) != 0) {
    return Status::SignatureInvalid("HMAC-SHA-256 differs from OpenSSL's");
  }
  return RunOpLoop([&] { return Mac(s, CKM_SHA256_HMAC, key, data, mac); }, settings.duration);
}

Result<OpRate> GcmRow(P11Session& s, const RowSettings& settings) {
  const Bytes value = RandomBytes(32);
  TESSERA_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE key,
                           CreateSecretKey(s, CKK_AES, value, false, SecretUse::kCipher));
  const Bytes data = RandomBytes(settings.gcm_bytes);
  Bytes iv = RandomBytes(12);
  Bytes out;
  TESSERA_RETURN_IF_ERROR(AesGcmEncrypt(s, key, iv, data, out));
  TESSERA_ASSIGN_OR_RETURN(Bytes expected, crypto::AesGcmSeal(value, iv, {}, data, 16));
  if (out != expected) return Status::SignatureInvalid("AES-256-GCM differs from OpenSSL's");
  std::uint64_t counter = 0;
  return RunOpLoop(
      [&] {
        ++counter;  // a fresh IV per message, as GCM requires
        std::memcpy(iv.data() + 4, &counter, sizeof counter);
        return AesGcmEncrypt(s, key, iv, data, out);
      },
      settings.duration);
}

}  // namespace tessera::bench
