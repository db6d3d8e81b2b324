// RegE2eTest: the world of the seed-001 end-to-end tests (issue 14) through
// the real binaries, shared by reg_e2e_test, reg_pcsc_test,
// reg_pulled_test, reg_nodes_test and reg_limits_test. Bring() makes, on
// KeymanTest's home and tessera-sim:
//   - the key ceremony (HSMs km and as), an issuer CA "issuer" (P-256) and
//     `reg init` on it; the tokens personalized with the issuer key;
//   - users alice and bob in the directory (SQLite in the home, or a fresh
//     database on the shared PostgreSQL server), the PIN file;
//   - tessera-demo-app and the application "echo" pointing at it;
//   - tesserad with the services ca,registration over HTTPS (node "a").
// Helpers run `tessera reg ...` as the user does, talk to a node with the
// CLI's own HttpsClient, reach a token with host::PivClient over its sim
// socket, read the directory with the directory library (never through
// the service), and run the gateway's maintenance in this process with a
// clock of the test's choosing. Used from the test's thread.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/card/piv_client.hpp"
#include "tests/integration/services/http/tesserad_process.hpp"
#include "tests/integration/services/http/test_pki.hpp"
#include "tests/integration/services/keyman/keyman_steps.hpp"
#include "tests/integration/services/registration/demo_app_process.hpp"
#include "tools/tessera/client/https_client.hpp"

namespace tessera::testing {

// What differs between the worlds of the tests.
struct RegWorld {
  std::string backend = "sqlite";        // or "postgresql"
  std::vector<std::string> sim_args;     // more tessera-sim options (--vpcd HOST:PORT)
  std::vector<std::string> daemon_args;  // more tesserad options (--limits-body-bytes N)
  std::string transports = "sim";        // TESSERA_TRANSPORTS of the user's commands
};

// The plain world on `backend`.
inline RegWorld OnBackend(const std::string& backend) {
  RegWorld world;
  world.backend = backend;
  return world;
}

// A token reached over its simulator socket: the channel and the PIV client
// on it, the PIV application selected (and the PIN verified when asked).
struct TokenLink {
  std::unique_ptr<host::SimSocketTransport> transport;
  std::unique_ptr<host::ApduChannel> channel;
  std::unique_ptr<host::PivClient> piv;
};

class RegE2eTest : public KeymanTest {
 protected:
  std::size_t TokenCount() const override { return 2; }
  // Tests call Bring() (the world depends on the test).
  void SetUp() override {}
  void Bring(const RegWorld& world);
  void TearDown() override;

  std::string Write(const std::string& name, const std::string& text) const;
  // The user's environment: the session file in run/, the transports.
  std::vector<std::string> Env() const;
  RunResult Reg(std::vector<std::string> args) const;
  // `tessera args...`, expected to succeed.
  RunResult Ok(const std::vector<std::string>& args) const;
  // --server and --ca-file of node `d` (node "a" by default).
  std::vector<std::string> Server(const TesseradProcess* d = nullptr) const;
  std::string BaseUrl(const TesseradProcess* d = nullptr) const;
  // An enrolment code for `user` (empty, and a failure, if none).
  std::string Code(const std::string& user) const;
  RunResult Register(std::uint32_t token, const std::string& user, const std::string& code,
                     const TesseradProcess* d = nullptr) const;
  RunResult Login(std::uint32_t token, const TesseradProcess* d = nullptr) const;

  // Another tesserad on the same home, HSM and directory.
  std::unique_ptr<TesseradProcess> StartDaemon(const std::string& name,
                                               const std::vector<std::string>& extra = {});
  // The CLI's HTTPS client to node `d`.
  Result<cli::HttpsClient> Client(const TesseradProcess* d = nullptr) const;

  // Token `serial` over its socket, PIV selected, the PIN verified if asked.
  Result<TokenLink> OpenToken(std::uint32_t serial, bool verify_pin);
  // The token's registration keys (F5 00).
  std::vector<host::SecretKeyInfo> RegistrationKeys(std::uint32_t serial);

  // The directory, read in this process: the first column of each row, as
  // text ("" for NULL).
  std::vector<std::string> Column(const std::string& sql) const;
  std::string Scalar(const std::string& sql) const;
  // The gateway's maintenance (RegistrationService::Maintain) in this
  // process on the same directory, its clock at `now`.
  Status MaintainAt(std::int64_t now) const;
  std::string DirectoryUrl() const;

  const std::string& backend() const { return world_.backend; }

  RegWorld world_;
  std::string directory_;  // the PostgreSQL database's URL, or empty
  std::string issuer_pem_, pin_file_;
  TestPki pki_;
  std::unique_ptr<DemoAppProcess> app_;
  std::unique_ptr<TesseradProcess> daemon_;
  std::vector<std::uint32_t> serials_;
};

}  // namespace tessera::testing
