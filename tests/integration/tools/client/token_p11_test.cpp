// TokenP11 against a real tessera-sim through the real tessera-pkcs11.so
// (found by TESSERA_PKCS11_MODULE, as the CLI finds it), judged with
// OpenSSL and the host's own PIV client.
#include "tools/tessera/client/token_p11.hpp"

#include <gtest/gtest.h>
#include <openssl/ecdsa.h>
#include <openssl/sha.h>

#include <cstdlib>

#include "common/crypto/ecdh_aes_wrap.hpp"
#include "common/ossl.hpp"
#include "common/piv/key_package.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/piv/wrapped_key.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/card/piv_client.hpp"
#include "tests/integration/pkcs11/module_harness.hpp"
#include "tests/integration/sim_test_fixture.hpp"
#include "tests/integration/tools/client/test_certificates.hpp"

namespace tessera::testing {
namespace {

using cli::TokenP11;

SecureBytes Secret(std::string_view s) { return SecureBytes(AsBytes(s)); }

class TokenP11Test : public SimTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartSim());
    serial_ = OnlySerial();
    // The module reads its routes at C_Initialize: the simulator's sockets only.
    ASSERT_EQ(::setenv("TESSERA_SIM_DIR", run_dir().c_str(), 1), 0);
    ASSERT_EQ(::setenv("TESSERA_TRANSPORTS", "sim", 1), 0);
    ASSERT_EQ(::setenv("TESSERA_PKCS11_MODULE", ModulePath().c_str(), 1), 0);
    module_ = cli::Pkcs11ModulePath("");
  }
  void TearDown() override {
    ::unsetenv("TESSERA_SIM_DIR");
    ::unsetenv("TESSERA_PKCS11_MODULE");
  }

  TokenP11 OpenToken() {
    auto token = TokenP11::Open(module_, serial_);
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    if (!token.ok()) std::abort();
    return std::move(token).value();
  }

  // F0's public key as the card itself reports it (GET METADATA F0).
  Bytes CardTokenKey() {
    auto transport = Connect(serial_);
    host::ApduChannel channel(*transport);
    host::PivClient piv(channel);
    EXPECT_TRUE(piv.Select().ok());
    auto meta = piv.GetKeyMetadata(piv::key::kTokenKey);
    EXPECT_TRUE(meta.ok()) << meta.status().ToString();
    if (!meta.ok()) return {};
    auto der = ossl::PublicKeyToDer(meta->public_key.get());
    return der.ok() ? *der : Bytes{};
  }

  std::string module_;
  std::uint32_t serial_ = 0;
};

TEST_F(TokenP11Test, TheModulePathComesFromTheEnvironmentAndAFlagWins) {
  EXPECT_EQ(module_, ModulePath().string());
  EXPECT_EQ(cli::Pkcs11ModulePath("/x/y.so"), "/x/y.so");
}

TEST_F(TokenP11Test, ListShowsTheSimulatorsToken) {
  auto tokens = TokenP11::List(module_);
  ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].first, serial_);
  EXPECT_EQ((*tokens)[0].second, "Tessera simulator " + std::to_string(serial_));
}

TEST_F(TokenP11Test, OpeningAnotherSerialIsNotFound) {
  auto token = TokenP11::Open(module_, serial_ + 1);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().code(), Code::kNotFound) << token.status().ToString();
}

TEST_F(TokenP11Test, FactsWithoutALoginMatchTheCardAndTheManufacturer) {
  const Bytes card_f0 = CardTokenKey();
  ASSERT_FALSE(card_f0.empty());
  TokenP11 token = OpenToken();
  auto facts = token.ReadFacts();
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  EXPECT_EQ(facts->serial, serial_);
  EXPECT_EQ(facts->transport, "sim");
  EXPECT_EQ(ToHex(facts->token_key), ToHex(card_f0));
  EXPECT_TRUE(facts->used_key_slots.empty());

  // Both levels: the manufacturer CA signed F9's certificate, F9 signed F0's statement.
  const std::string ca_der = ReadFile(state_dir() / "manufacturer-ca.der");
  auto ca = ossl::CertFromDer(AsBytes(ca_der));
  ASSERT_TRUE(ca.ok()) << ca.status().ToString();
  auto f9 = ossl::CertFromDer(facts->attestation_ca);
  ASSERT_TRUE(f9.ok()) << f9.status().ToString();
  auto statement = ossl::CertFromDer(facts->attestation);
  ASSERT_TRUE(statement.ok()) << statement.status().ToString();
  EXPECT_EQ(X509_verify(f9->get(), X509_get0_pubkey(ca->get())), 1);
  EXPECT_EQ(X509_verify(statement->get(), X509_get0_pubkey(f9->get())), 1);
  EXPECT_NE(X509_verify(statement->get(), X509_get0_pubkey(ca->get())), 1);
  // The statement attests F0's key.
  auto attested = ossl::PublicKeyToDer(X509_get0_pubkey(statement->get()));
  ASSERT_TRUE(attested.ok());
  EXPECT_EQ(ToHex(*attested), ToHex(card_f0));
}

TEST_F(TokenP11Test, AWrongPinIsSecurityStatusAndTheRightOneLogsIn) {
  TokenP11 token = OpenToken();
  Status wrong = token.LoginUser(Secret("000000"));
  EXPECT_EQ(wrong.code(), Code::kSecurityStatus) << wrong.ToString();
  EXPECT_NE(wrong.message().find("CKR_PIN_INCORRECT"), std::string::npos) << wrong.ToString();
  EXPECT_TRUE(token.LoginUser(Secret(piv::kDefaultPin)).ok());
}

TEST_F(TokenP11Test, AWrongManagementKeyIsSecurityStatus) {
  TokenP11 token = OpenToken();
  Status wrong = token.LoginSo(Secret("000000000000000000000000000000000000000000000000"));
  EXPECT_EQ(wrong.code(), Code::kSecurityStatus) << wrong.ToString();
}

TEST_F(TokenP11Test, AGeneratedKeySignsWhatOpenSslVerifies) {
  TokenP11 token = OpenToken();
  ASSERT_TRUE(token.LoginUser(Secret(piv::kDefaultPin)).ok());
  auto spki = token.GenerateP256("9a");
  ASSERT_TRUE(spki.ok()) << spki.status().ToString();
  auto again = token.PublicKey("9a");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(ToHex(*again), ToHex(*spki));

  const ByteView message = AsBytes("an E-form, canonical");
  auto raw = token.SignEs256("9a", message);
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  ASSERT_EQ(raw->size(), 64u);
  auto key = ossl::PublicKeyFromDer(*spki);
  ASSERT_TRUE(key.ok());
  const Bytes der = RawToDerSignature(*raw);
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  ASSERT_EQ(EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key->get()), 1);
  EXPECT_EQ(EVP_DigestVerify(ctx.get(), der.data(), der.size(), message.data(), message.size()), 1);

  auto facts = token.ReadFacts();
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  EXPECT_EQ(facts->used_key_slots, std::vector<std::string>{"9a"});
}

TEST_F(TokenP11Test, AnUnknownSlotIsInvalidArgument) {
  TokenP11 token = OpenToken();
  EXPECT_EQ(token.PublicKey("9b").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(token.Certificate("zz").status().code(), Code::kInvalidArgument);
}

TEST_F(TokenP11Test, ACertificateWrittenIsReadBackAndSignsForTls) {
  TokenP11 token = OpenToken();
  ASSERT_TRUE(token.LoginUser(Secret(piv::kDefaultPin)).ok());
  auto empty = token.Certificate("9a");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_FALSE(empty->has_value());

  auto spki = token.GenerateP256("9a");
  ASSERT_TRUE(spki.ok()) << spki.status().ToString();
  const Bytes cert = SelfSignedFor(*spki, "officer 9a");
  ASSERT_FALSE(cert.empty());
  ASSERT_TRUE(token.WriteCertificate("9a", cert).ok());
  auto read = token.Certificate("9a");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ(ToHex(**read), ToHex(cert));

  // The TLS client certificate on the token: its signer's DER verifies
  // over the digest it was given.
  auto client = cli::ClientCertificateFromSlot(token, "9a");
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ(ToHex(client->certificate_der), ToHex(cert));
  EXPECT_EQ(ToHex(client->public_key_spki), ToHex(*spki));
  Bytes digest(SHA256_DIGEST_LENGTH, 0x5A);
  auto sig = client->sign("SHA256", digest);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  auto key = ossl::PublicKeyFromDer(*spki);
  ASSERT_TRUE(key.ok());
  const unsigned char* p = sig->data();
  ECDSA_SIG* parsed = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig->size()));
  ASSERT_NE(parsed, nullptr);
  ECDSA_SIG_free(parsed);
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key->get(), nullptr));
  ASSERT_EQ(EVP_PKEY_verify_init(ctx.get()), 1);
  EXPECT_EQ(EVP_PKEY_verify(ctx.get(), sig->data(), sig->size(), digest.data(), digest.size()), 1);
}

TEST_F(TokenP11Test, AClientCertificateNeedsACertificateInTheSlot) {
  TokenP11 token = OpenToken();
  auto client = cli::ClientCertificateFromSlot(token, "9d");
  EXPECT_EQ(client.status().code(), Code::kNotFound) << client.status().ToString();
}

// A key package for `slot` (9A by default) of this token, as the CMS makes
// one: a fresh P-256 key wrapped to F0 (X9.63 SHA-256, AES-256 KEK); `spki`
// gets its key.
Bytes PackageFor(std::uint32_t serial, ByteView f0_spki, Bytes* spki,
                 std::uint8_t slot = piv::key::kAuthentication) {
  ossl::PkeyPtr key(EVP_EC_gen("P-256"));
  auto pkcs8 = ossl::PrivateKeyToDer(key.get());
  auto public_der = ossl::PublicKeyToDer(key.get());
  auto f0 = ossl::PublicKeyFromDer(f0_spki);
  if (!pkcs8.ok() || !public_der.ok() || !f0.ok()) return {};
  *spki = *public_der;
  piv::KeyPackage package;
  package.algorithm = 0x11;  // P-256
  package.family = 0x03;     // CKK_EC
  package.kdf = 0x06;        // CKD_SHA256_KDF
  package.kek_length = 32;
  package.shared = piv::wrap::EncodeSharedData({serial, slot, {}});
  crypto::EcdhAesWrapParams params;
  params.kdf = crypto::Hash::kSha256;
  params.aes_key_bytes = 32;
  params.shared_data = package.shared;
  auto blob = crypto::EcdhAesKeyWrap(f0->get(), params, pkcs8->view());
  if (!blob.ok()) return {};
  package.blob = *blob;
  return piv::EncodeKeyPackage(package);
}

TEST_F(TokenP11Test, AKeyPackageUnwrapsIntoTheSlotItsSharedDataNames) {
  TokenP11 token = OpenToken();
  auto facts = token.ReadFacts();
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  Bytes spki;
  const Bytes package = PackageFor(serial_, facts->token_key, &spki);
  ASSERT_FALSE(package.empty());

  Status anonymous = token.UnwrapKeyPackage(package);
  EXPECT_EQ(anonymous.code(), Code::kSecurityStatus) << anonymous.ToString();
  ASSERT_TRUE(token.LoginUser(Secret(piv::kDefaultPin)).ok());
  Status unwrapped = token.UnwrapKeyPackage(package);
  ASSERT_TRUE(unwrapped.ok()) << unwrapped.ToString();
  auto stored = token.PublicKey("9a");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(ToHex(*stored), ToHex(spki));
}

TEST_F(TokenP11Test, APackageForAnotherTokenIsRefused) {
  TokenP11 token = OpenToken();
  auto facts = token.ReadFacts();
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  Bytes spki;
  const Bytes package = PackageFor(serial_ + 1, facts->token_key, &spki);
  ASSERT_TRUE(token.LoginUser(Secret(piv::kDefaultPin)).ok());
  Status refused = token.UnwrapKeyPackage(package);
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("CKR_WRAPPED_KEY_INVALID"), std::string::npos)
      << refused.ToString();
  EXPECT_EQ(token.PublicKey("9a").status().code(), Code::kNotFound);
}

TEST_F(TokenP11Test, TheKeyPackageObjectIsWrittenReadAndEmptiedByTheUnwrap) {
  TokenP11 token = OpenToken();
  auto facts = token.ReadFacts();
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  Bytes spki;
  const Bytes package = PackageFor(serial_, facts->token_key, &spki);
  ASSERT_TRUE(token.LoginUser(Secret(piv::kDefaultPin)).ok());
  auto none = token.ReadKeyPackage();
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());

  Status written = token.WriteKeyPackage(package);
  if (!written.ok() && written.message().find("CKR_TEMPLATE_INCONSISTENT") != std::string::npos) {
    GTEST_SKIP() << "tessera-pkcs11.so has no key package data object (5FFF20, CKO_DATA "
                    "\"Tessera key package\") yet: "
                 << written.ToString();
  }
  ASSERT_TRUE(written.ok()) << written.ToString();
  auto read = token.ReadKeyPackage();
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ(ToHex(**read), ToHex(package));

  ASSERT_TRUE(token.UnwrapKeyPackage(**read).ok());
  auto emptied = token.ReadKeyPackage();
  ASSERT_TRUE(emptied.ok()) << emptied.status().ToString();
  EXPECT_FALSE(emptied->has_value());
  auto stored = token.PublicKey("9a");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(ToHex(*stored), ToHex(spki));
}

// The CMS's activation (issue 15): 9C's package from 5FFF20, then 9A's as
// the CMS answers it, from the host; the user writes 9A's certificate.
TEST_F(TokenP11Test, The9cPackageFromTheTokenAndThe9aPackageFromTheHostBothArrive) {
  TokenP11 token = OpenToken();
  auto facts = token.ReadFacts();
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  Bytes spki_9c, spki_9a;
  const Bytes package_9c = PackageFor(serial_, facts->token_key, &spki_9c, piv::key::kSignature);
  const Bytes package_9a = PackageFor(serial_, facts->token_key, &spki_9a);
  ASSERT_FALSE(package_9c.empty());
  ASSERT_FALSE(package_9a.empty());
  ASSERT_TRUE(token.LoginUser(Secret(piv::kDefaultPin)).ok());
  Status written = token.WriteKeyPackage(package_9c);
  ASSERT_TRUE(written.ok()) << written.ToString();

  ASSERT_TRUE(token.UnwrapKeyPackage(package_9c).ok());
  auto emptied = token.ReadKeyPackage();
  ASSERT_TRUE(emptied.ok()) << emptied.status().ToString();
  EXPECT_FALSE(emptied->has_value());
  Status unwrapped = token.UnwrapKeyPackage(package_9a);  // never stored on the token
  ASSERT_TRUE(unwrapped.ok()) << unwrapped.ToString();
  EXPECT_EQ(ToHex(token.PublicKey("9c").value()), ToHex(spki_9c));
  EXPECT_EQ(ToHex(token.PublicKey("9a").value()), ToHex(spki_9a));

  // The factory management key: the user may write 9A's container.
  const Bytes cert = SelfSignedFor(spki_9a, "PIV Authentication 9a");
  Status stored = token.WriteCertificate("9a", cert);
  ASSERT_TRUE(stored.ok()) << stored.ToString();
  auto read = token.Certificate("9a");
  ASSERT_TRUE(read.ok() && read->has_value()) << read.status().ToString();
  EXPECT_EQ(ToHex(**read), ToHex(cert));
}

}  // namespace
}  // namespace tessera::testing
