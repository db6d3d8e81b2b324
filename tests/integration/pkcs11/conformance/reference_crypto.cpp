#include "tests/integration/pkcs11/conformance/reference_crypto.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/x509.h>

#include "tests/integration/pkcs11/api_openssl.hpp"

namespace tessera::testing::conformance {
namespace {

// Own handle types and parameter helpers, so this file needs nothing from
// common/ but the EVP_PKEY and cipher-context pointers.
using CipherPtr = std::unique_ptr<EVP_CIPHER, ossl::Deleter<EVP_CIPHER_free>>;
using MacPtr = std::unique_ptr<EVP_MAC, ossl::Deleter<EVP_MAC_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, ossl::Deleter<EVP_MAC_CTX_free>>;
using KdfPtr = std::unique_ptr<EVP_KDF, ossl::Deleter<EVP_KDF_free>>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, ossl::Deleter<EVP_KDF_CTX_free>>;

// A valid pointer even for empty input: OpenSSL reads (NULL, 0) as "absent".
const unsigned char* NonNull(ByteView data) {
  static const unsigned char kEmpty = 0;
  return data.empty() ? &kEmpty : data.data();
}

OSSL_PARAM Octets(const char* name, ByteView value) {
  return OSSL_PARAM_construct_octet_string(name, const_cast<unsigned char*>(NonNull(value)),
                                           value.size());
}

OSSL_PARAM Utf8(const char* name, const std::string& value) {
  return OSSL_PARAM_construct_utf8_string(name, const_cast<char*>(value.c_str()), 0);
}

CipherPtr Fetch(const std::string& name) {
  CipherPtr c(EVP_CIPHER_fetch(nullptr, name.c_str(), nullptr));
  EXPECT_NE(c, nullptr) << "OpenSSL has no " << name << ": " << ossl::DrainErrors();
  return c;
}

Bytes Derive(const char* kdf_name, OSSL_PARAM* params, std::size_t length) {
  KdfPtr kdf(EVP_KDF_fetch(nullptr, kdf_name, nullptr));
  if (!kdf) {
    ADD_FAILURE() << "OpenSSL has no " << kdf_name;
    return {};
  }
  KdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  Bytes out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    ADD_FAILURE() << kdf_name << ": " << ossl::DrainErrors();
    return {};
  }
  return out;
}

}  // namespace

std::string AesName(std::size_t key_bytes, const std::string& mode) {
  return "AES-" + std::to_string(key_bytes * 8) + "-" + mode;
}

Bytes Cipher(const std::string& cipher, ByteView key, ByteView iv, ByteView data, bool encrypt,
             bool pad) {
  CipherPtr c = Fetch(cipher);
  if (!c) return {};
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (EVP_CipherInit_ex2(ctx.get(), c.get(), key.data(), iv.empty() ? nullptr : iv.data(),
                         encrypt ? 1 : 0, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), pad ? 1 : 0) != 1) {
    ADD_FAILURE() << cipher << ": " << ossl::DrainErrors();
    return {};
  }
  Bytes out(data.size() + 32);
  int n = 0;
  int tail = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &n, NonNull(data), static_cast<int>(data.size())) !=
          1 ||
      EVP_CipherFinal_ex(ctx.get(), out.data() + n, &tail) != 1) {
    ADD_FAILURE() << cipher << ": " << ossl::DrainErrors();
    return {};
  }
  out.resize(static_cast<std::size_t>(n + tail));
  return out;
}

Bytes AesGcmSeal(ByteView key, ByteView iv, ByteView aad, ByteView plain, std::size_t tag_bytes) {
  CipherPtr c = Fetch(AesName(key.size(), "GCM"));
  if (!c) return {};
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  std::size_t iv_len = iv.size();
  OSSL_PARAM params[] = {OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &iv_len),
                         OSSL_PARAM_construct_end()};
  Bytes out(plain.size() + tag_bytes);
  int n = 0;
  int tail = 0;
  if (EVP_EncryptInit_ex2(ctx.get(), c.get(), nullptr, nullptr, params) != 1 ||
      EVP_EncryptInit_ex2(ctx.get(), nullptr, key.data(), iv.data(), nullptr) != 1 ||
      (!aad.empty() &&
       EVP_EncryptUpdate(ctx.get(), nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1) ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &n, NonNull(plain),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &tail) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_bytes),
                          out.data() + plain.size()) != 1) {
    ADD_FAILURE() << "AES-GCM: " << ossl::DrainErrors();
    return {};
  }
  return out;
}

Bytes AesCmac(ByteView key, ByteView data) {
  MacPtr mac(EVP_MAC_fetch(nullptr, "CMAC", nullptr));
  MacCtxPtr ctx(EVP_MAC_CTX_new(mac.get()));
  std::string cipher = AesName(key.size(), "CBC");
  OSSL_PARAM params[] = {Utf8(OSSL_MAC_PARAM_CIPHER, cipher), OSSL_PARAM_construct_end()};
  Bytes out(16);
  std::size_t len = 0;
  if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), NonNull(data), data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1) {
    ADD_FAILURE() << "CMAC: " << ossl::DrainErrors();
    return {};
  }
  out.resize(len);
  return out;
}

Bytes Hmac(const std::string& digest, ByteView key, ByteView data) {
  MacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  MacCtxPtr ctx(EVP_MAC_CTX_new(mac.get()));
  OSSL_PARAM params[] = {Utf8(OSSL_MAC_PARAM_DIGEST, digest), OSSL_PARAM_construct_end()};
  Bytes out(EVP_MAX_MD_SIZE);
  std::size_t len = 0;
  if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), NonNull(data), data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1) {
    ADD_FAILURE() << "HMAC: " << ossl::DrainErrors();
    return {};
  }
  out.resize(len);
  return out;
}

Bytes AesKeyWrap(ByteView kek, ByteView key, bool kwp) {
  CipherPtr c = Fetch(AesName(kek.size(), kwp ? "WRAP-PAD" : "WRAP"));
  if (!c) return {};
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  Bytes out(key.size() + 16);
  int n = 0;
  int tail = 0;
  if (EVP_EncryptInit_ex2(ctx.get(), c.get(), kek.data(), nullptr, nullptr) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &n, key.data(), static_cast<int>(key.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &tail) != 1) {
    ADD_FAILURE() << "AES key wrap: " << ossl::DrainErrors();
    return {};
  }
  out.resize(static_cast<std::size_t>(n + tail));
  return out;
}

Bytes X963Kdf(const std::string& digest, ByteView z, ByteView shared_info, std::size_t length) {
  OSSL_PARAM params[] = {Utf8(OSSL_KDF_PARAM_DIGEST, digest), Octets(OSSL_KDF_PARAM_KEY, z),
                         Octets(OSSL_KDF_PARAM_INFO, shared_info), OSSL_PARAM_construct_end()};
  return Derive("X963KDF", params, length);
}

Bytes Hkdf(const std::string& digest, ByteView ikm, ByteView salt, ByteView info,
           std::size_t length) {
  OSSL_PARAM params[] = {Utf8(OSSL_KDF_PARAM_DIGEST, digest), Octets(OSSL_KDF_PARAM_KEY, ikm),
                         Octets(OSSL_KDF_PARAM_SALT, salt), Octets(OSSL_KDF_PARAM_INFO, info),
                         OSSL_PARAM_construct_end()};
  return Derive("HKDF", params, length);
}

namespace {

ossl::PkeyPtr WeierstrassFromPoint(const char* curve, ByteView point) {
  std::string group(curve);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group.data(), 0),
      Octets(OSSL_PKEY_PARAM_PUB_KEY, point), OSSL_PARAM_construct_end()};
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    ADD_FAILURE() << curve << " point: " << ossl::DrainErrors();
  }
  return ossl::PkeyPtr(key);
}

}  // namespace

ossl::PkeyPtr P256FromPoint(ByteView point) { return WeierstrassFromPoint("prime256v1", point); }

ossl::PkeyPtr EcPublicFromAttributes(ByteView ec_params, ByteView ec_point) {
  ByteView point = ec_point;
  // A DER OCTET STRING (04 len ...) around the point, short or 81 form.
  if (point.size() > 2 && point[0] == 0x04 && point[1] == point.size() - 2) {
    point = point.subspan(2);
  } else if (point.size() > 3 && point[0] == 0x04 && point[1] == 0x81 &&
             point[2] == point.size() - 3) {
    point = point.subspan(3);
  }
  const std::string params = ToHex(ec_params);
  if (params == ToHex(HexOrDie("06082A8648CE3D030107"))) {
    return WeierstrassFromPoint("prime256v1", point);
  }
  if (params == ToHex(HexOrDie("06052B81040022"))) return WeierstrassFromPoint("secp384r1", point);
  const int type = params == ToHex(HexOrDie("06032B6570"))   ? EVP_PKEY_ED25519
                   : params == ToHex(HexOrDie("06032B656E")) ? EVP_PKEY_X25519
                                                             : 0;
  if (type == 0) {
    ADD_FAILURE() << "unknown CKA_EC_PARAMS " << params;
    return nullptr;
  }
  return ossl::PkeyPtr(EVP_PKEY_new_raw_public_key(type, nullptr, point.data(), point.size()));
}

Bytes Pkcs8(EVP_PKEY* key) {
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(key);
  unsigned char* der = nullptr;
  const int len = info == nullptr ? -1 : i2d_PKCS8_PRIV_KEY_INFO(info, &der);
  PKCS8_PRIV_KEY_INFO_free(info);
  EXPECT_GT(len, 0) << "PKCS#8: " << ossl::DrainErrors();
  Bytes out(der, der + std::max(len, 0));
  OPENSSL_clear_free(der, static_cast<std::size_t>(std::max(len, 0)));
  return out;
}

Bytes EcdhAesKeyWrapBlob(EVP_PKEY* recipient, std::size_t kek_bytes, ByteView shared_data,
                         ByteView plaintext) {
  ossl::PkeyPtr ephemeral = NewKey("P-256");
  if (!ephemeral || recipient == nullptr) return {};
  const Bytes z = SharedSecret(ephemeral.get(), recipient);
  const Bytes kek = X963Kdf("SHA256", z, shared_data, kek_bytes);
  Bytes blob = EcPublicPoint(ephemeral.get());
  Append(blob, AesKeyWrap(kek, plaintext, /*kwp=*/true));
  return blob;
}

}  // namespace tessera::testing::conformance
