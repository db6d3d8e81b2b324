// CaTest: the CA end to end through the real `tessera` binary and the real
// `openssl` binary, in a temporary directory:
//   home/   TESSERA_HOME (softhsm2.conf, softhsm/, hsm/ca-hsm.pin, directory.db)
//   work/   PEM and DER files the test and openssl exchange
// SetUp makes the SoftHSM2 token kHsm with `tessera hsm init-softhsm`. The
// directory is SQLite in home/ unless a test calls UsePostgres() first (a
// fresh database on the binary's shared server). Tessera() runs the CLI with
// TESSERA_HOME, SOFTHSM2_CONF and TESSERA_DIRECTORY set and the developer's
// TESSERA_CONF, TESSERA_HSM_MODULE, TESSERA_HSM_PIN and TESSERA_CA_URL unset.
// Service() builds a CaService in this process on the same home, for the
// OCSP responder, which has no command. Everything is removed afterwards.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "services/ca/ca_service.hpp"
#include "services/directory/database.hpp"
#include "tests/support/run_tool.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::ca::testing {

inline constexpr char kHsm[] = "ca-hsm";
inline constexpr char kBaseUrl[] = "http://127.0.0.1:8088";

class CaTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  void UsePostgres();

  tessera::testing::ToolResult Tessera(const std::vector<std::string>& args,
                                       const std::vector<std::string>& extra_env = {}) const;
  // Any program from PATH (openssl), in work/.
  tessera::testing::ToolResult Run(const std::vector<std::string>& argv) const;

  // `ca init` of a root (and, with `parent`, an issuing CA); fails the test
  // on error. Writes work/NAME.pem.
  void InitCa(const std::string& name, const std::string& parent = "",
              const std::string& key = "p256");
  // A key and CSR made by openssl req in work/: NAME.key, NAME.csr (PEM).
  // `addext` e.g. "subjectAltName=DNS:www.example.test".
  std::string MakeCsr(const std::string& name, const std::string& subject,
                      const std::string& addext = "");
  // `ca issue`; the PEM goes to work/NAME.pem, its path is returned.
  std::string Issue(const std::string& ca, const std::string& profile, const std::string& csr,
                    const std::string& name);
  // The serial of a PEM certificate, hex, from openssl x509 -serial.
  std::string SerialOf(const std::string& pem_path) const;
  // openssl x509 -text of a file.
  std::string Text(const std::string& pem_path) const;

  std::string Work(const std::string& file) const { return (dir_ / "work" / file).string(); }
  std::filesystem::path home() const { return dir_ / "home"; }
  std::string directory_url() const { return directory_url_; }
  std::int64_t CountRows(const std::string& table) const;

  // A CaService on home/ and the directory, in this process.
  CaService& Service();
  std::shared_ptr<CaService> SharedService() {
    Service();
    return service_;
  }

  // Seconds added to the in-process service's clock (the CRL schedule).
  void AdvanceClock(std::int64_t seconds) { clock_offset_ += seconds; }

  static std::string ReadFile(const std::string& path);
  static void WriteFile(const std::string& path, ByteView bytes);

 private:
  tessera::testing::TempDir dir_{"tessera-ca"};
  std::string directory_url_;
  std::shared_ptr<CaService> service_;
  std::shared_ptr<std::int64_t> clock_offset_holder_ = std::make_shared<std::int64_t>(0);
  std::int64_t& clock_offset_ = *clock_offset_holder_;
};

}  // namespace tessera::ca::testing
