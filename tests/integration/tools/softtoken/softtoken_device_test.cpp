// DeviceToken (tools/tessera/softtoken_device.hpp) against a real
// tessera-sim over its socket: a fresh token gets a P-256 key in 9E under
// the factory management key, the key is attested by F9 (whose certificate
// 5FFF01 the token gives too), and its ES256 signatures verify with the
// key the token reported; a slot with another kind of key, a wrong
// management key and an unknown serial are refused.
#include "tools/tessera/softtoken_device.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/ossl.hpp"
#include "common/piv/piv_constants.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/card/piv_client.hpp"
#include "services/jose/jws.hpp"
#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {
namespace {

using cli::softtoken::DeviceToken;

const ByteView kFactoryKey(piv::kDefaultManagementKey, sizeof piv::kDefaultManagementKey);

class DeviceTokenTest : public SimTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartSim());
    serial_ = OnlySerial();
    settings_.transports = {false, false, true};
    settings_.sim_run_dir = run_dir();
  }
  std::unique_ptr<DeviceToken> Open() {
    auto device = DeviceToken::Open(settings_, serial_);
    EXPECT_TRUE(device.ok()) << device.status().ToString();
    if (!device.ok()) std::abort();
    return std::move(device).value();
  }
  // The card's own answer for a slot's key (GET METADATA).
  Result<host::PivKeyMetadata> Metadata(std::uint8_t slot) {
    auto transport = Connect(serial_);
    host::ApduChannel channel(*transport);
    host::PivClient piv(channel);
    EXPECT_TRUE(piv.Select().ok());
    return piv.GetKeyMetadata(slot);
  }

  std::uint32_t serial_ = 0;
  runtime::Settings settings_;
};

bool VerifiesEs256(ByteView spki, ByteView data, ByteView raw_signature) {
  auto key = ossl::PublicKeyFromDer(spki);
  auto der = jose::EcdsaJoseToDer(raw_signature);
  if (!key.ok() || !der.ok()) return false;
  std::unique_ptr<EVP_MD_CTX, ossl::Deleter<EVP_MD_CTX_free>> ctx(EVP_MD_CTX_new());
  return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key->get()) == 1 &&
         EVP_DigestVerify(ctx.get(), der->data(), der->size(), data.data(), data.size()) == 1;
}

TEST_F(DeviceTokenTest, AFreshTokenGetsAnAttestedKeyIn9eThatSignsWithoutAPin) {
  EXPECT_EQ(Metadata(piv::key::kCardAuthentication).status().code(), Code::kReferenceNotFound);
  auto device = Open();
  auto key = device->EnsureKey("9e", kFactoryKey);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_TRUE(key->generated);
  EXPECT_FALSE(key->needs_pin);
  auto card = Metadata(piv::key::kCardAuthentication);
  ASSERT_TRUE(card.ok()) << card.status().ToString();
  EXPECT_EQ(card->algorithm, piv::Algorithm::kEccP256);
  EXPECT_EQ(card->origin, piv::KeyOrigin::kGenerated);
  EXPECT_EQ(ossl::PublicKeyToDer(card->public_key.get()).value(), key->spki);

  // Found, not made, the second time.
  auto again = device->EnsureKey("9E", kFactoryKey);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->generated);
  EXPECT_EQ(again->spki, key->spki);

  auto statement = device->Attest("9e");
  ASSERT_TRUE(statement.ok()) << statement.status().ToString();
  auto attestation_ca = device->AttestationCertificate();
  ASSERT_TRUE(attestation_ca.ok()) << attestation_ca.status().ToString();
  auto statement_cert = ossl::CertFromDer(*statement);
  auto f9_cert = ossl::CertFromDer(*attestation_ca);
  ASSERT_TRUE(statement_cert.ok() && f9_cert.ok());
  EXPECT_EQ(ossl::PublicKeyToDer(X509_get0_pubkey(statement_cert->get())).value(), key->spki)
      << "the statement attests the device key";
  EXPECT_EQ(X509_verify(statement_cert->get(), X509_get0_pubkey(f9_cert->get())), 1)
      << "F9 signed it";

  const Bytes message = HexOrDie("746573736572612d736f6674746f6b656e2d763100");
  auto signature = device->SignEs256("9e", message);
  ASSERT_TRUE(signature.ok()) << signature.status().ToString();
  EXPECT_EQ(signature->size(), 64u) << "r || s";
  EXPECT_TRUE(VerifiesEs256(key->spki, message, *signature));
  EXPECT_FALSE(VerifiesEs256(key->spki, AsBytes("another message"), *signature));
}

TEST_F(DeviceTokenTest, ASlotWithAKeyOfAnotherKindIsRefused) {
  {
    auto transport = Connect(serial_);
    host::ApduChannel channel(*transport);
    host::PivClient piv(channel);
    ASSERT_TRUE(piv.Select().ok());
    ASSERT_TRUE(piv.AuthenticateManagementKey(piv::Algorithm::kTdes, kFactoryKey).ok());
    ASSERT_TRUE(piv.GenerateKey(piv::key::kKeyManagement, piv::Algorithm::kEccP384).ok());
  }
  auto device = Open();
  auto key = device->EnsureKey("9d", kFactoryKey);
  EXPECT_EQ(key.status().code(), Code::kConditionsNotSatisfied) << key.status().ToString();
  EXPECT_NE(key.status().message().find("not P-256"), std::string::npos);
  EXPECT_EQ(Metadata(piv::key::kKeyManagement)->algorithm, piv::Algorithm::kEccP384)
      << "the key is left as it was";
}

TEST_F(DeviceTokenTest, AWrongManagementKeyMakesNoKey) {
  auto device = Open();
  const Bytes wrong(24, 0x42);
  auto key = device->EnsureKey("9e", wrong);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("management key"), std::string::npos)
      << key.status().ToString();
  EXPECT_EQ(Metadata(piv::key::kCardAuthentication).status().code(), Code::kReferenceNotFound);
}

TEST_F(DeviceTokenTest, BadSlotsAndUnknownSerialsAreRefused) {
  auto device = Open();
  for (const char* slot : {"f0", "f9", "9b", "96", "", "9e9e"}) {
    EXPECT_EQ(device->EnsureKey(slot, kFactoryKey).status().code(), Code::kInvalidArgument) << slot;
  }
  auto missing = DeviceToken::Open(settings_, serial_ + 1);
  EXPECT_EQ(missing.status().code(), Code::kNotFound) << missing.status().ToString();
}

}  // namespace
}  // namespace tessera::testing
