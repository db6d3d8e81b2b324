// host::PivClient's secret-key methods (F4, F5, GET METADATA C0..DF)
// against the real tessera-sim: each method once with success, checked
// with OpenSSL, and once with the failure the card reports.
#include <openssl/core_names.h>
#include <openssl/kdf.h>

#include "common/card_manager_constants.hpp"
#include "tests/integration/host_piv_fixture.hpp"

namespace tessera::testing {
namespace {

namespace secret = piv::secret;
using secret::KeyType;
using secret::MacAlgorithm;

const Bytes kAesKey = HexOrDie("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
const Bytes kGeneric = Bytes(40, 0x5C);
const Bytes kMessage = HexOrDie("72656769737472617469");

Bytes OsslHkdf(ByteView ikm, ByteView salt, ByteView info, std::size_t length) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  char digest[] = "SHA256";
  auto octets = [](const char* name, ByteView v) {
    return OSSL_PARAM_construct_octet_string(name, const_cast<std::uint8_t*>(v.data()), v.size());
  };
  // An empty salt is left out: RFC 5869 reads both as HashLen zero bytes.
  OSSL_PARAM params[5] = {OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
                          octets(OSSL_KDF_PARAM_KEY, ikm), octets(OSSL_KDF_PARAM_INFO, info),
                          OSSL_PARAM_construct_end(), OSSL_PARAM_construct_end()};
  if (!salt.empty()) params[3] = octets(OSSL_KDF_PARAM_SALT, salt);
  Bytes out(length);
  if (EVP_KDF_derive(ctx, out.data(), out.size(), params) != 1) out.clear();
  EVP_KDF_CTX_free(ctx);
  EVP_KDF_free(kdf);
  return out;
}

host::SecretKeyAttributes Attributes(std::uint16_t usage, std::string_view label = "") {
  host::SecretKeyAttributes a;
  a.usage = usage;
  a.pin_policy = piv::PinPolicy::kNever;
  a.label.assign(label.begin(), label.end());
  return a;
}

class HostPivSecretKeyTest : public HostPivTest {};

TEST_F(HostPivSecretKeyTest, ImportsGeneratesListsDescribesAndDeletes) {
  EXPECT_EQ(piv_->ImportSecretKey(0xC0, KeyType::kAes256, kAesKey, Attributes(1)).status().code(),
            Code::kSecurityStatus);  // no management key yet
  ASSERT_TRUE(AuthenticateDefault().ok());
  host::SecretKeyAttributes labelled = Attributes(secret::usage::kAll, "registration");
  labelled.id = {0x01, 0x02};
  auto imported = piv_->ImportSecretKey(0xC0, KeyType::kAes256, kAesKey, labelled);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(imported->slot, 0xC0);
  EXPECT_EQ(imported->type, KeyType::kAes256);
  EXPECT_EQ(imported->length, 32u);
  EXPECT_EQ(imported->origin, piv::KeyOrigin::kImported);
  EXPECT_EQ(imported->pin_policy, piv::PinPolicy::kNever);
  EXPECT_EQ(imported->usage, secret::usage::kAll);
  EXPECT_EQ(AsString(imported->label), "registration");
  EXPECT_EQ(ToHex(imported->id), "0102");
  EXPECT_EQ(piv_->ImportSecretKey(0xC0, KeyType::kAes256, kAesKey, labelled).status().code(),
            Code::kConditionsNotSatisfied);

  auto generated = piv_->GenerateSecretKey(secret::kAnyFreeSlot, KeyType::kGeneric, 48, {});
  ASSERT_TRUE(generated.ok()) << generated.status().ToString();
  EXPECT_EQ(generated->slot, 0xC1);
  EXPECT_EQ(generated->length, 48u);
  EXPECT_EQ(generated->origin, piv::KeyOrigin::kGenerated);
  EXPECT_EQ(generated->pin_policy, piv::PinPolicy::kOnce);
  EXPECT_EQ(piv_->GenerateSecretKey(0xC2, KeyType::kAes128, 32, {}).status().code(),
            Code::kInvalidArgument);

  auto listed = piv_->ListSecretKeys();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].slot, 0xC0);
  EXPECT_EQ((*listed)[1].slot, 0xC1);
  auto described = piv_->GetSecretKeyMetadata(0xC1);
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->slot, 0xC1);
  EXPECT_EQ(described->type, KeyType::kGeneric);

  EXPECT_TRUE(piv_->DeleteSecretKey(0xC1).ok());
  EXPECT_EQ(piv_->DeleteSecretKey(0xC1).code(), Code::kReferenceNotFound);
  EXPECT_EQ(piv_->GetSecretKeyMetadata(0xC1).status().code(), Code::kReferenceNotFound);
}

TEST_F(HostPivSecretKeyTest, ListingNeedsThePivApplet) {
  auto empty = piv_->ListSecretKeys();
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->empty());
  CommandApdu select;
  select.ins = piv::ins::kSelect;
  select.p1 = 0x04;
  select.data.assign(std::begin(cm::kAid), std::end(cm::kAid));
  ASSERT_TRUE(channel_->Transmit(select).ok());
  EXPECT_FALSE(piv_->ListSecretKeys().ok());  // the card manager knows no F5
}

TEST_F(HostPivSecretKeyTest, MacsMatchOpenSslAndVerifyRefusesOthers) {
  ASSERT_TRUE(AuthenticateDefault().ok());
  ASSERT_TRUE(piv_->ImportSecretKey(0xC0, KeyType::kAes256, kAesKey, Attributes(3)).ok());
  ASSERT_TRUE(piv_->ImportSecretKey(0xC1, KeyType::kGeneric, kGeneric, Attributes(3)).ok());
  auto cmac = piv_->SecretKeyMac(0xC0, MacAlgorithm::kAesCmac, kMessage);
  ASSERT_TRUE(cmac.ok()) << cmac.status().ToString();
  EXPECT_EQ(ToHex(*cmac), ToHex(OsslMac("CMAC", "AES-256-CBC", kAesKey, kMessage)));
  auto hmac = piv_->SecretKeyMac(0xC1, MacAlgorithm::kHmacSha384, kMessage, 24);
  ASSERT_TRUE(hmac.ok());
  EXPECT_EQ(ToHex(*hmac), ToHex(ByteView(OsslMac("HMAC", "SHA384", kGeneric, kMessage)).first(24)));
  EXPECT_TRUE(piv_->SecretKeyVerify(0xC1, MacAlgorithm::kHmacSha384, kMessage, *hmac).ok());
  Bytes wrong = *cmac;
  wrong[0] ^= 0x01;
  EXPECT_EQ(piv_->SecretKeyVerify(0xC0, MacAlgorithm::kAesCmac, kMessage, wrong).code(),
            Code::kSignatureInvalid);
  EXPECT_EQ(piv_->SecretKeyMac(0xC0, MacAlgorithm::kHmacSha256, kMessage).status().code(),
            Code::kConditionsNotSatisfied);  // an AES key makes no HMAC
}

TEST_F(HostPivSecretKeyTest, GcmRoundTripsAndRefusesATamperedTag) {
  ASSERT_TRUE(AuthenticateDefault().ok());
  ASSERT_TRUE(piv_->ImportSecretKey(0xC0, KeyType::kAes256, kAesKey,
                                    Attributes(secret::usage::kEncrypt | secret::usage::kDecrypt))
                  .ok());
  const Bytes iv = HexOrDie("cafebabefacedbaddecaf888");
  const Bytes aad = HexOrDie("feedfacedeadbeef");
  const Bytes plaintext(500, 0x42);
  auto sealed = piv_->GcmEncrypt(0xC0, iv, aad, plaintext);
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  ASSERT_EQ(sealed->size(), plaintext.size() + 16);
  auto opened = piv_->GcmDecrypt(0xC0, iv, aad, *sealed);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(ToHex(opened->view()), ToHex(plaintext));
  Bytes tampered = *sealed;
  tampered.back() ^= 0x01;
  EXPECT_EQ(piv_->GcmDecrypt(0xC0, iv, aad, tampered).status().code(), Code::kSignatureInvalid);
  EXPECT_EQ(piv_->GcmEncrypt(0xC0, iv, aad, plaintext, 11).status().code(), Code::kInvalidArgument);
}

TEST_F(HostPivSecretKeyTest, HkdfToHostMatchesOpenSsl) {
  ASSERT_TRUE(AuthenticateDefault().ok());
  ASSERT_TRUE(piv_->ImportSecretKey(0xC0, KeyType::kGeneric, kGeneric,
                                    Attributes(secret::usage::kExportDerived))
                  .ok());
  ASSERT_TRUE(piv_->ImportSecretKey(0xC1, KeyType::kGeneric, kGeneric, Attributes(1)).ok());
  const Bytes salt = HexOrDie("0011"), info = HexOrDie("2233");
  auto okm = piv_->HkdfToHost(0xC0, ByteView(salt), info, 300);
  ASSERT_TRUE(okm.ok()) << okm.status().ToString();
  EXPECT_EQ(ToHex(okm->view()), ToHex(OsslHkdf(kGeneric, salt, info, 300)));
  EXPECT_EQ(piv_->HkdfToHost(0xC1, ByteView(salt), info, 32).status().code(),
            Code::kConditionsNotSatisfied);  // no export-derived usage
}

TEST_F(HostPivSecretKeyTest, DerivesByEcdhAndByHkdfAsTheHostComputes) {
  ASSERT_TRUE(AuthenticateDefault().ok());
  auto slot_key =
      piv_->GenerateKey(piv::key::kKeyManagement, piv::Algorithm::kEccP256, piv::PinPolicy::kNever);
  ASSERT_TRUE(slot_key.ok());
  ossl::PkeyPtr peer(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  Bytes point(65);
  std::size_t point_len = 0;
  ASSERT_EQ(EVP_PKEY_get_octet_string_param(peer.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                            point.data(), point.size(), &point_len),
            1);
  ossl::PkeyCtxPtr agree(EVP_PKEY_CTX_new(peer.get(), nullptr));
  Bytes z(32);
  std::size_t z_len = z.size();
  ASSERT_EQ(EVP_PKEY_derive_init(agree.get()), 1);
  ASSERT_EQ(EVP_PKEY_derive_set_peer(agree.get(), slot_key->get()), 1);
  ASSERT_EQ(EVP_PKEY_derive(agree.get(), z.data(), &z_len), 1);

  host::EcdhDeriveRequest ecdh;
  ecdh.base = piv::key::kKeyManagement;
  ecdh.peer_public = point;
  ecdh.salt = HexOrDie("5a5a");
  ecdh.info = HexOrDie("a5a5");
  ecdh.attributes = Attributes(secret::usage::kSign | secret::usage::kDerive);
  auto derived = piv_->DeriveSecretKeyEcdh(ecdh);
  ASSERT_TRUE(derived.ok()) << derived.status().ToString();
  EXPECT_EQ(derived->origin, piv::KeyOrigin::kDerived);
  const Bytes key1 = OsslHkdf(z, ecdh.salt, ecdh.info, 32);
  EXPECT_EQ(ToHex(*piv_->SecretKeyMac(derived->slot, MacAlgorithm::kHmacSha256, kMessage)),
            ToHex(OsslMac("HMAC", "SHA256", key1, kMessage)));

  host::HkdfDeriveRequest hkdf;
  hkdf.base = derived->slot;
  hkdf.type = KeyType::kAes128;
  hkdf.info = HexOrDie("01");
  hkdf.attributes = Attributes(secret::usage::kSign);
  auto second = piv_->DeriveSecretKeyHkdf(hkdf);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(ToHex(*piv_->SecretKeyMac(second->slot, MacAlgorithm::kAesCmac, kMessage)),
            ToHex(OsslMac("CMAC", "AES-128-CBC", OsslHkdf(key1, {}, hkdf.info, 16), kMessage)));

  hkdf.base = second->slot;  // has no derive usage
  EXPECT_EQ(piv_->DeriveSecretKeyHkdf(hkdf).status().code(), Code::kConditionsNotSatisfied);
  ecdh.base = piv::key::kTokenKey;  // F0 needs the PIN
  EXPECT_EQ(piv_->DeriveSecretKeyEcdh(ecdh).status().code(), Code::kSecurityStatus);
}

}  // namespace
}  // namespace tessera::testing
