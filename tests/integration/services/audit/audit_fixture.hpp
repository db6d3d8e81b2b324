// AuditTest: the audit log end to end, parameterized over the directory's
// two backends (SQLite in a file, PostgreSQL from tests/support's server).
//
// One TESSERA_HOME per test binary (a temporary directory, removed at exit)
// holds a SoftHSM2 token "audit" with the checkpoint key, made once with the
// real `tessera hsm init-softhsm` and `tessera audit init`, and the key's
// PEM (pin.pem) from `tessera audit key`. The test process signs its own
// checkpoints through the same token, to keep the number of tool runs down.
// Each test gets a fresh database: a new SQLite file in that home, or a new
// PostgreSQL database.
//
// Tessera() runs $TESSERA_BUILD_DIR/tools/tessera/tessera with TESSERA_HOME
// and SOFTHSM2_CONF set and the developer's TESSERA_CONF, TESSERA_HSM_MODULE,
// TESSERA_HSM_PIN and TESSERA_DIRECTORY unset. Exec() changes rows behind the
// log's back, as someone with the database's password could. Used from the
// test's thread.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "services/audit/audit_log.hpp"
#include "services/directory/database.hpp"
#include "services/directory/stores/audit_store.hpp"
#include "services/runtime/hsm_access.hpp"
#include "tests/support/run_tool.hpp"

namespace tessera::audit::testing {

inline constexpr char kHsm[] = "audit";

// The shared TESSERA_HOME (made on first use).
const std::filesystem::path& AuditHome();
std::filesystem::path PinFile();
// This process's way to the home's SoftHSM2 (loaded once: SoftHSM2 keeps
// global state), and the checkpoint key's SubjectPublicKeyInfo from it.
const runtime::HsmAccess& Access();
Bytes PinnedKey();

class AuditTest : public ::testing::TestWithParam<directory::Backend> {
 protected:
  void SetUp() override;

  // `tessera args...` in the shared home; `extra_env`: NAME=VALUE entries.
  tessera::testing::ToolResult Tessera(const std::vector<std::string>& args,
                                       const std::vector<std::string>& extra_env = {}) const;
  // `tessera audit verify --directory URL --key pin.pem extra...`.
  tessera::testing::ToolResult Verify(const std::vector<std::string>& extra = {}) const;
  // Signs the head in this process (Checkpointer::CheckpointNow).
  void Checkpoint();
  // The same through `tessera audit checkpoint --hsm audit --directory URL`.
  void CliCheckpoint() const;

  // Appends records n at a time through audit::Append, one transaction each.
  void AppendRecords(int n);
  // A statement on the database, outside the log's code.
  std::int64_t Exec(const std::string& sql, const std::vector<directory::SqlValue>& params = {});
  std::vector<directory::AuditRow> Rows();
  // Rewrites records from..end so the chain links again (a forger's work).
  void Rehash(std::int64_t from);

  const std::string& url() const { return url_; }
  directory::Database& db() { return *db_; }

 private:
  std::string url_;
  std::unique_ptr<directory::Database> db_;
  int appended_ = 0;
};

std::string BackendName(const ::testing::TestParamInfo<directory::Backend>& info);

}  // namespace tessera::audit::testing
