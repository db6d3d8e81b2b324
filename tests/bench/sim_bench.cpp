// Signatures per second over the simulator socket, next to the same
// algorithms in-process with OpenSSL, and the bare socket round trip.
//
// One tessera-sim (latency none) is started for the whole run in a
// temporary directory, with a P-256 key in 9A, Ed25519 in 82 and RSA-2048 in
// 83 (retired slots, whose default PIN policy is "once", so one VERIFY
// covers the run). tests/bench/run-bench prints the table with ratios. Not a
// test: nothing here asserts on time.
#include <benchmark/benchmark.h>
#include <openssl/rsa.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "tests/integration/piv_client.hpp"
#include "tests/integration/sim_harness.hpp"

namespace tessera::testing {
namespace {

using piv::Algorithm;

constexpr std::uint8_t kP256Slot = piv::key::kAuthentication;  // 9A
constexpr std::uint8_t kEd25519Slot = 0x82;
constexpr std::uint8_t kRsaSlot = 0x83;

[[noreturn]] void Die(const std::string& what, const Status& status) {
  (void)std::fprintf(stderr, "sim_bench: %s: %s\n", what.c_str(), status.message().c_str());
  std::exit(1);
}

// The simulator and one connection to its token, set up on first use and
// stopped at exit.
class SimFixture {
 public:
  static SimFixture& Get() {
    static SimFixture fixture;
    return fixture;
  }

  host::SimSocketTransport& transport() { return *transport_; }
  PivClient& piv() { return *piv_; }

 private:
  SimFixture() {
    auto sim = SimProcess::Start(dir_.path() / "state", dir_.path() / "run",
                                 {"--latency", "none", "--seed", "1"});
    if (!sim.ok()) Die("start tessera-sim", sim.status());
    sim_ = std::move(sim).value();
    auto transport = sim_->Connect(sim_->Serials().at(0));
    if (!transport.ok()) Die("connect", transport.status());
    transport_ = std::move(transport).value();
    piv_ = std::make_unique<PivClient>(*transport_);

    Status ready = piv_->Select();
    if (ready.ok()) ready = piv_->AuthenticateManagementKey();
    for (auto [slot, alg] :
         {std::pair{kP256Slot, Algorithm::kEccP256}, std::pair{kEd25519Slot, Algorithm::kEd25519},
          std::pair{kRsaSlot, Algorithm::kRsa2048}}) {
      if (ready.ok()) ready = piv_->Generate(slot, alg).status();
    }
    auto pin = piv_->VerifyPin(piv::kDefaultPin);
    if (ready.ok() && (!pin.ok() || *pin != 0x9000)) ready = Status::PinIncorrect(0);
    if (!ready.ok()) Die("prepare the token", ready);
  }

  TempDir dir_;
  std::unique_ptr<SimProcess> sim_;
  std::unique_ptr<host::SimSocketTransport> transport_;
  std::unique_ptr<PivClient> piv_;
};

const Bytes& Digest() {
  static const Bytes digest = Sha256(AsBytes("tessera benchmark message"));
  return digest;
}

void SimSign(benchmark::State& state, std::uint8_t slot, Algorithm alg, ByteView input) {
  PivClient& piv = SimFixture::Get().piv();
  for (auto _ : state) {
    auto signature = piv.SignRaw(slot, alg, input);
    if (!signature.ok()) {
      state.SkipWithError(signature.status().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(signature->data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_SimRoundTripGetVersion(benchmark::State& state) {
  host::SimSocketTransport& transport = SimFixture::Get().transport();
  const Bytes get_version = HexOrDie("00fd0000");
  for (auto _ : state) {
    auto response = transport.Transmit(get_version);
    if (!response.ok()) {
      state.SkipWithError(response.status().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(response->data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_SimSignP256(benchmark::State& state) {
  SimSign(state, kP256Slot, Algorithm::kEccP256, Digest());
}
void BM_SimSignEd25519(benchmark::State& state) {
  SimSign(state, kEd25519Slot, Algorithm::kEd25519, Digest());
}
void BM_SimSignRsa2048(benchmark::State& state) {
  SimSign(state, kRsaSlot, Algorithm::kRsa2048, Pkcs1Sha256Block(Digest(), 256));
}

ossl::PkeyPtr NewKey(const char* type, const char* param = nullptr, unsigned bits = 0) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) return nullptr;
  if (param != nullptr) EVP_PKEY_CTX_set_group_name(ctx.get(), param);
  if (bits != 0) EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(bits));
  if (EVP_PKEY_generate(ctx.get(), &key) != 1) return nullptr;
  return ossl::PkeyPtr(key);
}

// EVP_PKEY_sign on a digest: what the token does for ECDSA and RSA.
void OpenSslSignDigest(benchmark::State& state, EVP_PKEY* key, bool rsa) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      (rsa && (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
               EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1))) {
    state.SkipWithError("EVP_PKEY_sign_init");
    return;
  }
  Bytes signature(EVP_PKEY_get_size(key));
  for (auto _ : state) {
    std::size_t len = signature.size();
    if (EVP_PKEY_sign(ctx.get(), signature.data(), &len, Digest().data(), Digest().size()) != 1) {
      state.SkipWithError("EVP_PKEY_sign");
      break;
    }
    benchmark::DoNotOptimize(signature.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_OpenSslSignP256(benchmark::State& state) {
  static ossl::PkeyPtr key = NewKey("EC", "P-256");
  OpenSslSignDigest(state, key.get(), false);
}

void BM_OpenSslSignRsa2048(benchmark::State& state) {
  static ossl::PkeyPtr key = NewKey("RSA", nullptr, 2048);
  OpenSslSignDigest(state, key.get(), true);
}

void BM_OpenSslSignEd25519(benchmark::State& state) {
  static ossl::PkeyPtr key = NewKey("ED25519");
  Bytes signature(64);
  for (auto _ : state) {
    ossl::MdCtxPtr md(EVP_MD_CTX_new());
    std::size_t len = signature.size();
    if (EVP_DigestSignInit(md.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(md.get(), signature.data(), &len, Digest().data(), Digest().size()) != 1) {
      state.SkipWithError("EVP_DigestSign");
      break;
    }
    benchmark::DoNotOptimize(signature.data());
  }
  state.SetItemsProcessed(state.iterations());
}

// The simulator figures are wall-clock: the work happens in another process.
BENCHMARK(BM_SimRoundTripGetVersion)->UseRealTime();
BENCHMARK(BM_SimSignP256)->UseRealTime();
BENCHMARK(BM_SimSignEd25519)->UseRealTime();
BENCHMARK(BM_SimSignRsa2048)->UseRealTime();
BENCHMARK(BM_OpenSslSignP256)->UseRealTime();
BENCHMARK(BM_OpenSslSignEd25519)->UseRealTime();
BENCHMARK(BM_OpenSslSignRsa2048)->UseRealTime();

}  // namespace
}  // namespace tessera::testing

BENCHMARK_MAIN();
