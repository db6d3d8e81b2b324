#include "tests/integration/services/registration/reg_e2e_fixture.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "common/piv/secret_keys.hpp"
#include "services/ca/ca_service.hpp"
#include "services/directory/database.hpp"
#include "services/registration/registration_service.hpp"
#include "tests/support/postgres_server.hpp"

namespace tessera::testing {

using nlohmann::json;

void RegE2eTest::Bring(const RegWorld& world) {
  world_ = world;
  if (world_.backend == "postgresql") {
    directory_ = SharedPostgresServer().NewDatabase();
    ::setenv("TESSERA_DIRECTORY", directory_.c_str(), 1);
  }
  if (world_.sim_args.empty()) {
    KeymanTest::SetUp();
  } else {
    std::filesystem::create_directory(home());
    std::filesystem::permissions(home(), std::filesystem::perms::owner_all);
    ASSERT_NO_FATAL_FAILURE(StartSim(world_.sim_args));
    ASSERT_EQ(Serials().size(), TokenCount()) << sim().Stderr();
  }
  ASSERT_NO_FATAL_FAILURE(Ceremony(*this, {1}));
  Ok({"ca", "init", "--hsm", "as", "--name", "issuer", "--key", "p256"});
  const RunResult init = Ok({"reg", "init", "--hsm", "as", "--ca", "issuer", "--json"});
  ASSERT_EQ(init.exit_code, 0);
  const json answer = json::parse(init.out);
  issuer_pem_ = Write("issuer.pem", answer["issuer_certificate"].get<std::string>());
  Ok({"personalize", "--hsm", "as", "--all", "--mk-version", "1", "--issuer-key", issuer_pem_});
  Ok({"cms", "user", "add", "--id", "alice", "--name", "Alice Example"});
  Ok({"cms", "user", "add", "--id", "bob", "--name", "Bob Example"});
  pin_file_ = Write("pin", "123456\n");
  ::chmod(pin_file_.c_str(), 0600);

  for (const char* d : {"pki", "app", "run"}) std::filesystem::create_directories(home() / d);
  pki_ = MakeTestPki(home() / "pki");
  ASSERT_TRUE(pki_.error.empty()) << pki_.error;
  app_ = std::make_unique<DemoAppProcess>(TESSERA_DEMO_APP_BINARY, home() / "app");
  ASSERT_TRUE(app_->WaitReady()) << app_->Stderr();
  Ok({"reg", "app", "add", "echo", "--url", app_->base_url(), "--setting", "timeout_ms=5000"});
  daemon_ = StartDaemon("tesserad", world_.daemon_args);
  ASSERT_NE(daemon_, nullptr);
  serials_ = Serials();
  ASSERT_EQ(serials_.size(), TokenCount());
}

void RegE2eTest::TearDown() {
  daemon_.reset();
  app_.reset();
  ::unsetenv("TESSERA_DIRECTORY");
}

std::unique_ptr<TesseradProcess> RegE2eTest::StartDaemon(const std::string& name,
                                                         const std::vector<std::string>& extra) {
  std::filesystem::create_directories(home() / name);
  std::vector<std::string> args = {
      "--listen",      "127.0.0.1:0",    "--tls-cert",    pki_.server_cert, "--tls-key",
      pki_.server_key, "--home",         home().string(), "--hsm",          "as",
      "--services",    "ca,registration"};
  if (!directory_.empty()) args.insert(args.end(), {"--directory", directory_});
  args.insert(args.end(), extra.begin(), extra.end());
  auto daemon = std::make_unique<TesseradProcess>(args, home() / name);
  if (!daemon->WaitListening(1)) {
    ADD_FAILURE() << name << " did not start:\n" << daemon->Stderr();
    return nullptr;
  }
  return daemon;
}

std::string RegE2eTest::Write(const std::string& name, const std::string& text) const {
  const std::filesystem::path path = home() / name;
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

std::vector<std::string> RegE2eTest::Env() const {
  return {"TESSERA_REG_SESSION=" + (home() / "run" / "reg-session.json").string(),
          "TESSERA_TRANSPORTS=" + world_.transports};
}

RunResult RegE2eTest::Reg(std::vector<std::string> args) const {
  args.insert(args.begin(), "reg");
  return Tessera(args, Env());
}

RunResult RegE2eTest::Ok(const std::vector<std::string>& args) const {
  // Personalization reaches the tokens as the user's commands do: with
  // pcscd, an idle card it powered down answers no one on its socket.
  RunResult r = Tessera(args, Env());
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  return r;
}

std::string RegE2eTest::BaseUrl(const TesseradProcess* d) const {
  if (d == nullptr) d = daemon_.get();
  return "https://127.0.0.1:" + std::to_string(d->PortOf("https://"));
}

std::vector<std::string> RegE2eTest::Server(const TesseradProcess* d) const {
  return {"--server", BaseUrl(d), "--ca-file", pki_.ca_cert};
}

std::string RegE2eTest::Code(const std::string& user) const {
  const RunResult r = Ok({"reg", "code", "issue", "--user", user, "--json"});
  return r.exit_code == 0 ? json::parse(r.out)["code"].get<std::string>() : "";
}

RunResult RegE2eTest::Register(std::uint32_t token, const std::string& user,
                               const std::string& code, const TesseradProcess* d) const {
  std::vector<std::string> args = {"register", "--token", std::to_string(token),
                                   "--user",   user,      "--pin-file",
                                   pin_file_,  "--json"};
  if (!code.empty()) args.insert(args.end(), {"--code", code});
  const std::vector<std::string> server = Server(d);
  args.insert(args.end(), server.begin(), server.end());
  return Reg(args);
}

RunResult RegE2eTest::Login(std::uint32_t token, const TesseradProcess* d) const {
  std::vector<std::string> args = {"login",      "--token", std::to_string(token),
                                   "--pin-file", pin_file_, "--json"};
  const std::vector<std::string> server = Server(d);
  args.insert(args.end(), server.begin(), server.end());
  return Reg(args);
}

Result<cli::HttpsClient> RegE2eTest::Client(const TesseradProcess* d) const {
  cli::HttpsClientOptions options;
  options.base_url = BaseUrl(d);
  options.ca_file = pki_.ca_cert;
  return cli::HttpsClient::Connect(options);
}

Result<TokenLink> RegE2eTest::OpenToken(std::uint32_t serial, bool verify_pin) {
  TokenLink link;
  TESSERA_ASSIGN_OR_RETURN(link.transport, sim().Connect(serial));
  link.channel = std::make_unique<host::ApduChannel>(*link.transport);
  link.piv = std::make_unique<host::PivClient>(*link.channel);
  TESSERA_RETURN_IF_ERROR(link.piv->Select().status());
  if (verify_pin) TESSERA_RETURN_IF_ERROR(link.piv->VerifyPin(AsBytes("123456")));
  return link;
}

std::vector<host::SecretKeyInfo> RegE2eTest::RegistrationKeys(std::uint32_t serial) {
  Result<TokenLink> link = OpenToken(serial, false);
  EXPECT_TRUE(link.ok()) << link.status().ToString();
  if (!link.ok()) return {};
  auto keys = link->piv->ListSecretKeys();
  EXPECT_TRUE(keys.ok()) << keys.status().ToString();
  std::vector<host::SecretKeyInfo> out;
  for (const auto& k : keys.ok() ? *keys : std::vector<host::SecretKeyInfo>{}) {
    if ((k.usage & piv::secret::usage::kRegistration) != 0) out.push_back(k);
  }
  return out;
}

std::string RegE2eTest::DirectoryUrl() const {
  return directory_.empty() ? "sqlite:" + DirectoryDb().string() : directory_;
}

std::vector<std::string> RegE2eTest::Column(const std::string& sql) const {
  std::vector<std::string> out;
  Result<std::unique_ptr<directory::Database>> db = directory::OpenDatabase(DirectoryUrl());
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return out;
  Status s = (*db)->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(sql));
    for (const auto& row : rows) {
      if (row.IsNull(0)) {
        out.emplace_back();
      } else if (Result<std::string> text = row.Text(0); text.ok()) {
        out.push_back(*text);
      } else {
        TESSERA_ASSIGN_OR_RETURN(std::int64_t value, row.Int(0));
        out.push_back(std::to_string(value));
      }
    }
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << sql << ": " << s.ToString();
  return out;
}

std::string RegE2eTest::Scalar(const std::string& sql) const {
  std::vector<std::string> column = Column(sql);
  EXPECT_EQ(column.size(), 1u) << sql;
  return column.empty() ? "" : column.front();
}

Status RegE2eTest::MaintainAt(std::int64_t now) const {
  TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<directory::Database> opened,
                           directory::OpenDatabase(DirectoryUrl()));
  std::shared_ptr<directory::Database> db(std::move(opened));
  // Maintenance touches only the directory: no HSM is opened.
  const ca::HsmOpener no_hsm = [](const std::string& name) -> Result<hsm::HsmToken> {
    return Status::Unavailable("no HSM in the test's maintenance (" + name + ")");
  };
  const ca::Clock clock = [now] { return now; };
  auto ca_service = std::make_shared<ca::CaService>(db, no_hsm, ca::CaOptions{}, clock);
  registration::RegistrationService service(db, ca_service, no_hsm, {});
  return service.Maintain();
}

}  // namespace tessera::testing
