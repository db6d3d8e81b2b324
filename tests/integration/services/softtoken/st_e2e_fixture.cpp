#include "tests/integration/services/softtoken/st_e2e_fixture.hpp"

#include <fstream>
#include <sstream>

#include "common/bytes.hpp"
#include "services/jose/jws.hpp"
#include "services/jose/jwt.hpp"

namespace tessera::testing {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteBytes(const std::string& path, ByteView data) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

}  // namespace

void SoftTokenE2eTest::SetUpWorld() {
  ToolResult officer = Cli({"cms", "officer", "add", "--token", std::to_string(officer_token_),
                            "--id", "olivia", "--name", "Olivia Officer", "--hsm", "ca", "--ca",
                            "root", "--pin-file", Path("pin"), "--directory", url_});
  ASSERT_EQ(officer.exit_code, 0) << officer.Describe();
  ToolResult init =
      Cli({"softtoken", "init", "--hsm", "ca", "--ca", "root", "--directory", url_, "--json"});
  ASSERT_EQ(init.exit_code, 0) << init.Describe();
}

void SoftTokenE2eTest::SetUp() {
  CmsTest::SetUp();
  if (HasFatalFailure()) return;
  std::vector<std::string> args = DaemonArgs("st");
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--services") args[i + 1] = "ca,cms,softtoken";
  }
  // A 3 s read timeout, so the slow-client test sees its clients closed soon.
  args.insert(args.end(), {"--softtoken-status-ttl", "1s", "--limits-read-timeout", "3s"});
  daemons_.emplace_back(args, dir_ / "tesserad-st");
  st_daemon_ = &daemons_.back();
  ASSERT_TRUE(st_daemon_->WaitListening(2)) << st_daemon_->Stderr();
}

std::vector<std::string> SoftTokenE2eTest::StServer() const { return Server(st_daemon_); }

std::string SoftTokenE2eTest::BaseUrl() const {
  return "https://127.0.0.1:" + std::to_string(st_daemon_->PortOf("https://"));
}

std::vector<std::string> SoftTokenE2eTest::CliEnv() const {
  return {"TESSERA_HOME=" + home_.string(), "TESSERA_TRANSPORTS=sim",
          "TESSERA_SIM_DIR=" + sim_run_.string(), "TESSERA_PKCS11_MODULE=" + module_};
}

std::uint32_t SoftTokenE2eTest::IssueIdToken(const std::string& base, const std::string& name,
                                             std::string* user_id) {
  const std::vector<std::uint32_t> tokens = TakeTokens(1);
  if (tokens.empty()) return 0;
  const std::uint32_t card = tokens[0];
  *user_id = Unique(base);
  ToolResult user =
      Cli({"cms", "user", "add", "--id", *user_id, "--name", name, "--org", "Tessera", "--email",
           *user_id + "@example.org", "--document", "P-" + *user_id, "--directory", url_});
  EXPECT_EQ(user.exit_code, 0) << user.Describe();
  ToolResult registered = Register(card);
  EXPECT_EQ(registered.exit_code, 0) << registered.Describe();
  ToolResult bound = Bind(*user_id, card, "P-" + *user_id);
  EXPECT_EQ(bound.exit_code, 0) << bound.Describe();
  ToolResult active = Activate(card);
  EXPECT_EQ(active.exit_code, 0) << active.Describe();
  return card;
}

std::unique_ptr<CliProcess> SoftTokenE2eTest::StartRequest(std::uint32_t device,
                                                           const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {TESSERA_CLI_BINARY, "softtoken", "request", "--device-token",
                                   std::to_string(device)};
  for (const std::string& a : StServer()) argv.push_back(a);
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<CliProcess>(argv, CliEnv(), dir_ / "cli");
}

void SoftTokenE2eTest::ExpectOpensslVerifies(const std::string& sd_jwt_file) {
  const std::string text = ReadText(sd_jwt_file);
  const std::string jwt = text.substr(0, text.find('~'));
  const std::size_t dot1 = jwt.find('.');
  const std::size_t dot2 = jwt.find('.', dot1 + 1);
  ASSERT_NE(dot2, std::string::npos) << text;
  // The leaf of x5c, from the header, as the verifier gets it.
  Result<Bytes> header = jose::Base64UrlDecode(jwt.substr(0, dot1));
  ASSERT_TRUE(header.ok());
  const nlohmann::json h = nlohmann::json::parse(std::string(header->begin(), header->end()));
  ASSERT_TRUE(h.contains("x5c")) << h.dump();
  Result<Bytes> leaf = jose::Base64Decode(h["x5c"][0].get<std::string>());
  ASSERT_TRUE(leaf.ok());
  WriteBytes(Path("leaf.der"), *leaf);
  ToolResult pub = RunTool({"openssl", "x509", "-inform", "DER", "-in", Path("leaf.der"), "-noout",
                            "-pubkey", "-out", Path("leaf.pub")});
  ASSERT_EQ(pub.exit_code, 0) << pub.Describe();
  std::ofstream(Path("jwt.input"), std::ios::binary) << jwt.substr(0, dot2);
  Result<Bytes> raw = jose::Base64UrlDecode(jwt.substr(dot2 + 1));
  ASSERT_TRUE(raw.ok());
  Result<Bytes> der = jose::EcdsaJoseToDer(*raw);
  ASSERT_TRUE(der.ok());
  WriteBytes(Path("jwt.sig"), *der);
  ToolResult verified = RunTool({"openssl", "dgst", "-sha256", "-verify", Path("leaf.pub"),
                                 "-signature", Path("jwt.sig"), Path("jwt.input")});
  EXPECT_EQ(verified.exit_code, 0) << verified.Describe();
  EXPECT_NE(verified.out.find("Verified OK"), std::string::npos) << verified.out;
  // And the issuer certificate chains to the root with the openssl command.
  ToolResult chain = RunTool(
      {"openssl", "x509", "-inform", "DER", "-in", Path("leaf.der"), "-out", Path("leaf.pem")});
  ASSERT_EQ(chain.exit_code, 0) << chain.Describe();
  ToolResult trusted =
      RunTool({"openssl", "verify", "-CAfile", Path("root.pem"), Path("leaf.pem")});
  EXPECT_EQ(trusted.exit_code, 0) << trusted.Describe();
}

}  // namespace tessera::testing
