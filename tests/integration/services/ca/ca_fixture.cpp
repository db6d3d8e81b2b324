#include "tests/integration/services/ca/ca_fixture.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "services/runtime/hsm_access.hpp"
#include "tests/support/postgres_server.hpp"

namespace tessera::ca::testing {
namespace {

using tessera::testing::RunTool;
using tessera::testing::ToolResult;

std::filesystem::path TesseraBinary() {
  const char* build = std::getenv("TESSERA_BUILD_DIR");  // NOLINT(concurrency-mt-unsafe)
  if (build != nullptr && *build != '\0') {
    return std::filesystem::path(build) / "tools" / "tessera" / "tessera";
  }
  return "tessera";
}

constexpr const char* kUnset[] = {"TESSERA_CONF", "TESSERA_HSM_MODULE", "TESSERA_HSM_PIN",
                                  "TESSERA_CA_URL", "TESSERA_DIRECTORY"};

}  // namespace

void CaTest::SetUp() {
  std::filesystem::create_directory(dir_ / "home");
  std::filesystem::permissions(dir_ / "home", std::filesystem::perms::owner_all);
  std::filesystem::create_directory(dir_ / "work");
  directory_url_ = "sqlite:" + (home() / "directory.db").string();
  ToolResult made = Tessera({"hsm", "init-softhsm", "--name", kHsm});
  ASSERT_EQ(made.exit_code, 0) << made.Describe();
}

void CaTest::TearDown() {
  service_.reset();
  ::unsetenv("SOFTHSM2_CONF");
}

void CaTest::UsePostgres() {
  directory_url_ = tessera::testing::SharedPostgresServer().NewDatabase();
}

ToolResult CaTest::Tessera(const std::vector<std::string>& args,
                           const std::vector<std::string>& extra_env) const {
  std::vector<std::string> argv = {"env"};
  for (const char* name : kUnset) argv.insert(argv.end(), {"-u", name});
  argv.push_back("TESSERA_HOME=" + home().string());
  argv.push_back("SOFTHSM2_CONF=" + (home() / "softhsm2.conf").string());
  argv.push_back("TESSERA_DIRECTORY=" + directory_url_);
  argv.insert(argv.end(), extra_env.begin(), extra_env.end());
  argv.push_back(TesseraBinary().string());
  argv.insert(argv.end(), args.begin(), args.end());
  return RunTool(argv, std::chrono::seconds(120));
}

ToolResult CaTest::Run(const std::vector<std::string>& argv) const {
  return RunTool(argv, std::chrono::seconds(60));
}

void CaTest::InitCa(const std::string& name, const std::string& parent, const std::string& key) {
  std::vector<std::string> args = {"ca", "init",  "--hsm", kHsm,    "--name",
                                   name, "--key", key,     "--url", kBaseUrl};
  if (!parent.empty()) args.insert(args.end(), {"--parent", parent});
  ToolResult made = Tessera(args);
  ASSERT_EQ(made.exit_code, 0) << made.Describe();
  ToolResult cert = Tessera({"ca", "cert", "--ca", name});
  ASSERT_EQ(cert.exit_code, 0) << cert.Describe();
  WriteFile(Work(name + ".pem"), AsBytes(cert.out));
}

std::string CaTest::MakeCsr(const std::string& name, const std::string& subject,
                            const std::string& addext) {
  std::vector<std::string> argv = {"openssl",
                                   "req",
                                   "-new",
                                   "-newkey",
                                   "ec",
                                   "-pkeyopt",
                                   "ec_paramgen_curve:P-256",
                                   "-nodes",
                                   "-keyout",
                                   Work(name + ".key"),
                                   "-out",
                                   Work(name + ".csr"),
                                   "-subj",
                                   subject};
  if (!addext.empty()) argv.insert(argv.end(), {"-addext", addext});
  ToolResult made = Run(argv);
  EXPECT_EQ(made.exit_code, 0) << made.Describe();
  return Work(name + ".csr");
}

std::string CaTest::Issue(const std::string& ca, const std::string& profile, const std::string& csr,
                          const std::string& name) {
  ToolResult issued =
      Tessera({"ca", "issue", "--ca", ca, "--profile", profile, "--csr", csr, "--url", kBaseUrl});
  EXPECT_EQ(issued.exit_code, 0) << issued.Describe();
  WriteFile(Work(name + ".pem"), AsBytes(issued.out));
  return Work(name + ".pem");
}

std::string CaTest::SerialOf(const std::string& pem_path) const {
  ToolResult out = Run({"openssl", "x509", "-in", pem_path, "-noout", "-serial"});
  EXPECT_EQ(out.exit_code, 0) << out.Describe();
  std::string serial = out.out.substr(out.out.find('=') + 1);
  while (!serial.empty() && (serial.back() == '\n' || serial.back() == '\r')) serial.pop_back();
  return serial;
}

std::string CaTest::Text(const std::string& pem_path) const {
  ToolResult out = Run({"openssl", "x509", "-in", pem_path, "-noout", "-text"});
  EXPECT_EQ(out.exit_code, 0) << out.Describe();
  return out.out;
}

std::int64_t CaTest::CountRows(const std::string& table) const {
  auto db = directory::OpenDatabase(directory_url_);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return -1;
  std::int64_t count = -1;
  Status read = (*db)->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM " + table));
    TESSERA_ASSIGN_OR_RETURN(count, rows.at(0).Int(0));
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.ToString();
  return count;
}

CaService& CaTest::Service() {
  if (service_) return *service_;
  runtime::Home home{CaTest::home()};
  ::setenv("SOFTHSM2_CONF", (CaTest::home() / "softhsm2.conf").c_str(), 1);
  auto access = runtime::HsmAccess::Load(home, runtime::Settings{});
  EXPECT_TRUE(access.ok()) << access.status().ToString();
  auto shared_access = std::make_shared<runtime::HsmAccess>(std::move(access).value());
  auto db = directory::OpenDatabase(directory_url_);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  CaOptions options;
  options.base_url = kBaseUrl;
  service_ = std::make_shared<CaService>(
      std::shared_ptr<directory::Database>(std::move(db).value()),
      [shared_access](const std::string& name) { return shared_access->Open(name); }, options,
      [offset = clock_offset_holder_] { return SystemClock() + *offset; });
  return *service_;
}

std::string CaTest::ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void CaTest::WriteFile(const std::string& path, ByteView bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

}  // namespace tessera::ca::testing
