#include "tests/integration/hsm/test_keys.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <memory>

#include "hsm/attribute_template.hpp"
#include "hsm/key_ops.hpp"

namespace tessera::hsm::testing {

Bytes ReferenceAesEcb(ByteView key, ByteView data) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  const EVP_CIPHER* cipher = key.size() == 16 ? EVP_aes_128_ecb() : EVP_aes_256_ecb();
  EXPECT_EQ(EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, key.data(), nullptr), 1);
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  Bytes out(data.size() + 16);
  int n = 0;
  int tail = 0;
  EXPECT_EQ(
      EVP_EncryptUpdate(ctx.get(), out.data(), &n, data.data(), static_cast<int>(data.size())), 1);
  EXPECT_EQ(EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &tail), 1);
  out.resize(static_cast<std::size_t>(n) + static_cast<std::size_t>(tail));
  return out;
}

Bytes ReferenceCmac(ByteView key, ByteView data) {
  std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "CMAC", nullptr),
                                                        EVP_MAC_free);
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_new(mac.get()),
                                                                EVP_MAC_CTX_free);
  char cipher[] = "AES-256-CBC";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
                         OSSL_PARAM_construct_end()};
  EXPECT_EQ(EVP_MAC_init(ctx.get(), key.data(), key.size(), params), 1);
  EXPECT_EQ(EVP_MAC_update(ctx.get(), data.data(), data.size()), 1);
  Bytes out(16);
  std::size_t size = 0;
  EXPECT_EQ(EVP_MAC_final(ctx.get(), out.data(), &size, out.size()), 1);
  out.resize(size);
  return out;
}

Bytes ReferenceKcv(ByteView key) {
  Bytes block = ReferenceAesEcb(key, Bytes(16, 0x01));
  block.resize(3);
  return block;
}

CK_OBJECT_HANDLE ImportBlock(HsmToken& token, const std::string& label, ByteView value) {
  AttributeTemplate t;
  t.Add(Attr::kClass, ObjectClass::kSecretKey)
      .Add(Attr::kKeyType, KeyType::kAes)
      .Add(Attr::kToken, true)
      .Add(Attr::kPrivate, true)
      .Add(Attr::kSensitive, true)
      .Add(Attr::kExtractable, false)
      .Add(Attr::kDerive, true)
      .Add(Attr::kLabel, std::string_view(label))
      .Add(Attr::kValue, value);
  auto object = CreateObject(token.session(), std::move(t), "test block " + label);
  EXPECT_TRUE(object.ok()) << object.status().ToString();
  return object.ok() ? std::move(*object).Keep() : CK_INVALID_HANDLE;
}

CK_RV ProbeAttribute(HsmToken& token, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
  std::uint8_t buffer[1024];
  CK_ATTRIBUTE attribute{type, buffer, sizeof buffer};
  return token.session().library().functions().C_GetAttributeValue(token.session().handle(), object,
                                                                   &attribute, 1);
}

bool BoolAttribute(HsmToken& token, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
  CK_BBOOL value = CK_FALSE;
  CK_ATTRIBUTE attribute{type, &value, sizeof value};
  EXPECT_EQ(token.session().library().functions().C_GetAttributeValue(token.session().handle(),
                                                                      object, &attribute, 1),
            static_cast<CK_RV>(CKR_OK));
  return value == CK_TRUE;
}

std::size_t CountObjects(HsmToken& token) {
  const CK_FUNCTION_LIST& f = token.session().library().functions();
  CK_SESSION_HANDLE s = token.session().handle();
  EXPECT_EQ(f.C_FindObjectsInit(s, nullptr, 0), static_cast<CK_RV>(CKR_OK));
  std::size_t count = 0;
  CK_OBJECT_HANDLE batch[64];
  CK_ULONG n = 0;
  while (f.C_FindObjects(s, batch, 64, &n) == CKR_OK && n > 0) count += n;
  f.C_FindObjectsFinal(s);
  return count;
}

}  // namespace tessera::hsm::testing
