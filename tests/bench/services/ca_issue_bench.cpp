// ca_issue_bench: certificates issued per second by CaService::Issue against
// the HSM's raw signing rate with the same CA key, measured in one run
// (tests/bench/services/run-services-bench prints the ratio).
//
//   ca_issue_bench --hsm NAME --ca NAME [--directory URL] [--seconds D]
//                  [--threads N]
//
// TESSERA_HOME holds the HSM (SoftHSM2) and, unless --directory says
// otherwise, the SQLite directory with the CA (`tessera ca init`). Each row
// runs D seconds with N threads, each in its own HSM session:
//   hsm-sign   hsm::SignForX509 over a 512-byte TBS-sized message;
//   issue      CaService::Issue of a P-256 CSR (profile user-signature): CSR
//              check, certificate built, signed in the HSM, stored with its
//              audit record in one directory transaction.
// Output, stdout: `ca-bench ROW threads=N ops/s=R ops=K`. Exit 0 when both
// rows ran, 1 otherwise, 2 on bad usage.
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/ossl.hpp"
#include "hsm/signing_key.hpp"
#include "services/ca/ca_service.hpp"
#include "services/directory/database.hpp"
#include "services/directory/stores/ca_store.hpp"
#include "services/runtime/home.hpp"
#include "services/runtime/hsm_access.hpp"

namespace {

using namespace tessera;  // NOLINT(google-build-using-namespace): a bench's main file

using ReqPtr = std::unique_ptr<X509_REQ, ossl::Deleter<X509_REQ_free>>;

// A PEM CSR for a fresh P-256 key with CN=`cn`.
Result<Bytes> MakeCsr(const std::string& cn) {
  ossl::PkeyPtr key(EVP_EC_gen("P-256"));
  ReqPtr req(X509_REQ_new());
  if (!key || !req) return ossl::Error("making a CSR key");
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_REQ_set_pubkey(req.get(), key.get());
  if (X509_REQ_sign(req.get(), key.get(), EVP_sha256()) <= 0) return ossl::Error("signing a CSR");
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), req.get());
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return Bytes(data, data + size);
}

// Runs `op` on `threads` threads for `seconds`; ops per second, or the
// first failure.
Result<double> Rate(int threads, double seconds, const std::function<Status(int)>& op) {
  std::atomic<long> count{0};
  std::atomic<bool> stop{false};
  std::vector<Status> failures(static_cast<std::size_t>(threads));
  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(threads));
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      while (!stop.load(std::memory_order_relaxed)) {
        Status s = op(t);
        if (!s.ok()) {
          failures[static_cast<std::size_t>(t)] = s;
          stop = true;
          return;
        }
        count.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& w : workers) w.join();
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const Status& s : failures) {
    if (!s.ok()) return s;
  }
  return static_cast<double>(count.load()) / took;
}

int Run(const std::string& hsm_name, const std::string& ca_name, std::string url, double seconds,
        int threads) {
  auto home = runtime::OpenHome();
  if (!home.ok()) return std::fprintf(stderr, "%s\n", home.status().ToString().c_str()), 1;
  auto settings = runtime::LoadSettings(*home);
  if (!settings.ok()) return std::fprintf(stderr, "%s\n", settings.status().ToString().c_str()), 1;
  auto access = runtime::HsmAccess::Load(*home, *settings);
  if (!access.ok()) return std::fprintf(stderr, "%s\n", access.status().ToString().c_str()), 1;
  if (url.empty()) url = "sqlite:" + home->directory_db().string();
  auto db = directory::OpenDatabase(url);
  if (!db.ok()) return std::fprintf(stderr, "%s\n", db.status().ToString().c_str()), 1;
  std::shared_ptr<directory::Database> database(std::move(db).value());

  std::optional<directory::CaRecord> record;
  Status read = database->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(record, directory::FindCa(tx, ca_name));
    return Status::Ok();
  });
  if (!read.ok() || !record) {
    return std::fprintf(stderr, "ca-bench: no CA %s: %s\n", ca_name.c_str(),
                        read.ToString().c_str()),
           1;
  }

  // Row 1: the HSM's raw rate, one session and key handle per thread.
  std::vector<hsm::HsmToken> tokens;
  std::vector<hsm::SigningKey> keys;
  for (int t = 0; t < threads; ++t) {
    auto token = access->Open(hsm_name);
    if (!token.ok()) return std::fprintf(stderr, "%s\n", token.status().ToString().c_str()), 1;
    auto key = hsm::FindSigningKey(token->session(), record->key_label);
    if (!key.ok()) return std::fprintf(stderr, "%s\n", key.status().ToString().c_str()), 1;
    tokens.push_back(std::move(token).value());
    keys.push_back(std::move(key).value());
  }
  const Bytes message(512, 0x5a);
  auto raw = Rate(threads, seconds, [&](int t) -> Status {
    auto signature = hsm::SignForX509(tokens[static_cast<std::size_t>(t)].session(),
                                      keys[static_cast<std::size_t>(t)], message);
    return signature.status();
  });
  if (!raw.ok()) return std::fprintf(stderr, "hsm-sign: %s\n", raw.status().ToString().c_str()), 1;
  std::printf("ca-bench hsm-sign threads=%d ops/s=%.0f\n", threads, *raw);
  tokens.clear();

  // Row 2: issuance through the service, as tesserad and the CLI run it.
  const runtime::HsmAccess* hsm = &*access;
  ca::CaService service(
      database, [hsm](const std::string& name) { return hsm->Open(name); }, ca::CaOptions{});
  std::vector<Bytes> csrs;
  for (int i = 0; i < 64; ++i) {
    auto csr = MakeCsr("bench user " + std::to_string(i));
    if (!csr.ok()) return std::fprintf(stderr, "%s\n", csr.status().ToString().c_str()), 1;
    csrs.push_back(std::move(csr).value());
  }
  std::atomic<std::size_t> next{0};
  auto issued = Rate(threads, seconds, [&](int /*t*/) -> Status {
    ca::IssueRequest request{ca_name, "user-signature", csrs[next++ % csrs.size()], std::nullopt};
    return service.Issue(request, ca::Actor{"bench", "bench"}).status();
  });
  if (!issued.ok()) {
    return std::fprintf(stderr, "issue: %s\n", issued.status().ToString().c_str()), 1;
  }
  std::printf("ca-bench issue threads=%d ops/s=%.0f ratio=%.2f\n", threads, *issued,
              *issued / *raw);
  return 0;
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"ca_issue_bench: issuance against the HSM's signing rate"};
  std::string hsm_name;
  std::string ca_name;
  std::string url;
  double seconds = 3;
  int threads = 1;
  app.add_option("--hsm", hsm_name, "HSM token name")->required();
  app.add_option("--ca", ca_name, "CA name")->required();
  app.add_option("--directory", url, "directory URL (default: TESSERA_HOME's SQLite)");
  app.add_option("--seconds", seconds, "seconds per row")->check(CLI::PositiveNumber);
  app.add_option("--threads", threads, "threads per row")->check(CLI::Range(1, 64));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    return Run(hsm_name, ca_name, url, seconds, threads);
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "ca-bench: %s\n", e.what());
    return 1;
  }
} catch (...) {
  return 1;
}
