// hsm_bound: the HSM's own rates for the operations seed 003's bulk runs
// spend their HSM time on, so `tessera personalize` and `tessera mk-replace`
// can be held to a share of what the HSM allows (tests/bench/keyman/
// run-keyman-bench prints the ratios).
//
//   hsm_bound [--seconds D] [--threads 1,2]
//
// Makes a fresh SoftHSM2 token "bound" in a temporary directory with its own
// softhsm2.conf (SOFTHSM2_CONF; ~/.config and /etc are left alone), makes the
// keys (bound_ops.hpp), then runs each operation for D seconds with each
// thread count, every thread in its own session. The user PIN is
// $TESSERA_BOUND_PIN, or a random one put there; the tool logs in through
// that variable, never argv (softhsm2-util needs it on its command line once,
// for a token that lives only as long as this run).
//
// Output, stdout: one line per row, `hsm-bound OP threads=N ops/s=R ops=K
// seconds=S`, then one JSON line with every row. Progress goes to stderr.
// Exit 0 when every row ran, 1 when one failed, 2 on bad usage.
#include <openssl/rand.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>  // setenv, getenv
#include <exception>
#include <filesystem>
#include <fstream>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "hsm/hsm_token.hpp"
#include "hsm/pin_source.hpp"
#include "hsm/pkcs11_library.hpp"
#include "tests/bench/keyman/bound_ops.hpp"
#include "tests/support/run_tool.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr char kSoftHsmModule[] = "/usr/lib/softhsm/libsofthsm2.so";
constexpr char kLabel[] = "bound";
constexpr char kPinVariable[] = "TESSERA_BOUND_PIN";
constexpr int kWarmUpOps = 8;

struct Options {
  double seconds = 3;
  std::vector<std::size_t> threads = {1, 2};
};

struct Row {
  BoundOp op = BoundOp::kOaepDecrypt;
  std::size_t threads = 0;
  std::uint64_t ops = 0;
  double seconds = 0;  // the longest thread's
  double rate = 0;     // sum over the threads of ops / own seconds
};

// One thread's share of a row.
struct Tally {
  std::uint64_t ops = 0;
  double seconds = 0;
  Status status;
};

std::string RandomHex(std::size_t bytes) {
  Bytes random(bytes);
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) std::abort();
  return ToHex(random);
}

// softhsm2.conf in `dir`, SOFTHSM2_CONF at it, and the token kLabel. Runs
// before the module is loaded and before any thread starts (setenv).
Status MakeSoftHsmToken(const testing::TempDir& dir) {
  std::filesystem::create_directory(dir / "tokens");
  {
    std::ofstream conf(dir / "softhsm2.conf");
    conf << "directories.tokendir = " << (dir / "tokens").string()
         << "\nobjectstore.backend = file\nlog.level = ERROR\n";
    if (!conf) return Status::IoError("cannot write " + (dir / "softhsm2.conf").string());
  }
  ::setenv("SOFTHSM2_CONF", (dir / "softhsm2.conf").c_str(), 1);
  const char* given = std::getenv(kPinVariable);  // NOLINT(concurrency-mt-unsafe): no threads yet
  const std::string pin = given != nullptr && *given != '\0' ? given : RandomHex(8);
  ::setenv(kPinVariable, pin.c_str(), 1);
  testing::ToolResult init = testing::RunTool({"softhsm2-util", "--init-token", "--free", "--label",
                                               kLabel, "--pin", pin, "--so-pin", RandomHex(8)});
  if (init.exit_code != 0) return Status::IoError("softhsm2-util --init-token: " + init.Describe());
  return Status::Ok();
}

// Warms up, waits for the other threads, then runs `op` for `seconds`.
Tally RunTimed(BoundWorker& worker, BoundOp op, double seconds, std::latch& start) {
  Tally tally;
  for (int i = 0; i < kWarmUpOps && tally.status.ok(); ++i) tally.status = worker.Run(op);
  start.arrive_and_wait();
  if (!tally.status.ok()) return tally;
  const auto begin = SteadyClock::now();
  const auto deadline = begin + std::chrono::duration<double>(seconds);
  auto now = begin;
  while (now < deadline) {
    tally.status = worker.Run(op);
    if (!tally.status.ok()) return tally;
    ++tally.ops;
    now = SteadyClock::now();
  }
  tally.seconds = std::chrono::duration<double>(now - begin).count();
  return tally;
}

// `op` on the first `threads` workers at once, one thread each.
Result<Row> Measure(BoundOp op, std::vector<BoundWorker>& workers, std::size_t threads,
                    double seconds) {
  std::vector<Tally> tallies(threads);
  std::latch start(static_cast<std::ptrdiff_t>(threads));
  {
    std::vector<std::jthread> running;
    for (std::size_t i = 0; i < threads; ++i) {
      running.emplace_back([&, i] { tallies[i] = RunTimed(workers[i], op, seconds, start); });
    }
  }
  Row row{.op = op, .threads = threads};
  for (const Tally& t : tallies) {
    TESSERA_RETURN_IF_ERROR(t.status);
    row.ops += t.ops;
    row.seconds = std::max(row.seconds, t.seconds);
    if (t.seconds > 0) row.rate += static_cast<double>(t.ops) / t.seconds;
  }
  return row;
}

std::string Number(double value) {
  char text[32];
  (void)std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

void PrintRow(const Row& row) {
  (void)std::printf("hsm-bound %s threads=%zu ops/s=%s ops=%llu seconds=%.2f\n",
                    std::string(BoundOpName(row.op)).c_str(), row.threads, Number(row.rate).c_str(),
                    static_cast<unsigned long long>(row.ops), row.seconds);
  (void)std::fflush(stdout);
}

// {"hsm_bound": {"module": ..., "rsa_bits": 3072, "oaep_hash": "sha1",
//                "seconds": D, "rows": [{"op", "threads", "ops", "ops_per_s"}...]}}
void PrintJson(const std::vector<Row>& rows, double seconds) {
  std::string json = R"({"hsm_bound":{"module":")" + std::string(kSoftHsmModule) +
                     R"(","rsa_bits":3072,"oaep_hash":"sha1","seconds":)" + Number(seconds) +
                     R"(,"rows":[)";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) json += ',';
    json += R"({"op":")" + std::string(BoundOpName(rows[i].op)) + R"(","threads":)" +
            std::to_string(rows[i].threads) + R"(,"ops":)" + std::to_string(rows[i].ops) +
            R"(,"ops_per_s":)" + Number(rows[i].rate) + "}";
  }
  json += "]}}";
  (void)std::printf("%s\n", json.c_str());
}

Status Run(const Options& options) {
  testing::TempDir dir("hsm-bound");  // outlives the library: SoftHSM2's files are here
  TESSERA_RETURN_IF_ERROR(MakeSoftHsmToken(dir));
  TESSERA_ASSIGN_OR_RETURN(auto library, hsm::Pkcs11Library::Load(kSoftHsmModule));
  const hsm::PinSource pin = hsm::PinSource::FromEnvironment(kPinVariable);
  // Keeps the login while the workers come and go.
  TESSERA_ASSIGN_OR_RETURN(hsm::HsmToken setup, hsm::HsmToken::Open(library, kLabel, pin));
  (void)std::fprintf(stderr, "hsm_bound: generating RSA-3072 and AES-256 keys ...\n");
  TESSERA_ASSIGN_OR_RETURN(BoundKeys keys, BoundKeys::Make(setup));

  std::vector<BoundWorker> workers;
  const std::size_t most = *std::max_element(options.threads.begin(), options.threads.end());
  for (std::size_t i = 0; i < most; ++i) {
    TESSERA_ASSIGN_OR_RETURN(BoundWorker worker, BoundWorker::Open(library, kLabel, pin, keys));
    workers.push_back(std::move(worker));
  }
  std::vector<Row> rows;
  for (BoundOp op : kBoundOps) {
    for (std::size_t threads : options.threads) {
      (void)std::fprintf(stderr, "hsm_bound: %s, %zu thread(s), %.1f s ...\n",
                         std::string(BoundOpName(op)).c_str(), threads, options.seconds);
      TESSERA_ASSIGN_OR_RETURN(Row row, Measure(op, workers, threads, options.seconds));
      PrintRow(row);
      rows.push_back(row);
    }
  }
  PrintJson(rows, options.seconds);
  return Status::Ok();
}

int Main(int argc, char** argv) {
  Options options;
  CLI::App app{"hsm_bound: SoftHSM2's own rates for seed 003's HSM operations", "hsm_bound"};
  app.add_option("--seconds", options.seconds, "Seconds per row")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
  app.add_option("--threads", options.threads, "Thread counts, one row each")
      ->delimiter(',')
      ->check(CLI::Range(std::size_t{1}, std::size_t{64}))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    (void)app.exit(e);
    return 2;
  }
  Status status = Run(options);
  if (!status.ok()) {
    (void)std::fprintf(stderr, "hsm_bound: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace tessera::bench

int main(int argc, char** argv) {
  try {
    return tessera::bench::Main(argc, argv);
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "hsm_bound: %s\n", e.what());
    return 1;
  }
}
