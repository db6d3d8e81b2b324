// Key delivery end to end: a P-256 key made in SoftHSM2, wrapped by
// WrapToTokenKey to the F0 of a real tessera-sim token, unwrapped into slot
// 9C with F2 (docs/piv-extensions.md "F2: UNWRAP AND STORE") and used by the
// token to sign what OpenSSL verifies against the HSM's public key.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <memory>

#include "common/crypto/hash.hpp"
#include "common/ossl.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/piv/wrapped_key.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/card/piv_client.hpp"
#include "hsm/token_key_wrap.hpp"
#include "tests/integration/hsm/softhsm_fixture.hpp"
#include "tests/integration/sim_harness.hpp"

namespace tessera::hsm {
namespace {

using testing::OpenTokenTest;

// SoftHSM2 and one simulated token, both in the fixture's temporary directory.
class TokenKeyWrapSimTest : public OpenTokenTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenTokenTest::SetUp());
    auto sim = tessera::testing::SimProcess::Start(dir_.path() / "sim-state", sim_dir_.path());
    ASSERT_TRUE(sim.ok()) << sim.status().message();
    sim_ = std::move(sim).value();
    const std::vector<std::uint32_t> serials = sim_->Serials();
    ASSERT_EQ(serials.size(), 1u);
    serial_ = serials.front();
    auto transport = sim_->Connect(serial_);
    ASSERT_TRUE(transport.ok()) << transport.status().message();
    transport_ = std::move(transport).value();
    channel_ = std::make_unique<host::ApduChannel>(*transport_);
    piv_ = std::make_unique<host::PivClient>(*channel_);
    ASSERT_TRUE(piv_->Select().ok());
  }

  void TearDown() override {
    piv_.reset();
    channel_.reset();
    transport_.reset();
    sim_.reset();
    OpenTokenTest::TearDown();
  }

  // Socket paths are short (107 bytes): the run directory gets its own /tmp dir.
  tessera::testing::TempDir sim_dir_{"tkw"};
  std::unique_ptr<tessera::testing::SimProcess> sim_;
  std::uint32_t serial_ = 0;
  std::unique_ptr<host::SimSocketTransport> transport_;
  std::unique_ptr<host::ApduChannel> channel_;
  std::unique_ptr<host::PivClient> piv_;
};

TEST_F(TokenKeyWrapSimTest, TokenStoresTheHsmKeyIn9CAndSignsWithIt) {
  // F0 from GET METADATA.
  auto f0 = piv_->GetKeyMetadata(piv::key::kTokenKey);
  ASSERT_TRUE(f0.ok()) << f0.status().ToString();
  ASSERT_NE(f0->public_key, nullptr);

  HsmSession& session = token().session();
  auto pair = GenerateDeliverableP256(session);
  ASSERT_TRUE(pair.ok()) << pair.status().ToString();
  auto spki = EcPublicKeyInfo(session, pair->public_key.handle());
  ASSERT_TRUE(spki.ok()) << spki.status().ToString();

  TokenWrapParams params;
  params.token_key = *ossl::PublicKeyToDer(f0->public_key.get());
  params.shared_data =
      piv::wrap::EncodeSharedData({serial_, piv::key::kSignature, {'i', 's', 's', '-', '1'}});
  params.kdf = CKD_SHA256_KDF;
  params.kek_bytes = 32;
  auto blob = WrapToTokenKey(session, token().quirks(), pair->private_key.handle(), params);
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();

  ASSERT_TRUE(piv_->VerifyPin(AsBytes(piv::kDefaultPin)).ok());
  host::UnwrapRequest request;
  request.target = piv::key::kSignature;
  request.algorithm = static_cast<std::uint8_t>(piv::Algorithm::kEccP256);
  // Positional: p11-kit's compatibility macro renames `shared_data` in the
  // structs parsed after <p11-kit/pkcs11.h>, which WrappedKeyBlob may not be.
  request.wrapped = host::WrappedKeyBlob{crypto::Hash::kSha256, 32, params.shared_data, *blob};
  auto stored = piv_->UnwrapAndStore(request);
  if (!stored.ok() && stored.status().code() == Code::kDataMismatch &&
      token().quirks().key_wrap_pad_zero_fills) {
    // 6984: the token's F2 takes the KWP plaintext as exactly one PKCS#8,
    // and SoftHSM2 2.6.1 follows it with its zero fill. Delivery from this
    // HSM needs a token that accepts the fill (docs/hsm-adapter.md "Keys
    // wrapped to a token").
    GTEST_SKIP() << "the token refuses SoftHSM2's zero-filled PKCS#8: "
                 << stored.status().ToString();
  }
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  ASSERT_NE(stored->public_key, nullptr);
  EXPECT_EQ(ToHex(*ossl::PublicKeyToDer(stored->public_key.get())), ToHex(*spki));

  // GENERAL AUTHENTICATE in 9C over a SHA-256 digest.
  const Bytes message = Concat({AsBytes("signed by the token with the HSM's key")});
  auto digest = crypto::DigestOnce(crypto::Hash::kSha256, message);
  ASSERT_TRUE(digest.ok());
  auto signature =
      piv_->PrivateKeyOperation(piv::key::kSignature, piv::Algorithm::kEccP256, 0x81, *digest);
  ASSERT_TRUE(signature.ok()) << signature.status().ToString();
  auto public_key = ossl::PublicKeyFromDer(*spki);
  ASSERT_TRUE(public_key.ok());
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  ASSERT_EQ(EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, public_key->get()), 1);
  EXPECT_EQ(EVP_DigestVerify(ctx.get(), signature->data(), signature->size(), message.data(),
                             message.size()),
            1);
}

}  // namespace
}  // namespace tessera::hsm
