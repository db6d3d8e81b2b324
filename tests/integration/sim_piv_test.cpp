// PIV over the simulator socket, end to end: management-key authentication,
// on-token key generation, signatures checked by OpenSSL on the host, and
// keys that survive restarts and are reproducible with --seed.
#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {
namespace {

using piv::Algorithm;

constexpr std::string_view kMessage = "Tessera signs this";

// Select, authenticate with the default 3DES management key and generate.
Result<ossl::PkeyPtr> AuthenticateAndGenerate(PivClient& piv, std::uint8_t slot, Algorithm alg) {
  TESSERA_RETURN_IF_ERROR(piv.Select());
  TESSERA_RETURN_IF_ERROR(piv.AuthenticateManagementKey());
  return piv.Generate(slot, alg);
}

// Generates a P-256 key in 9A of `sim`'s token `serial`; its SubjectPublicKeyInfo.
Result<Bytes> GenerateP256Spki(SimProcess& sim, std::uint32_t serial) {
  TESSERA_ASSIGN_OR_RETURN(auto transport, sim.Connect(serial));
  PivClient piv(*transport);
  TESSERA_ASSIGN_OR_RETURN(
      ossl::PkeyPtr key,
      AuthenticateAndGenerate(piv, piv::key::kAuthentication, Algorithm::kEccP256));
  return ossl::PublicKeyToDer(key.get());
}

Status VerifyPinAndSign(PivClient& piv, EVP_PKEY* key, std::uint8_t slot, Algorithm alg) {
  TESSERA_RETURN_IF_ERROR(piv.Select());
  TESSERA_ASSIGN_OR_RETURN(std::uint16_t sw, piv.VerifyPin(piv::kDefaultPin));
  if (sw != 0x9000) return Status::PinIncorrect(sw & 0x0F);
  TESSERA_ASSIGN_OR_RETURN(Bytes signature, piv.Sign(slot, alg, AsBytes(kMessage)));
  return VerifySignature(key, alg, AsBytes(kMessage), signature);
}

TEST_F(SimTest, P256KeyGeneratedAfterMutualAuthSignsAHashThatOpenSslVerifies) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  auto transport = Connect(OnlySerial());
  ASSERT_NE(transport, nullptr);
  PivClient piv(*transport);

  ASSERT_TRUE(piv.Select().ok());
  auto wrong_key = piv.AuthenticateManagementKey(Bytes(24, 0x42));
  EXPECT_FALSE(wrong_key.ok()) << "a wrong management key must fail";

  auto key = AuthenticateAndGenerate(piv, piv::key::kAuthentication, Algorithm::kEccP256);
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_EQ(EVP_PKEY_get_bits(key->get()), 256);

  // 9A needs the PIN: without it the card refuses to sign.
  auto refused =
      piv.SignRaw(piv::key::kAuthentication, Algorithm::kEccP256, Sha256(AsBytes(kMessage)));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("6982"), std::string::npos)
      << refused.status().message();

  Status signed_ok =
      VerifyPinAndSign(piv, key->get(), piv::key::kAuthentication, Algorithm::kEccP256);
  EXPECT_TRUE(signed_ok.ok()) << signed_ok.message();
}

TEST_F(SimTest, Ed25519AndRsa2048SignaturesVerifyWithOpenSsl) {
  ASSERT_NO_FATAL_FAILURE(StartSim());
  auto transport = Connect(OnlySerial());
  ASSERT_NE(transport, nullptr);
  PivClient piv(*transport);

  auto ed = AuthenticateAndGenerate(piv, piv::key::kSignature, Algorithm::kEd25519);
  ASSERT_TRUE(ed.ok()) << ed.status().message();
  Status ed_ok = VerifyPinAndSign(piv, ed->get(), piv::key::kSignature, Algorithm::kEd25519);
  EXPECT_TRUE(ed_ok.ok()) << ed_ok.message();

  // RSA-2048: a 256-byte block is chained and the 256-byte signature comes
  // back through GET RESPONSE, so this also drives ApduChannel.
  auto rsa = AuthenticateAndGenerate(piv, piv::key::kKeyManagement, Algorithm::kRsa2048);
  ASSERT_TRUE(rsa.ok()) << rsa.status().message();
  EXPECT_EQ(EVP_PKEY_get_bits(rsa->get()), 2048);
  Status rsa_ok = VerifyPinAndSign(piv, rsa->get(), piv::key::kKeyManagement, Algorithm::kRsa2048);
  EXPECT_TRUE(rsa_ok.ok()) << rsa_ok.message();
}

TEST_F(SimTest, RestartWithTheSameStateResumesTheTokensAndTheirKeys) {
  ASSERT_NO_FATAL_FAILURE(StartSim({"--tokens", "2"}));
  std::vector<std::uint32_t> serials = sim_->Serials();
  ASSERT_EQ(serials.size(), 2u);
  ossl::PkeyPtr key;
  {
    auto transport = Connect(serials[1]);
    ASSERT_NE(transport, nullptr);
    PivClient piv(*transport);
    auto generated = AuthenticateAndGenerate(piv, piv::key::kAuthentication, Algorithm::kEccP256);
    ASSERT_TRUE(generated.ok()) << generated.status().message();
    key = std::move(generated).value();
  }
  ASSERT_NO_FATAL_FAILURE(StopSim());

  ASSERT_NO_FATAL_FAILURE(StartSim({"--tokens", "2"}));
  EXPECT_EQ(sim_->Serials(), serials) << "same tokens, none added";
  auto transport = Connect(serials[1]);
  ASSERT_NE(transport, nullptr);
  PivClient piv(*transport);
  Status signed_ok =
      VerifyPinAndSign(piv, key.get(), piv::key::kAuthentication, Algorithm::kEccP256);
  EXPECT_TRUE(signed_ok.ok()) << "the key generated before the restart signs: "
                              << signed_ok.message();
  ASSERT_NO_FATAL_FAILURE(StopSim());

  ASSERT_NO_FATAL_FAILURE(StartSim({"--tokens", "3"}));
  std::vector<std::uint32_t> more = sim_->Serials();
  ASSERT_EQ(more.size(), 3u) << "asking for more tokens adds one";
  for (std::uint32_t serial : serials) {
    EXPECT_NE(std::find(more.begin(), more.end(), serial), more.end());
  }
}

TEST_F(SimTest, SeedGivesTheSameSerialsAndKeysInTwoFreshStateDirectories) {
  std::vector<std::vector<std::uint32_t>> serials;
  std::vector<Bytes> public_keys;
  for (int run = 0; run < 2; ++run) {
    TempDir dir;
    auto sim = SimProcess::Start(dir.path() / "state", dir.path() / "run",
                                 {"--seed", "20261121", "--tokens", "2"});
    ASSERT_TRUE(sim.ok()) << sim.status().message();
    serials.push_back((*sim)->Serials());
    ASSERT_EQ(serials.back().size(), 2u);
    auto spki = GenerateP256Spki(**sim, serials.back().front());
    ASSERT_TRUE(spki.ok()) << spki.status().message();
    public_keys.push_back(*spki);
    EXPECT_EQ((*sim)->Stop(), 0);
  }
  EXPECT_EQ(serials[0], serials[1]);
  EXPECT_EQ(ToHex(public_keys[0]), ToHex(public_keys[1]));

  // Without the seed, serials differ from the seeded ones (and from run to run).
  ASSERT_NO_FATAL_FAILURE(StartSim({"--tokens", "2"}));
  EXPECT_NE(sim_->Serials(), serials[0]);
}

// A seeded token restarted after its state changed must not replay the keys
// of its first run; two fresh state directories still follow the same path.
TEST_F(SimTest, SeededRestartDrawsNewKeysButStaysReproducible) {
  std::vector<std::vector<Bytes>> runs;
  for (int run = 0; run < 2; ++run) {
    TempDir dir;
    std::vector<Bytes> keys;
    for (int start = 0; start < 2; ++start) {
      auto sim = SimProcess::Start(dir.path() / "state", dir.path() / "run", {"--seed", "7"});
      ASSERT_TRUE(sim.ok()) << sim.status().message();
      auto spki = GenerateP256Spki(**sim, (*sim)->Serials().front());
      ASSERT_TRUE(spki.ok()) << spki.status().message();
      keys.push_back(*spki);
      EXPECT_EQ((*sim)->Stop(), 0);
    }
    EXPECT_NE(ToHex(keys[0]), ToHex(keys[1])) << "restart replayed the first run's key";
    runs.push_back(keys);
  }
  EXPECT_EQ(ToHex(runs[0][1]), ToHex(runs[1][1]));
}

}  // namespace
}  // namespace tessera::testing
