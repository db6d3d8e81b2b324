#include "tests/integration/services/cms/cms_fixture.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/postgres_server.hpp"
#include "tools/tessera/client/token_p11.hpp"

namespace tessera::testing {
namespace {

constexpr char kPin[] = "123456";

// pkcs11-tool (not sanitized) with the environment that reaches this test's
// simulator and, in sanitizer builds, the runtime the module needs preloaded.
std::vector<std::string> Pkcs11Tool(const std::filesystem::path& run_dir, const std::string& module,
                                    std::uint32_t serial, const std::string& transports = "sim") {
  std::vector<std::string> argv = {"env", "TESSERA_SIM_DIR=" + run_dir.string(),
                                   "TESSERA_TRANSPORTS=" + transports};
  const std::string preload = TESSERA_SANITIZER_PRELOAD;
  if (!preload.empty()) {
    argv.insert(argv.end(), {"LD_PRELOAD=" + preload, "ASAN_OPTIONS=detect_leaks=0"});
  }
  argv.insert(argv.end(), {"pkcs11-tool", "--module", module, "--token-label",
                           "Tessera PIV #" + std::to_string(serial)});
  return argv;
}

}  // namespace

std::string CmsBackendName(CmsBackend backend) {
  return backend == CmsBackend::kSqlite ? "Sqlite" : "Postgresql";
}

namespace {

// The shared worlds, by backend, of the suite that runs.
std::map<CmsBackend, std::shared_ptr<CmsWorld>>& SharedWorlds() {
  static std::map<CmsBackend, std::shared_ptr<CmsWorld>> worlds;
  return worlds;
}

}  // namespace

void CmsTest::SetUp() {
  module_ = TESSERA_P11_MODULE;
  std::shared_ptr<CmsWorld> world;
  if (shared_world_) world = SharedWorlds()[GetParam()];
  const bool fresh = world == nullptr;
  if (fresh) {
    world = std::make_shared<CmsWorld>();
    if (shared_world_) world->owned_dir.emplace("tessera-cms-shared");
    world->dir = shared_world_ ? world->owned_dir->path() : own_dir_.path();
  }
  world_ = world;
  dir_ = world->dir;
  if (fresh) {
    BuildWorld(*world);
    if (HasFatalFailure()) return;
  }
  home_ = world->home;
  sim_state_ = world->sim_state;
  sim_run_ = world->sim_run;
  sim_ = world->sim.get();
  pki_ = world->pki;
  url_ = world->url;
  officer_token_ = world->officer_token;
  user_tokens_ = world->user_tokens;
  daemon_ = &world->daemons.front();
  ::setenv("TESSERA_SIM_DIR", sim_run_.c_str(), 1);
  ::setenv("TESSERA_TRANSPORTS", "sim", 1);
  ++world->tests;
  if (fresh) {
    SetUpWorld();
    if (HasFatalFailure()) return;
    // Shared only once it is whole: a world that failed is not reused.
    if (shared_world_) SharedWorlds()[GetParam()] = world;
  }
  // The audit records before this test's own.
  std::optional<std::vector<nlohmann::json>> records = AuditRecords();
  ASSERT_TRUE(records.has_value());
  for (const nlohmann::json& record : *records) {
    audit_mark_ = std::max(audit_mark_, record.value("seq", 0LL));
  }
}

void CmsTest::BuildWorld(CmsWorld& world) {
  world.home = world.dir / "home";
  world.sim_state = world.dir / "sim-state";
  world.sim_run = world.dir / "sim-run";
  for (const auto& d : {world.home, world.sim_state, world.sim_run, world.dir / "pki"}) {
    std::filesystem::create_directories(d);
  }
  ::chmod(world.home.c_str(), 0700);
  home_ = world.home;
  sim_run_ = world.sim_run;
  sim_state_ = world.sim_state;
  world.pki = MakeTestPki(world.dir / "pki");
  ASSERT_TRUE(world.pki.error.empty()) << world.pki.error;
  pki_ = world.pki;
  world.url = GetParam() == CmsBackend::kSqlite ? "sqlite:" + (world.home / "directory.db").string()
                                                : SharedPostgresServer().NewDatabase();
  url_ = world.url;
  {
    std::ofstream pin(Path("pin"));
    pin << kPin << "\n";
  }
  ::chmod(Path("pin").c_str(), 0600);

  std::vector<std::string> sim_args = {"--tokens", std::to_string(sim_tokens_)};
  sim_args.insert(sim_args.end(), sim_extra_args_.begin(), sim_extra_args_.end());
  auto sim = SimProcess::Start(world.sim_state, world.sim_run, sim_args);
  ASSERT_TRUE(sim.ok()) << sim.status().ToString();
  world.sim = std::move(sim).value();
  ::setenv("TESSERA_SIM_DIR", world.sim_run.c_str(), 1);
  ::setenv("TESSERA_TRANSPORTS", "sim", 1);
  auto tokens = cli::TokenP11::List(module_);
  ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
  ASSERT_EQ(tokens->size(), sim_tokens_);
  world.officer_token = (*tokens)[0].first;
  for (std::size_t i = 1; i < tokens->size(); ++i) world.user_tokens.push_back((*tokens)[i].first);

  for (const std::vector<std::string>& step : std::vector<std::vector<std::string>>{
           {"hsm", "init-softhsm", "--name", "ca"},
           {"directory", "migrate", "--directory", url_},
           {"ca", "init", "--hsm", "ca", "--name", "root", "--subject", "CN=CMS Root,O=Tessera",
            "--directory", url_},
       }) {
    ToolResult r = Cli(step);
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
  }
  ToolResult cert = Cli({"ca", "cert", "--ca", "root", "--directory", url_});
  ASSERT_EQ(cert.exit_code, 0) << cert.Describe();
  std::ofstream(Path("root.pem")) << cert.out;
  world.daemons.emplace_back(DaemonArgs("a"), world.dir / "tesserad-a");
  ASSERT_TRUE(world.daemons.back().WaitListening(2)) << world.daemons.back().Stderr();
}

void CmsTest::TearDown() {
  daemons_.clear();
  // A world of its own ends with its test; a shared one with the suite.
  if (world_ != nullptr && !shared_world_) {
    world_->daemons.clear();
    if (world_->sim) world_->sim->Stop();
  }
  world_.reset();
}

void CmsTest::TearDownTestSuite() { SharedWorlds().clear(); }

std::vector<std::uint32_t> CmsTest::TakeTokens(std::size_t count) {
  std::vector<std::uint32_t> taken;
  if (world_ == nullptr) return taken;
  if (world_->tokens_taken + count > world_->user_tokens.size()) {
    ADD_FAILURE() << "the simulator has " << world_->user_tokens.size()
                  << " user tokens and the tests took " << world_->tokens_taken
                  << ": raise sim_tokens_";
    taken.assign(count, 0);
    return taken;
  }
  for (std::size_t i = 0; i < count; ++i) {
    taken.push_back(world_->user_tokens[world_->tokens_taken++]);
  }
  return taken;
}

std::string CmsTest::Unique(const std::string& base) const {
  if (world_ == nullptr || !shared_world_) return base;
  return base + "-" + std::to_string(world_->tests);
}

ToolResult CmsTest::Cli(const std::vector<std::string>& args) const { return CliOn("sim", args); }

ToolResult CmsTest::CliOn(const std::string& transports,
                          const std::vector<std::string>& args) const {
  return RunTesseraCli(TESSERA_CLI_BINARY,
                       {"TESSERA_HOME=" + home_.string(), "TESSERA_TRANSPORTS=" + transports,
                        "TESSERA_SIM_DIR=" + sim_run_.string(), "TESSERA_PKCS11_MODULE=" + module_},
                       args);
}

std::vector<std::string> CmsTest::Server(const TesseradProcess* d) const {
  if (d == nullptr) d = daemon_;
  return {"--server", "https://127.0.0.1:" + std::to_string(d->PortOf("https://")), "--ca-file",
          pki_.ca_cert};
}

std::vector<std::string> CmsTest::DaemonArgs(const std::string& name) const {
  const std::filesystem::path logs = dir_ / ("tesserad-" + name);
  std::filesystem::create_directories(logs);
  return {"--listen", "127.0.0.1:0", "--listen", "http://127.0.0.1:0", "--tls-cert",
          pki_.server_cert, "--tls-key", pki_.server_key,
          // Officers present certificates of the root CA.
          "--tls-client-ca", Path("root.pem"), "--home", home_.string(), "--hsm", "ca",
          // registration too: a CMS-bound token registers with its binding.
          "--services", "ca,cms,registration", "--cms-ca", "root", "--manufacturer-ca",
          (sim_state_ / "manufacturer-ca.der").string(), "--directory", url_, "--access-log",
          (logs / "access.log").string()};
}

TesseradProcess& CmsTest::StartDaemon(const std::string& name) {
  daemons_.emplace_back(DaemonArgs(name), dir_ / ("tesserad-" + name));
  TesseradProcess& d = daemons_.back();
  EXPECT_TRUE(d.WaitListening(2)) << d.Stderr();
  return d;
}

std::string CmsTest::HttpUrl(const TesseradProcess& d, const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(d.PortOf("http://")) + path;
}

std::string CmsTest::TokenState(std::uint32_t serial) const {
  ToolResult shown =
      Cli({"cms", "token", "show", std::to_string(serial), "--json", "--directory", url_});
  if (shown.exit_code != 0) return "";
  return nlohmann::json::parse(shown.out).value("state", "");
}

bool CmsTest::ReadCertificate(std::uint32_t serial, const std::string& id,
                              const std::string& pem) const {
  return ReadCertificateOn("sim", serial, id, pem);
}

bool CmsTest::ReadCertificateOn(const std::string& transports, std::uint32_t serial,
                                const std::string& id, const std::string& pem) const {
  std::vector<std::string> argv = Pkcs11Tool(sim_run_, module_, serial, transports);
  argv.insert(argv.end(),
              {"--read-object", "--type", "cert", "--id", id, "-o", Path(pem + ".der")});
  ToolResult der = RunTool(argv);
  if (der.exit_code != 0) {
    ADD_FAILURE() << der.Describe();
    return false;
  }
  ToolResult converted =
      RunTool({"openssl", "x509", "-inform", "DER", "-in", Path(pem + ".der"), "-out", Path(pem)});
  EXPECT_EQ(converted.exit_code, 0) << converted.Describe();
  return converted.exit_code == 0;
}

ToolResult CmsTest::SignWith9C(std::uint32_t serial, const std::string& data_file,
                               const std::string& sig_file) const {
  return SignWith9COn("sim", serial, data_file, sig_file);
}

ToolResult CmsTest::SignWith9COn(const std::string& transports, std::uint32_t serial,
                                 const std::string& data_file, const std::string& sig_file) const {
  return SignWithIdOn(transports, serial, "02", data_file, sig_file);
}

ToolResult CmsTest::SignWithIdOn(const std::string& transports, std::uint32_t serial,
                                 const std::string& id, const std::string& data_file,
                                 const std::string& sig_file) const {
  std::vector<std::string> argv = Pkcs11Tool(sim_run_, module_, serial, transports);
  argv.insert(argv.end(),
              {"--login", "--pin", kPin, "--sign", "--id", id, "-m", "ECDSA-SHA256",
               "--signature-format", "openssl", "-i", Path(data_file), "-o", Path(sig_file)});
  return RunTool(argv);
}

ToolResult CmsTest::Ocsp(const TesseradProcess& d, const std::string& pem) const {
  return RunTool({"openssl", "ocsp", "-issuer", Path("root.pem"), "-cert", Path(pem), "-CAfile",
                  Path("root.pem"), "-url", HttpUrl(d, "/ca/root/ocsp")});
}

ToolResult CmsTest::Bind(const std::string& user, std::uint32_t token,
                         const std::string& document) {
  std::vector<std::string> args = {"officer",
                                   "bind",
                                   "--user",
                                   user,
                                   "--token",
                                   std::to_string(token),
                                   "--document",
                                   document,
                                   "--officer",
                                   "olivia",
                                   "--officer-token",
                                   std::to_string(officer_token_),
                                   "--pin-file",
                                   Path("pin"),
                                   "--yes"};
  for (const std::string& a : Server()) args.push_back(a);
  return Cli(args);
}

ToolResult CmsTest::Activate(std::uint32_t token) {
  std::vector<std::string> args = {"token",      "activate", "--token", std::to_string(token),
                                   "--pin-file", Path("pin")};
  for (const std::string& a : Server()) args.push_back(a);
  return Cli(args);
}

std::string CmsTest::BaseUrl(const TesseradProcess* d) const {
  if (d == nullptr) d = daemon_;
  return "https://127.0.0.1:" + std::to_string(d->PortOf("https://"));
}

ToolResult CmsTest::AddUser(const std::string& id, const std::string& name,
                            const std::string& document) {
  return Cli({"cms", "user", "add", "--id", id, "--name", name, "--org", "Tessera", "--email",
              id + "@example.org", "--document", document, "--directory", url_});
}

ToolResult CmsTest::AddOfficer(const std::string& id, const std::string& name,
                               std::uint32_t token) {
  return Cli({"cms", "officer", "add", "--token", std::to_string(token), "--id", id, "--name", name,
              "--hsm", "ca", "--ca", "root", "--pin-file", Path("pin"), "--directory", url_});
}

ToolResult CmsTest::Register(std::uint32_t token) {
  std::vector<std::string> args = {"cms", "token", "register", "--token", std::to_string(token)};
  for (const std::string& a : Server()) args.push_back(a);
  return Cli(args);
}

ToolResult CmsTest::BindAs(const std::string& officer, std::uint32_t officer_token,
                           const std::string& user, std::uint32_t token,
                           const std::string& document, const TesseradProcess* d) {
  std::vector<std::string> args = {"officer",
                                   "bind",
                                   "--user",
                                   user,
                                   "--token",
                                   std::to_string(token),
                                   "--document",
                                   document,
                                   "--officer",
                                   officer,
                                   "--officer-token",
                                   std::to_string(officer_token),
                                   "--pin-file",
                                   Path("pin"),
                                   "--yes"};
  for (const std::string& a : Server(d)) args.push_back(a);
  return Cli(args);
}

nlohmann::json CmsTest::TokenJson(std::uint32_t serial) const {
  ToolResult shown =
      Cli({"cms", "token", "show", std::to_string(serial), "--json", "--directory", url_});
  if (shown.exit_code != 0) return nullptr;
  return nlohmann::json::parse(shown.out, nullptr, false);
}

nlohmann::json CmsTest::UserJson(const std::string& id) const {
  ToolResult shown = Cli({"cms", "user", "show", id, "--json", "--directory", url_});
  if (shown.exit_code != 0) return nullptr;
  return nlohmann::json::parse(shown.out, nullptr, false);
}

std::optional<std::vector<nlohmann::json>> CmsTest::AuditRecords() const {
  ToolResult listed = Cli({"audit", "list", "--directory", url_});
  if (listed.exit_code != 0) {
    ADD_FAILURE() << listed.Describe();
    return std::nullopt;
  }
  std::vector<nlohmann::json> records;
  std::istringstream lines(listed.out);
  for (std::string line; std::getline(lines, line);) {
    auto record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_object()) records.push_back(std::move(record));
  }
  return records;
}

int CmsTest::AuditCount(const std::string& action) const {
  int count = 0;
  for (const nlohmann::json& record : AuditRecords().value_or(std::vector<nlohmann::json>{})) {
    if (record.value("seq", 0LL) > audit_mark_ && record.value("action", "") == action) ++count;
  }
  return count;
}

}  // namespace tessera::testing
