// The fixture of the end-to-end CA tests: a temporary TESSERA_HOME with a
// SoftHSM2 token "ca", a directory (SQLite in the home, or a fresh database
// on the binary's PostgreSQL server), a root CA made by `tessera ca init`, a
// leaf certificate issued by `tessera ca issue`, a throw-away TLS PKI, and
// the real tesserad serving the CA on 127.0.0.1 (HTTPS with client
// certificates from the test PKI, and plain HTTP for CRL and OCSP). Helpers
// drive the real tessera CLI, openssl and curl. Used from the test's thread.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <list>
#include <string>
#include <vector>

#include "tests/integration/services/http/tesserad_fixture.hpp"
#include "tests/integration/services/http/tesserad_process.hpp"
#include "tests/integration/services/http/test_pki.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/run_tool.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::testing {

enum class Backend { kSqlite, kPostgresql };
std::string BackendName(Backend backend);

class CaDaemonTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;

  // `tessera args...` with this test's TESSERA_HOME.
  ToolResult Cli(const std::vector<std::string>& args) const;
  static ToolResult Tool(const std::vector<std::string>& argv) { return RunTool(argv); }
  std::string Path(const std::string& name) const { return (dir_.path() / name).string(); }

  // Starts another tesserad on the same home and directory.
  TesseradProcess& StartDaemon(const std::string& name);
  static std::string HttpsUrl(const TesseradProcess& d, const std::string& path);
  static std::string HttpUrl(const TesseradProcess& d, const std::string& path);

  CurlResult Curl(const std::string& url, const std::vector<std::string>& extra = {}) const;
  static std::vector<std::string> JsonPost(const std::string& body);
  std::vector<std::string> WithClientCert(std::vector<std::string> args) const;
  // {"profile": ..., "csr": PEM} for a fresh P-256 key; with a CSR whose
  // signature does not verify when `break_signature`.
  std::string IssueBody(const std::string& profile, bool break_signature = false);
  static std::string JsonField(const std::string& json, const std::string& name);

  // `openssl ocsp -url` for the leaf against `d`'s plain-HTTP listener.
  ToolResult Ocsp(const TesseradProcess& d) const;
  // GET /ca/root/crl (DER) into `pem_name` as PEM; checks the content type.
  bool FetchCrl(const TesseradProcess& d, const std::string& pem_name);
  ToolResult VerifyWithCrl(const std::string& crl_pem) const;
  // Certificates in the directory (`tessera directory status`).
  int CertificateCount() const;

  TempDir dir_{"tessera-ca-e2e"};
  std::filesystem::path home_;
  TestPki pki_;
  std::string url_;
  std::string leaf_serial_;  // hex, as openssl prints it
  TesseradProcess* daemon_ = nullptr;
  std::list<TesseradProcess> daemons_;
  int csrs_ = 0;
};

}  // namespace tessera::testing
