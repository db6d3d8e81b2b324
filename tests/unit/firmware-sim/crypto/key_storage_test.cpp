#include <gtest/gtest.h>

#include "firmware-sim/crypto/keys.hpp"
#include "openssl_oracle.hpp"

namespace tessera::sim {
namespace {

std::vector<ossl::PkeyPtr> OneKeyOfEachKind() {
  std::vector<ossl::PkeyPtr> keys;
  keys.push_back(testing::OpensslRsaKey(2048));
  keys.push_back(testing::OpensslEcKey("P-256"));
  keys.push_back(testing::OpensslEcKey("P-384"));
  keys.push_back(testing::OpensslRawKey("ED25519"));
  keys.push_back(testing::OpensslRawKey("X25519"));
  return keys;
}

TEST(KeyStorage, SerializesEveryKeyAsPkcs8) {
  for (const auto& key : OneKeyOfEachKind()) {
    auto der = SerializePrivateKey(key.get());
    ASSERT_TRUE(der.ok()) << der.status().ToString();
    const unsigned char* p = der->data();
    ossl::Pkcs8InfoPtr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der->size())));
    ASSERT_TRUE(info) << EVP_PKEY_get0_type_name(key.get()) << " is not PrivateKeyInfo";
    EXPECT_EQ(p, der->data() + der->size());
    ossl::PkeyPtr parsed(EVP_PKCS82PKEY(info.get()));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(testing::PrivateDer(parsed.get()), testing::PrivateDer(key.get()));
  }
}

TEST(KeyStorage, RoundTripsEveryKey) {
  for (const auto& key : OneKeyOfEachKind()) {
    auto der = SerializePrivateKey(key.get());
    ASSERT_TRUE(der.ok());
    auto back = DeserializePrivateKey(der->view());
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(testing::PrivateDer(back->get()), testing::PrivateDer(key.get()));
  }
}

TEST(KeyStorage, RejectsGarbageTruncationAndTrailingBytes) {
  auto key = testing::OpensslEcKey("P-256");
  auto der = SerializePrivateKey(key.get());
  ASSERT_TRUE(der.ok());
  Bytes truncated(der->data(), der->data() + der->size() - 1);
  Bytes trailing(der->data(), der->data() + der->size());
  trailing.push_back(0);
  for (const Bytes& bad : {HexOrDie("300100"), truncated, trailing, Bytes{}}) {
    auto back = DeserializePrivateKey(bad);
    ASSERT_FALSE(back.ok());
    EXPECT_EQ(back.status().code(), Code::kInvalidArgument);
  }
}

TEST(KeyStorage, RefusesAPublicOnlyKey) {
  auto key = testing::OpensslEcKey("P-256");
  auto pub = ossl::PublicKeyFromDer(testing::PublicDer(key.get()));
  ASSERT_TRUE(pub.ok());
  EXPECT_FALSE(SerializePrivateKey(pub->get()).ok());
}

}  // namespace
}  // namespace tessera::sim
