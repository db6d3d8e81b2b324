// p11_bench: signatures per second through PKCS#11 modules: tessera-pkcs11.so
// on tessera-sim tokens, and SoftHSM2 for comparison, each with one thread on
// one token and with two threads on two tokens (one session per thread, each
// on its own slot). P-256 (CKM_ECDSA on a 32-byte digest), Ed25519
// (CKM_EDDSA) and RSA-2048 (CKM_SHA256_RSA_PKCS), keys made with
// C_GenerateKeyPair after a user login.
//
// Starts its own tessera-sim (two tokens, latency none) in a temporary
// directory. SoftHSM2 must already hold two initialized tokens with user PIN
// --softhsm-pin (SOFTHSM2_CONF); tests/bench/run-pkcs11-bench prepares them,
// runs this, runs `openssl speed` and prints the table with ratios.
//
// Output, CSV on stdout, one row per module, algorithm and token count:
//   module,algorithm,tokens,signatures,seconds,sig_per_s,cpu_us_per_sig,note
// cpu_us_per_sig is the signing threads' own CPU time (sign_loop.hpp). A row
// the module cannot do has empty figures and the reason as note.
// Not a test: nothing asserts on time. Exit 1 when a module cannot be set up.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "tests/bench/pkcs11/bench_backend.hpp"
#include "tests/bench/pkcs11/bench_sim.hpp"
#include "tests/integration/pkcs11/module_harness.hpp"

namespace tessera::bench {
namespace {

constexpr std::size_t kTokens = 2;
constexpr char kTesseraPin[] = "123456";

struct Options {
  double seconds = 2.0;
  std::string tessera = testing::ModulePath().string();
  std::string softhsm = "/usr/lib/softhsm/libsofthsm2.so";
  std::string softhsm_pin = "1234";
  std::vector<std::string> algorithms;  // empty: all
  std::string trace;                    // tessera-sim --trace FILE; slows the card
};

bool Wanted(const Options& options, const KeySpec& spec) {
  if (options.algorithms.empty()) return true;
  return std::find(options.algorithms.begin(), options.algorithms.end(), spec.name) !=
         options.algorithms.end();
}

// The digest (and, for EdDSA and hash-and-sign, the message) every row signs.
ByteView Input() {
  static const Bytes kInput =
      HexOrDie("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  return kInput;
}

int Fail(const std::string& what, const Status& status) {
  (void)std::fprintf(stderr, "p11_bench: %s: %s\n", what.c_str(), status.message().c_str());
  return 1;
}

void PrintRow(const std::string& module, const KeySpec& spec, std::size_t tokens,
              const Result<SignRate>& rate) {
  if (rate.ok()) {
    std::printf("%s,%s,%zu,%llu,%.3f,%.1f,%.1f,\n", module.c_str(), spec.name, tokens,
                static_cast<unsigned long long>(rate->signatures), rate->seconds, rate->per_second,
                rate->cpu_us_per_signature);
  } else {
    std::printf("%s,%s,%zu,,,,,\"%s\"\n", module.c_str(), spec.name, tokens,
                rate.status().message().c_str());
  }
  (void)std::fflush(stdout);
}

void Measure(BenchBackend& backend, const KeySpec& spec, std::size_t tokens,
             std::chrono::duration<double> duration) {
  (void)std::fprintf(stderr, "p11_bench: %s %s, %zu token(s) ...\n", backend.name().c_str(),
                     spec.name, tokens);
  auto signers = backend.Signers(spec, tokens);
  if (signers.ok()) {
    PrintRow(backend.name(), spec, tokens, RunSignLoop(*signers, Input(), duration));
  } else {
    PrintRow(backend.name(), spec, tokens, signers.status());
  }
}

int Run(const Options& options) {
  auto sim = BenchSim::Start(kTokens, options.trace);
  if (!sim.ok()) return Fail("start tessera-sim", sim.status());
  // Declared after `sim`: the modules finalize before the simulator stops.
  std::vector<std::unique_ptr<BenchBackend>> backends;
  auto tessera = BenchBackend::Prepare("tessera", options.tessera, kTesseraPin, kTokens, Input());
  if (!tessera.ok()) return Fail("prepare " + options.tessera, tessera.status());
  backends.push_back(std::move(tessera).value());
  if (options.softhsm != "none") {
    auto softhsm =
        BenchBackend::Prepare("softhsm2", options.softhsm, options.softhsm_pin, kTokens, Input());
    if (!softhsm.ok()) return Fail("prepare " + options.softhsm, softhsm.status());
    backends.push_back(std::move(softhsm).value());
  }
  const std::chrono::duration<double> duration(options.seconds);
  std::printf("module,algorithm,tokens,signatures,seconds,sig_per_s,cpu_us_per_sig,note\n");
  for (const KeySpec& spec : BenchKeySpecs()) {
    if (!Wanted(options, spec)) continue;
    for (auto& backend : backends) {
      for (std::size_t tokens = 1; tokens <= kTokens; ++tokens) {
        Measure(*backend, spec, tokens, duration);
      }
    }
  }
  return 0;
}

}  // namespace
}  // namespace tessera::bench

int main(int argc, char** argv) {
  // CLI11 and the standard library report through exceptions; none may
  // escape main.
  try {
    tessera::bench::Options options;
    CLI::App app("p11_bench: PKCS#11 signatures per second, tessera-pkcs11 and SoftHSM2");
    app.add_option("--seconds", options.seconds, "time per row")->check(CLI::PositiveNumber);
    app.add_option("--tessera", options.tessera, "tessera-pkcs11.so to measure");
    app.add_option("--softhsm", options.softhsm, "SoftHSM2 module, or 'none'");
    app.add_option("--softhsm-pin", options.softhsm_pin, "user PIN of the SoftHSM2 tokens");
    app.add_option("--algorithm", options.algorithms, "only these: P-256, Ed25519, RSA-2048")
        ->check(CLI::IsMember({"P-256", "Ed25519", "RSA-2048"}));
    app.add_option("--trace", options.trace,
                   "tessera-sim APDU trace file, to count APDUs per signature (slows the card)");
    CLI11_PARSE(app, argc, argv);
    return tessera::bench::Run(options);
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "p11_bench: %s\n", e.what());
    return 1;
  }
}
