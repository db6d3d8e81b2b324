// route_bench: the same tessera-sim token reached two ways in one run, over
// its UNIX socket and through pcscd (vsmartcard vpcd), and the cost of the
// PC/SC route as ratios (issue 4, "Speed"):
//   - APDU round trip: GET VERSION after SELECT, straight on each transport
//     (SimSocketTransport, PcscTransport), mean microseconds;
//   - P-256 signatures per second through tessera-pkcs11.so, one session,
//     one thread, with TESSERA_TRANSPORTS=sim and then =pcsc;
//   - the cold-start APDU count of docs/pkcs11-module.md ("APDUs") on a
//     token holding 4 certificates, from tessera-sim --trace, each route.
// Starts its own pcscd (tests/support/pcscd_harness.hpp: as root, in a
// private network namespace) and tessera-sim; needs the machine's pcscd
// socket free. Not a test: nothing asserts on time.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "host/transport/pcsc/pcsc_transport.hpp"
#include "host/transport/sim_socket_transport.hpp"
#include "tests/bench/pkcs11/p11_client.hpp"
#include "tests/bench/pkcs11/sign_loop.hpp"
#include "tests/integration/pkcs11/cold_start.hpp"
#include "tests/integration/pkcs11/module_harness.hpp"
#include "tests/integration/sim_harness.hpp"
#include "tests/support/pcsc_client.hpp"
#include "tests/support/pcscd_harness.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct RouteFigures {
  double round_trip_us = 0;
  double sig_per_s = 0;
  double cpu_us_per_sig = 0;
  std::size_t cold_start_apdus = 0;
  std::string cold_start_breakdown;
};

int Fail(const std::string& what, const Status& status) {
  (void)std::fprintf(stderr, "route_bench: %s: %s\n", what.c_str(), status.message().c_str());
  return 1;
}

// Mean time of one GET VERSION exchange over `transport`, for `seconds`.
Result<double> RoundTrip(host::Transport& transport, double seconds) {
  const Bytes select = HexOrDie("00a4040005a000000308");
  const Bytes version = HexOrDie("00fd000000");
  TESSERA_ASSIGN_OR_RETURN(Bytes selected, transport.Transmit(select));
  if (selected.size() < 2 || selected[selected.size() - 2] != 0x90) {
    return Status::Internal("SELECT PIV failed");
  }
  for (int i = 0; i < 100; ++i) TESSERA_RETURN_IF_ERROR(transport.Transmit(version).status());
  std::uint64_t count = 0;
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (Clock::now() < end) {
    TESSERA_RETURN_IF_ERROR(transport.Transmit(version).status());
    ++count;
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  return elapsed * 1e6 / static_cast<double>(count);
}

// P-256 signatures through the module on the only token it finds.
Result<SignRate> Signatures(const std::string& module_path, double seconds) {
  TESSERA_ASSIGN_OR_RETURN(auto module, P11Module::Load(module_path));
  TESSERA_ASSIGN_OR_RETURN(std::vector<CK_SLOT_ID> slots, module->TokenSlots());
  if (slots.size() != 1) {
    return Status::Internal("expected one token, found " + std::to_string(slots.size()));
  }
  TESSERA_ASSIGN_OR_RETURN(P11Session session, P11Session::Open(*module, slots.front()));
  TESSERA_RETURN_IF_ERROR(session.Login("123456"));
  const KeySpec& p256 = BenchKeySpecs().front();
  TESSERA_ASSIGN_OR_RETURN(KeyPair key, session.Generate(p256));
  const Bytes digest = HexOrDie("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  Bytes signature;
  TESSERA_RETURN_IF_ERROR(session.Sign(p256, key.private_key, digest, signature));
  TESSERA_RETURN_IF_ERROR(session.Verify(p256, key.public_key, digest, signature));
  Signer signer{&session, &p256, key.private_key};
  return RunSignLoop(std::span<const Signer>(&signer, 1), digest,
                     std::chrono::duration<double>(seconds));
}

void Use(const char* transports) { ::setenv("TESSERA_TRANSPORTS", transports, 1); }

int Run(double seconds, const std::string& module_path) {
  if (auto why = testing::PrivatePcscd::WhyUnavailable()) {
    return Fail("no private pcscd", Status::NotFound(*why));
  }
  testing::TempDir dir("route-bench");
  std::filesystem::create_directories(dir.path() / "pcscd");
  auto pcscd = testing::PrivatePcscd::Start(dir.path() / "pcscd");
  if (!pcscd.ok()) return Fail("start pcscd", pcscd.status());
  const std::string reader = testing::PrivatePcscd::ReaderName(0);
  const std::string vpcd = "127.0.0.1:" + std::to_string((*pcscd)->port());
  const auto state = dir.path() / "state";
  const auto run = dir.path() / "run";
  const auto trace = dir.path() / "trace";
  ::setenv("TESSERA_SIM_DIR", run.c_str(), 1);
  ::unsetenv("TESSERA_CONF");

  RouteFigures socket_route;
  RouteFigures pcsc_route;
  {
    (void)std::fprintf(stderr, "route_bench: round trips and signatures, %.1f s each ...\n",
                       seconds);
    auto sim = testing::SimProcess::Start(state, run,
                                          {"--seed", "5", "--latency", "none", "--vpcd", vpcd});
    if (!sim.ok()) return Fail("start tessera-sim", sim.status());
    auto card = testing::WaitForCard(reader, true, std::chrono::seconds(30));
    if (!card.ok()) return Fail("wait for the card in pcscd", card.status());
    const std::uint32_t serial = (*sim)->Serials().front();
    // pcscd powers a card down when no one holds it; holding a connection
    // keeps the token powered for the socket route's turns too.
    auto holder = host::PcscTransport::Connect(reader);
    if (!holder.ok()) return Fail("connect through pcscd", holder.status());
    {
      auto socket = (*sim)->Connect(serial);
      if (!socket.ok()) return Fail("connect the socket", socket.status());
      auto rtt = RoundTrip(**socket, seconds);
      if (!rtt.ok()) return Fail("socket round trip", rtt.status());
      socket_route.round_trip_us = *rtt;
    }
    {
      auto pcsc = host::PcscTransport::Connect(reader);
      if (!pcsc.ok()) return Fail("connect through pcscd", pcsc.status());
      auto rtt = RoundTrip(**pcsc, seconds);
      if (!rtt.ok()) return Fail("PC/SC round trip", rtt.status());
      pcsc_route.round_trip_us = *rtt;
    }
    Use("sim");
    auto via_socket = Signatures(module_path, seconds);
    if (!via_socket.ok()) return Fail("sign over the socket", via_socket.status());
    Use("pcsc");
    auto via_pcsc = Signatures(module_path, seconds);
    if (!via_pcsc.ok()) return Fail("sign through pcscd", via_pcsc.status());
    socket_route.sig_per_s = via_socket->per_second;
    socket_route.cpu_us_per_sig = via_socket->cpu_us_per_signature;
    pcsc_route.sig_per_s = via_pcsc->per_second;
    pcsc_route.cpu_us_per_sig = via_pcsc->cpu_us_per_signature;
    // Four certificates for the cold start, written over the socket.
    auto socket = (*sim)->Connect(serial);
    if (!socket.ok()) return Fail("connect the socket", socket.status());
    Status certified = testing::CertifyStandardSlots(**socket);
    if (!certified.ok()) return Fail("write 4 certificates", certified);
  }
  // The simulator stopped: wait until pcscd has seen the card go, or the
  // restarted one would be taken for the old one.
  auto gone = testing::WaitForCard(reader, false, std::chrono::seconds(30));
  if (!gone.ok()) return Fail("wait for the card to leave pcscd", gone.status());
  {
    (void)std::fprintf(stderr, "route_bench: cold starts, with the APDU trace ...\n");
    auto sim = testing::SimProcess::Start(
        state, run,
        {"--seed", "5", "--latency", "none", "--vpcd", vpcd, "--trace", trace.string()});
    if (!sim.ok()) return Fail("restart tessera-sim", sim.status());
    auto card = testing::WaitForCard(reader, true, std::chrono::seconds(30));
    if (!card.ok()) return Fail("wait for the card in pcscd", card.status());
    auto holder = host::PcscTransport::Connect(reader);
    if (!holder.ok()) return Fail("connect through pcscd", holder.status());
    testing::LoadedModule module;
    if (!module.ok()) return Fail("load " + module_path, Status::Internal("dlopen failed"));
    for (auto [route, figures] :
         {std::pair{"sim", &socket_route}, std::pair{"pcsc", &pcsc_route}}) {
      Use(route);
      auto cold = testing::RunColdStart(module.operator->(), trace);
      if (!cold.ok()) return Fail(std::string("cold start over ") + route, cold.status());
      figures->cold_start_apdus = cold->commands.size();
      figures->cold_start_breakdown =
          testing::Breakdown(cold->commands) + "  per step: " + cold->per_step;
    }
  }
  ::setenv("TESSERA_TRANSPORTS", "pcsc,usb,sim", 1);

  std::printf("route    round trip (GET VERSION)  P-256 sig/s  CPU us/sig  cold-start APDUs\n");
  for (auto [name, f] : {std::pair{"socket", &socket_route}, std::pair{"pcsc", &pcsc_route}}) {
    std::printf("%-8s %20.1f us %12.0f %11.1f %17zu\n", name, f->round_trip_us, f->sig_per_s,
                f->cpu_us_per_sig, f->cold_start_apdus);
  }
  std::printf("pcsc / socket: round trip %.1fx, signatures %.0f%%\n",
              pcsc_route.round_trip_us / socket_route.round_trip_us,
              100.0 * pcsc_route.sig_per_s / socket_route.sig_per_s);
  std::printf("cold start, socket: %s\n", socket_route.cold_start_breakdown.c_str());
  std::printf("cold start, pcsc:   %s\n", pcsc_route.cold_start_breakdown.c_str());
  std::printf("pcscd in %s network namespace\n", (*pcscd)->isolated() ? "its own" : "the host's");
  return 0;
}

}  // namespace
}  // namespace tessera::bench

int main(int argc, char** argv) {
  CLI::App app("route_bench: a tessera-sim token over its socket and through pcscd");
  double seconds = 2.0;
  std::string module = tessera::testing::ModulePath().string();
  app.add_option("--seconds", seconds, "time per measurement")->check(CLI::PositiveNumber);
  app.add_option("--module", module, "tessera-pkcs11.so to measure");
  CLI11_PARSE(app, argc, argv);
  return tessera::bench::Run(seconds, module);
}
