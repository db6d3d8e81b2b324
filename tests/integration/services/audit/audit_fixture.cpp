#include "tests/integration/services/audit/audit_fixture.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "services/audit/audit_hash.hpp"
#include "services/audit/checkpointer.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::audit::testing {
namespace {

using tessera::testing::RunTool;
using tessera::testing::ToolResult;

constexpr const char* kUnset[] = {"TESSERA_CONF", "TESSERA_HSM_MODULE", "TESSERA_HSM_PIN",
                                  "TESSERA_DIRECTORY"};

std::filesystem::path TesseraBinary() {
  const char* build = std::getenv("TESSERA_BUILD_DIR");  // NOLINT(concurrency-mt-unsafe)
  if (build != nullptr && *build != '\0') {
    return std::filesystem::path(build) / "tools" / "tessera" / "tessera";
  }
  return TESSERA_CLI_BINARY;
}

ToolResult RunIn(const std::filesystem::path& home, const std::vector<std::string>& args,
                 const std::vector<std::string>& extra_env = {}) {
  std::vector<std::string> argv = {"env"};
  for (const char* name : kUnset) argv.insert(argv.end(), {"-u", name});
  argv.push_back("TESSERA_HOME=" + home.string());
  argv.push_back("SOFTHSM2_CONF=" + (home / "softhsm2.conf").string());
  argv.insert(argv.end(), extra_env.begin(), extra_env.end());
  argv.push_back(TesseraBinary().string());
  argv.insert(argv.end(), args.begin(), args.end());
  return RunTool(argv, std::chrono::seconds(120));
}

[[noreturn]] void Die(const std::string& what, const ToolResult& r) {
  (void)std::fprintf(stderr, "audit test setup: %s failed:\n%s\n", what.c_str(),
                     r.Describe().c_str());
  std::abort();
}

// The home, its HSM token, the checkpoint key and its pinned PEM.
std::filesystem::path MakeHome(const tessera::testing::TempDir& dir) {
  std::filesystem::path home = dir / "home";
  std::filesystem::create_directory(home);
  std::filesystem::permissions(home, std::filesystem::perms::owner_all);
  ToolResult r = RunIn(home, {"hsm", "init-softhsm", "--name", kHsm});
  if (r.exit_code != 0) Die("tessera hsm init-softhsm", r);
  r = RunIn(home, {"audit", "init", "--hsm", kHsm});
  if (r.exit_code != 0) Die("tessera audit init", r);
  r = RunIn(home, {"audit", "key", "--hsm", kHsm});
  if (r.exit_code != 0) Die("tessera audit key", r);
  std::ofstream(home / "pin.pem") << r.out;
  return home;
}

}  // namespace

const std::filesystem::path& AuditHome() {
  static const tessera::testing::TempDir kDir("tessera-audit");
  static const std::filesystem::path kHome = MakeHome(kDir);
  return kHome;
}

std::filesystem::path PinFile() { return AuditHome() / "pin.pem"; }

std::string BackendName(const ::testing::TestParamInfo<directory::Backend>& info) {
  return info.param == directory::Backend::kSqlite ? "Sqlite" : "Postgresql";
}

void AuditTest::SetUp() {
  static int databases = 0;
  if (GetParam() == directory::Backend::kSqlite) {
    url_ = "sqlite:" + (AuditHome() / ("audit-" + std::to_string(++databases) + ".db")).string();
  } else {
    (void)AuditHome();
    url_ = tessera::testing::SharedPostgresServer().NewDatabase();
  }
  auto db = directory::OpenDatabase(url_);
  ASSERT_TRUE(db.ok()) << url_ << ": " << db.status().ToString();
  db_ = std::move(db).value();
}

ToolResult AuditTest::Tessera(const std::vector<std::string>& args,
                              const std::vector<std::string>& extra_env) const {
  return RunIn(AuditHome(), args, extra_env);
}

ToolResult AuditTest::Verify(const std::vector<std::string>& extra) const {
  std::vector<std::string> args = {"audit", "verify", "--directory",
                                   url_,    "--key",  PinFile().string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return Tessera(args);
}

const runtime::HsmAccess& Access() {
  static const runtime::HsmAccess kAccess = [] {
    auto loaded = runtime::HsmAccess::Load(runtime::Home{AuditHome()}, runtime::Settings{});
    if (!loaded.ok()) {
      (void)std::fprintf(stderr, "audit test setup: %s\n", loaded.status().ToString().c_str());
      std::abort();
    }
    return std::move(loaded).value();
  }();
  return kAccess;
}

Bytes PinnedKey() {
  auto token = Access().Open(kHsm);
  EXPECT_TRUE(token.ok()) << token.status().ToString();
  if (!token.ok()) return {};
  auto key = FindCheckpointKey(token->session(), kDefaultKeyLabel);
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return key.ok() ? key->public_key : Bytes{};
}

void AuditTest::Checkpoint() {
  Checkpointer checkpointer(*db_, Access(), {kHsm, kDefaultKeyLabel, {}});
  auto made = checkpointer.CheckpointNow(1800000000);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_TRUE(made->has_value());
}

void AuditTest::CliCheckpoint() const {
  ToolResult r = Tessera({"audit", "checkpoint", "--hsm", kHsm, "--directory", url_});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
}

void AuditTest::AppendRecords(int n) {
  for (int i = 0; i < n; ++i) {
    const int k = ++appended_;
    AuditEvent event{"cli:test", "ca.issue", "ca/root/serial/" + std::to_string(k),
                     "req-" + std::to_string(k), R"({"profile":"tls-server"})"};
    Status s = db_->Transact(
        [&](directory::SqlTransaction& tx) { return Append(tx, event, 1700000000 + k).status(); });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
}

std::int64_t AuditTest::Exec(const std::string& sql,
                             const std::vector<directory::SqlValue>& params) {
  std::int64_t changed = -1;
  Status s = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(changed, tx.Execute(sql, params));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << sql << ": " << s.ToString();
  return changed;
}

std::vector<directory::AuditRow> AuditTest::Rows() {
  std::vector<directory::AuditRow> rows;
  Status s = db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(rows, directory::ListAudit(tx, 1, 1000000));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return rows;
}

void AuditTest::Rehash(std::int64_t from) {
  std::vector<directory::AuditRow> rows = Rows();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].seq < from) continue;
    if (i > 0) rows[i].prev_hash = rows[i - 1].hash;
    rows[i].hash = *RecordHash(rows[i]);
    EXPECT_EQ(Exec("UPDATE audit SET prev_hash = $1, hash = $2 WHERE seq = $3",
                   {rows[i].prev_hash, rows[i].hash, rows[i].seq}),
              1);
  }
}

}  // namespace tessera::audit::testing
