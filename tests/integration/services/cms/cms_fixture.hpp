// The fixture of the CMS end-to-end tests (seed 000): a temporary
// TESSERA_HOME with a SoftHSM2 token "ca", a directory (SQLite in the home,
// or a fresh database on the shared PostgreSQL server), a root CA, a
// tessera-sim serving three tokens (an officer's and two users'; more when
// a test asks for them, sim_tokens_), and the real tesserad running the ca
// and cms services on 127.0.0.1 (HTTPS whose client certificates are the
// root CA's officer certificates, and plain HTTP for CRL and OCSP). Helpers
// drive the real tessera CLI, pkcs11-tool and openssl. Used from the test's
// thread.
//
// A fixture that sets shared_world_ in its constructor builds that world
// once per backend and test suite, and its tests share it: each takes
// unused tokens (TakeTokens), names its users and officers with Unique(),
// and counts only its own audit records (AuditCount). Setting up the world
// is most of a CMS test's time.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/services/http/tesserad_process.hpp"
#include "tests/integration/services/http/test_pki.hpp"
#include "tests/integration/sim_harness.hpp"
#include "tests/support/run_tool.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::testing {

enum class CmsBackend { kSqlite, kPostgresql };
std::string CmsBackendName(CmsBackend backend);

// What CmsTest::SetUp builds: a test's own, or the tests' of a backend.
struct CmsWorld {
  std::optional<TempDir> owned_dir;  // a shared world's directory
  std::filesystem::path dir, home, sim_state, sim_run;
  std::unique_ptr<SimProcess> sim;
  TestPki pki;
  std::string url;
  std::uint32_t officer_token = 0;
  std::vector<std::uint32_t> user_tokens;
  std::size_t tokens_taken = 0;        // user tokens handed out (TakeTokens)
  int tests = 0;                       // tests served (Unique)
  std::list<TesseradProcess> daemons;  // daemon "a"; stopped first
};

class CmsTest : public ::testing::TestWithParam<CmsBackend> {
 protected:
  CmsTest() : dir_(own_dir_.path()) {}
  void SetUp() override;
  void TearDown() override;
  // Stops the shared worlds of the suite that ends.
  static void TearDownTestSuite();

  // Once per world, after daemon "a" is up (a shared world's officers).
  virtual void SetUpWorld() {}
  // `count` user tokens no test of this world has had; fails the test when
  // the simulator has no more.
  std::vector<std::uint32_t> TakeTokens(std::size_t count);
  // `base` made unique within the world ("alice" -> "alice-3").
  std::string Unique(const std::string& base) const;

  // `tessera args...` with this test's home, simulator and module.
  ToolResult Cli(const std::vector<std::string>& args) const;
  // As Cli, with the module looking for tokens on `transports` only
  // (TESSERA_TRANSPORTS: "sim", "pcsc", ...).
  ToolResult CliOn(const std::string& transports, const std::vector<std::string>& args) const;
  // --server and --ca-file of daemon `d` (the first by default).
  std::vector<std::string> Server(const TesseradProcess* d = nullptr) const;
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  TesseradProcess& StartDaemon(const std::string& name);
  std::string HttpUrl(const TesseradProcess& d, const std::string& path) const;

  // `tessera cms token show SERIAL --json`'s "state" (empty on failure).
  std::string TokenState(std::uint32_t serial) const;
  // The certificate in slot `id` (CKA_ID 01, 02) of token `serial`, read by
  // pkcs11-tool into PEM file `pem`; true on success.
  bool ReadCertificate(std::uint32_t serial, const std::string& id, const std::string& pem) const;
  // As ReadCertificate, with the module on `transports` only.
  bool ReadCertificateOn(const std::string& transports, std::uint32_t serial, const std::string& id,
                         const std::string& pem) const;
  // pkcs11-tool signs `data_file` with 9C of token `serial` (ECDSA over
  // SHA-256, the signature in OpenSSL's DER form in `sig_file`).
  ToolResult SignWith9C(std::uint32_t serial, const std::string& data_file,
                        const std::string& sig_file) const;
  // As SignWith9C, with the module on `transports` only.
  ToolResult SignWith9COn(const std::string& transports, std::uint32_t serial,
                          const std::string& data_file, const std::string& sig_file) const;
  // As SignWith9COn, with the key of CKA_ID `id` ("01": 9A, "02": 9C).
  ToolResult SignWithIdOn(const std::string& transports, std::uint32_t serial,
                          const std::string& id, const std::string& data_file,
                          const std::string& sig_file) const;
  // `openssl ocsp` for certificate `pem` against `d`'s plain-HTTP listener.
  ToolResult Ocsp(const TesseradProcess& d, const std::string& pem) const;
  // The whole flow for a user: officer bind, then token activate.
  ToolResult Bind(const std::string& user, std::uint32_t token, const std::string& document);
  ToolResult Activate(std::uint32_t token);

  // Additions for the negative tests (cms_negative_test.cpp).
  //
  // tesserad's arguments for daemon `name` (what StartDaemon runs).
  std::vector<std::string> DaemonArgs(const std::string& name) const;
  // "https://127.0.0.1:PORT" of daemon `d` (the first by default).
  std::string BaseUrl(const TesseradProcess* d = nullptr) const;
  // `cms user add` with an e-mail and `document`; `cms officer add` for a
  // key generated in 9a of `token`; `cms token register --token` for each.
  ToolResult AddUser(const std::string& id, const std::string& name, const std::string& document);
  ToolResult AddOfficer(const std::string& id, const std::string& name, std::uint32_t token);
  ToolResult Register(std::uint32_t token);
  // `officer bind` as officer `officer` on `officer_token` against daemon `d`.
  ToolResult BindAs(const std::string& officer, std::uint32_t officer_token,
                    const std::string& user, std::uint32_t token, const std::string& document,
                    const TesseradProcess* d = nullptr);
  // `cms token show SERIAL --json` / `cms user show ID --json` parsed; null
  // when the command fails (an unknown serial or user).
  nlohmann::json TokenJson(std::uint32_t serial) const;
  nlohmann::json UserJson(const std::string& id) const;
  // How many records of `tessera audit list` that this test caused (after
  // its SetUp began) have `action`.
  int AuditCount(const std::string& action) const;
  // The records of `tessera audit list` (a test failure and nullopt when
  // the command fails).
  std::optional<std::vector<nlohmann::json>> AuditRecords() const;

  // The tokens tessera-sim serves; user_tokens_ are all but the first. A
  // derived fixture's constructor may ask for more.
  std::size_t sim_tokens_ = 3;

  // More tessera-sim options after --tokens (--vpcd HOST:PORT for the PC/SC
  // test); a derived fixture sets them before SetUp.
  std::vector<std::string> sim_extra_args_;
  // Set in a derived fixture's constructor: share the world (see above).
  bool shared_world_ = false;

  TempDir own_dir_{"tessera-cms"};
  std::filesystem::path dir_;  // the world's directory: own_dir_'s, or the shared one
  std::filesystem::path home_;
  std::filesystem::path sim_state_;
  std::filesystem::path sim_run_;
  SimProcess* sim_ = nullptr;
  TestPki pki_;
  std::string url_;
  std::string module_;
  std::uint32_t officer_token_ = 0;
  std::vector<std::uint32_t> user_tokens_;
  std::list<TesseradProcess> daemons_;  // this test's own (StartDaemon)
  TesseradProcess* daemon_ = nullptr;   // the world's daemon "a"
  long long audit_mark_ = 0;            // the last audit seq before this test

 private:
  void BuildWorld(CmsWorld& world);
  std::shared_ptr<CmsWorld> world_;
};

}  // namespace tessera::testing
