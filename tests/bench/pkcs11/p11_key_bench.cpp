// p11_key_bench: issue 11's speed figures through PKCS#11 modules -
// C_UnwrapKey of a P-256 key, on-token HMAC-SHA-256 and session AES-256-GCM
// (key_rows.hpp has what each row does) - in tessera-pkcs11.so on one
// tessera-sim token, in SoftHSM2, and the unwrap also in-process with
// OpenSSL. tests/bench/run-pkcs11-key-bench runs it next to `openssl speed`
// (-hmac sha256, -evp aes-256-gcm) and prints the table with ratios.
//
// Starts its own tessera-sim (one token, latency none) in a temporary
// directory. SoftHSM2 must already hold an initialized token with user PIN
// --softhsm-pin (SOFTHSM2_CONF).
//
// Output, CSV on stdout, one row per operation and module:
//   row,module,ops,seconds,per_s,cpu_us_per_op,bytes_per_op,note
// cpu_us_per_op is the calling thread's own CPU time (for tessera: the
// module and its socket calls; the card works in tessera-sim). A row a
// module cannot do has empty figures and the reason as note.
// Not a test: nothing asserts on time. Exit 1 when a module cannot be set up.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "tests/bench/pkcs11/bench_sim.hpp"
#include "tests/bench/pkcs11/key_rows.hpp"
#include "tests/integration/pkcs11/module_harness.hpp"

namespace tessera::bench {
namespace {

constexpr char kTesseraPin[] = "123456";

struct Options {
  double seconds = 2.0;
  std::string tessera = testing::ModulePath().string();
  std::string softhsm = "/usr/lib/softhsm/libsofthsm2.so";
  std::string softhsm_pin = "1234";
  std::size_t hmac_bytes = 64;
  std::size_t gcm_bytes = 16384;
  std::vector<std::string> rows;  // empty: all
};

bool Wanted(const Options& options, const char* row) {
  return options.rows.empty() ||
         std::find(options.rows.begin(), options.rows.end(), row) != options.rows.end();
}

int Fail(const std::string& what, const Status& status) {
  (void)std::fprintf(stderr, "p11_key_bench: %s: %s\n", what.c_str(), status.message().c_str());
  return 1;
}

void PrintRow(const char* row, const std::string& module, std::size_t bytes,
              const Result<OpRate>& rate) {
  if (rate.ok()) {
    std::printf("%s,%s,%llu,%.3f,%.1f,%.1f,%zu,\n", row, module.c_str(),
                static_cast<unsigned long long>(rate->ops), rate->seconds, rate->per_second,
                rate->cpu_us_per_op, bytes);
  } else {
    std::printf("%s,%s,,,,,%zu,\"%s\"\n", row, module.c_str(), bytes,
                rate.status().message().c_str());
  }
  (void)std::fflush(stdout);
}

// A module loaded, with a logged-in read-write session on its first token.
struct Opened {
  std::unique_ptr<P11Module> module;
  CK_SLOT_ID slot = 0;
  std::unique_ptr<P11Session> session;  // closed before the module finalizes
  ~Opened() { session.reset(); }
};

Result<std::unique_ptr<Opened>> Open(const std::string& path, const std::string& pin) {
  auto opened = std::make_unique<Opened>();
  TESSERA_ASSIGN_OR_RETURN(opened->module, P11Module::Load(path));
  TESSERA_ASSIGN_OR_RETURN(std::vector<CK_SLOT_ID> slots, opened->module->TokenSlots());
  if (slots.empty()) return Status::NotFound(path + ": no initialized token");
  opened->slot = slots.front();
  TESSERA_ASSIGN_OR_RETURN(P11Session session, P11Session::Open(*opened->module, opened->slot));
  opened->session = std::make_unique<P11Session>(std::move(session));
  TESSERA_RETURN_IF_ERROR(opened->session->Login(pin));
  return opened;
}

void Note(const char* row, const char* module) {
  (void)std::fprintf(stderr, "p11_key_bench: %s, %s ...\n", row, module);
}

int Run(const Options& options) {
  auto sim = BenchSim::Start(1, "");
  if (!sim.ok()) return Fail("start tessera-sim", sim.status());
  // Declared after `sim`: the modules finalize before the simulator stops.
  auto tessera = Open(options.tessera, kTesseraPin);
  if (!tessera.ok()) return Fail("open " + options.tessera, tessera.status());
  std::unique_ptr<Opened> softhsm;
  if (options.softhsm != "none") {
    auto opened = Open(options.softhsm, options.softhsm_pin);
    if (!opened.ok()) return Fail("open " + options.softhsm, opened.status());
    softhsm = std::move(opened).value();
  }
  RowSettings settings;
  settings.duration = std::chrono::duration<double>(options.seconds);
  settings.hmac_bytes = options.hmac_bytes;
  settings.gcm_bytes = options.gcm_bytes;
  P11Session& t = *(*tessera)->session;

  std::printf("row,module,ops,seconds,per_s,cpu_us_per_op,bytes_per_op,note\n");
  if (Wanted(options, "unwrap-p256")) {
    Note("unwrap-p256", "tessera");
    PrintRow("unwrap-p256", "tessera", 0,
             UnwrapRowTessera(*(*tessera)->module, (*tessera)->slot, t, settings));
    Note("unwrap-p256", "host");
    PrintRow("unwrap-p256", "openssl-host", 0, UnwrapRowHost(settings));
    if (softhsm) {
      Note("unwrap-p256", "softhsm2");
      PrintRow("unwrap-p256", "softhsm2", 0, UnwrapRowSoftHsm(*softhsm->session, settings));
    }
  }
  if (Wanted(options, "hmac-sha256")) {
    Note("hmac-sha256", "tessera");
    PrintRow("hmac-sha256", "tessera", settings.hmac_bytes, HmacRow(t, settings));
    if (softhsm) {
      Note("hmac-sha256", "softhsm2");
      PrintRow("hmac-sha256", "softhsm2", settings.hmac_bytes,
               HmacRow(*softhsm->session, settings));
    }
  }
  if (Wanted(options, "aes-256-gcm")) {
    Note("aes-256-gcm", "tessera");
    PrintRow("aes-256-gcm", "tessera", settings.gcm_bytes, GcmRow(t, settings));
    if (softhsm) {
      Note("aes-256-gcm", "softhsm2");
      PrintRow("aes-256-gcm", "softhsm2", settings.gcm_bytes, GcmRow(*softhsm->session, settings));
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
    CLI::App app("p11_key_bench: unwrap, on-token HMAC and session AES-GCM through PKCS#11");
    app.add_option("--seconds", options.seconds, "time per row")->check(CLI::PositiveNumber);
    app.add_option("--tessera", options.tessera, "tessera-pkcs11.so to measure");
    app.add_option("--softhsm", options.softhsm, "SoftHSM2 module, or 'none'");
    app.add_option("--softhsm-pin", options.softhsm_pin, "user PIN of the SoftHSM2 token");
    app.add_option("--hmac-bytes", options.hmac_bytes, "message size of the HMAC row")
        ->check(CLI::Range(1, 1 << 20));
    app.add_option("--gcm-bytes", options.gcm_bytes, "message size of the AES-GCM row")
        ->check(CLI::Range(1, 1 << 24));
    app.add_option("--row", options.rows, "only these rows")
        ->check(CLI::IsMember({"unwrap-p256", "hmac-sha256", "aes-256-gcm"}));
    CLI11_PARSE(app, argc, argv);
    return tessera::bench::Run(options);
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "p11_key_bench: %s\n", e.what());
    return 1;
  }
}
