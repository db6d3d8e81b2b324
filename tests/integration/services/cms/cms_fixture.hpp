// The fixture of the CMS end-to-end tests (seed 000): a temporary
// TESSERA_HOME with a SoftHSM2 token "ca", a directory (SQLite in the home,
// or a fresh database on the shared PostgreSQL server), a root CA, a
// tessera-sim serving three tokens (an officer's and two users'; more when
// a test asks for them, sim_tokens_), and the real tesserad running the ca
// and cms services on 127.0.0.1 (HTTPS whose client certificates are the
// root CA's officer certificates, and plain HTTP for CRL and OCSP). Helpers
// drive the real tessera CLI, pkcs11-tool and openssl. Used from the test's
// thread.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <nlohmann/json.hpp>
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

class CmsTest : public ::testing::TestWithParam<CmsBackend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // `tessera args...` with this test's home, simulator and module.
  ToolResult Cli(const std::vector<std::string>& args) const;
  // As Cli, with the module looking for tokens on `transports` only
  // (TESSERA_TRANSPORTS: "sim", "pcsc", ...).
  ToolResult CliOn(const std::string& transports, const std::vector<std::string>& args) const;
  // --server and --ca-file of daemon `d` (the first by default).
  std::vector<std::string> Server(const TesseradProcess* d = nullptr) const;
  std::string Path(const std::string& name) const { return (dir_.path() / name).string(); }
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
  // How many records of `tessera audit list` have `action`.
  int AuditCount(const std::string& action) const;

  // The tokens tessera-sim serves; user_tokens_ are all but the first. A
  // derived fixture's constructor may ask for more.
  std::size_t sim_tokens_ = 3;

  // More tessera-sim options after --tokens (--vpcd HOST:PORT for the PC/SC
  // test); a derived fixture sets them before SetUp.
  std::vector<std::string> sim_extra_args_;
  TempDir dir_{"tessera-cms"};
  std::filesystem::path home_;
  std::filesystem::path sim_state_;
  std::filesystem::path sim_run_;
  std::unique_ptr<SimProcess> sim_;
  TestPki pki_;
  std::string url_;
  std::string module_;
  std::uint32_t officer_token_ = 0;
  std::vector<std::uint32_t> user_tokens_;
  std::list<TesseradProcess> daemons_;
  TesseradProcess* daemon_ = nullptr;
};

}  // namespace tessera::testing
