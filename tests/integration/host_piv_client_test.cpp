// host::PivClient, the production client the PKCS#11 driver will build on,
// against the real tessera-sim over its socket. Every answer is checked with
// OpenSSL or against the card's own state.
#include <openssl/evp.h>

#include "common/piv/piv_constants.hpp"
#include "host/card/piv_client.hpp"
#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {
namespace {

using piv::Algorithm;

class HostPivClientTest : public SimTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartSim());
    serial_ = OnlySerial();
    transport_ = Connect(serial_);
    ASSERT_NE(transport_, nullptr);
    channel_ = std::make_unique<host::ApduChannel>(*transport_);
    piv_ = std::make_unique<host::PivClient>(*channel_);
    ASSERT_TRUE(piv_->Select().ok());
  }

  Status AuthenticateDefault() {
    return piv_->AuthenticateManagementKey(Algorithm::kTdes, piv::kDefaultManagementKey);
  }

  std::uint32_t serial_ = 0;
  std::unique_ptr<host::SimSocketTransport> transport_;
  std::unique_ptr<host::ApduChannel> channel_;
  std::unique_ptr<host::PivClient> piv_;
};

TEST_F(HostPivClientTest, ReadsIdentityAndFactoryPinState) {
  auto serial = piv_->GetSerial();
  ASSERT_TRUE(serial.ok());
  EXPECT_EQ(*serial, serial_);
  auto version = piv_->GetVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ((*version)[0], 5);
  auto pin = piv_->GetPinMetadata(piv::key::kPin);
  ASSERT_TRUE(pin.ok());
  EXPECT_TRUE(pin->is_default);
  EXPECT_EQ(pin->max_tries, 3);
  EXPECT_EQ(pin->tries_left, 3);
}

TEST_F(HostPivClientTest, ReportsWrongPinsAsTriesLeftAndUnblocksWithThePuk) {
  EXPECT_EQ(*piv_->PinStatus(), 3);
  Status wrong = piv_->VerifyPin(AsBytes("654321"));
  EXPECT_EQ(wrong.code(), Code::kPinIncorrect);
  EXPECT_EQ(wrong.detail(), 2);
  EXPECT_EQ(piv_->VerifyPin(AsBytes("000000")).detail(), 1);
  EXPECT_EQ(piv_->VerifyPin(AsBytes("000000")).detail(), 0);
  EXPECT_EQ(piv_->VerifyPin(AsBytes(piv::kDefaultPin)).code(), Code::kAuthBlocked);
  EXPECT_TRUE(piv_->UnblockPin(AsBytes(piv::kDefaultPuk), AsBytes("24681357")).ok());
  EXPECT_TRUE(piv_->VerifyPin(AsBytes("24681357")).ok());
  EXPECT_EQ(*piv_->PinStatus(), -1);  // verified
  EXPECT_TRUE(piv_->ChangePin(AsBytes("24681357"), AsBytes("11223344")).ok());
  EXPECT_FALSE(piv_->GetPinMetadata(piv::key::kPin)->is_default);
  EXPECT_EQ(piv_->ChangePuk(AsBytes("00000000"), AsBytes("87654321")).detail(), 2);
  EXPECT_EQ(host::PadPin({}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(piv_->VerifyPin(AsBytes("123456789")).code(), Code::kInvalidArgument);
}

TEST_F(HostPivClientTest, RefusesAManagementKeyTheCardDoesNotHold) {
  Bytes wrong(24, 0x42);
  EXPECT_EQ(piv_->AuthenticateManagementKey(Algorithm::kTdes, wrong).code(), Code::kSecurityStatus);
  EXPECT_EQ(piv_->PutData(piv::tag::kPrintedInformation, Bytes{0x01}).code(),
            Code::kSecurityStatus);
  EXPECT_TRUE(AuthenticateDefault().ok());
}

TEST_F(HostPivClientTest, GeneratesKeysWhoseMetadataAndAgreementMatchOpenSsl) {
  ASSERT_TRUE(AuthenticateDefault().ok());
  auto key =
      piv_->GenerateKey(piv::key::kKeyManagement, Algorithm::kEccP256, piv::PinPolicy::kNever);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto meta = piv_->GetKeyMetadata(piv::key::kKeyManagement);
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->algorithm, Algorithm::kEccP256);
  EXPECT_EQ(meta->pin_policy, piv::PinPolicy::kNever);
  EXPECT_EQ(meta->origin, piv::KeyOrigin::kGenerated);
  EXPECT_EQ(EVP_PKEY_eq(meta->public_key.get(), key->get()), 1);

  // ECDH: the card's shared secret equals OpenSSL's from the peer side.
  ossl::PkeyCtxPtr gen(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  ASSERT_EQ(EVP_PKEY_keygen_init(gen.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_group_name(gen.get(), "P-256"), 1);
  EVP_PKEY* raw_peer = nullptr;
  ASSERT_EQ(EVP_PKEY_keygen(gen.get(), &raw_peer), 1);
  ossl::PkeyPtr peer(raw_peer);
  Bytes point(65);
  std::size_t point_len = point.size();
  ASSERT_EQ(EVP_PKEY_get_octet_string_param(peer.get(), "encoded-pub-key", point.data(),
                                            point.size(), &point_len),
            1);
  auto card_secret =
      piv_->PrivateKeyOperation(piv::key::kKeyManagement, Algorithm::kEccP256, 0x85, point);
  ASSERT_TRUE(card_secret.ok()) << card_secret.status().ToString();
  ossl::PkeyCtxPtr derive(EVP_PKEY_CTX_new(peer.get(), nullptr));
  ASSERT_EQ(EVP_PKEY_derive_init(derive.get()), 1);
  ASSERT_EQ(EVP_PKEY_derive_set_peer(derive.get(), key->get()), 1);
  Bytes host_secret(32);
  std::size_t secret_len = host_secret.size();
  ASSERT_EQ(EVP_PKEY_derive(derive.get(), host_secret.data(), &secret_len), 1);
  EXPECT_EQ(ToHex(card_secret->view()), ToHex(host_secret));

  EXPECT_EQ(piv_->GetKeyMetadata(0x82).status().code(), Code::kReferenceNotFound);
}

TEST_F(HostPivClientTest, WritesAndReadsDataObjectsAndAttests) {
  ASSERT_TRUE(AuthenticateDefault().ok());
  Bytes history = HexOrDie("c10100c20100fe00");
  ASSERT_TRUE(piv_->PutData(piv::tag::kKeyHistory, history).ok());
  auto read = piv_->GetData(piv::tag::kKeyHistory);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(ToHex(*read), ToHex(history));
  EXPECT_EQ(piv_->GetData(piv::tag::kCertSignature).status().code(), Code::kNotFound);
  auto discovery = piv_->GetData(piv::tag::kDiscovery);
  ASSERT_TRUE(discovery.ok());
  EXPECT_EQ(ToHex(*discovery).substr(0, 8), "7e124f0b");

  auto key = piv_->GenerateKey(piv::key::kSignature, Algorithm::kEd25519);
  ASSERT_TRUE(key.ok());
  auto statement = piv_->Attest(piv::key::kSignature);
  ASSERT_TRUE(statement.ok());
  auto cert = ossl::CertFromDer(*statement);
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(cert->get()), key->get()), 1);
}

}  // namespace
}  // namespace tessera::testing
