#include "tests/integration/services/e2e/ca_daemon_fixture.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace tessera::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The JSON string form of `text` (PEM: newlines).
std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::string BackendName(Backend backend) {
  return backend == Backend::kSqlite ? "Sqlite" : "Postgresql";
}

void CaDaemonTest::SetUp() {
  home_ = dir_.path() / "home";
  std::filesystem::create_directories(home_);
  ::chmod(home_.c_str(), 0700);
  std::filesystem::create_directories(dir_.path() / "pki");
  pki_ = MakeTestPki(dir_.path() / "pki");
  ASSERT_TRUE(pki_.error.empty()) << pki_.error;
  url_ = GetParam() == Backend::kSqlite ? "sqlite:" + (home_ / "directory.db").string()
                                        : SharedPostgresServer().NewDatabase();

  for (const std::vector<std::string>& step : std::vector<std::vector<std::string>>{
           {"hsm", "init-softhsm", "--name", "ca"},
           {"directory", "migrate", "--directory", url_},
           {"ca", "init", "--hsm", "ca", "--name", "root", "--subject", "CN=E2E Root,O=Tessera",
            "--directory", url_},
       }) {
    ToolResult r = Cli(step);
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
  }
  ToolResult cert = Cli({"ca", "cert", "--ca", "root", "--directory", url_});
  ASSERT_EQ(cert.exit_code, 0) << cert.Describe();
  std::ofstream(Path("ca.pem")) << cert.out;

  ToolResult csr = Tool({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                         "ec_paramgen_curve:P-256", "-nodes", "-keyout", Path("leaf.key"), "-subj",
                         "/CN=e2e leaf", "-out", Path("leaf.csr")});
  ASSERT_EQ(csr.exit_code, 0) << csr.Describe();
  ToolResult leaf = Cli({"ca", "issue", "--ca", "root", "--profile", "user-signature", "--csr",
                         Path("leaf.csr"), "--directory", url_});
  ASSERT_EQ(leaf.exit_code, 0) << leaf.Describe();
  std::ofstream(Path("leaf.pem")) << leaf.out;
  ToolResult serial = Tool({"openssl", "x509", "-in", Path("leaf.pem"), "-noout", "-serial"});
  ASSERT_EQ(serial.exit_code, 0) << serial.Describe();
  leaf_serial_ = serial.out.substr(serial.out.find('=') + 1);
  while (!leaf_serial_.empty() && leaf_serial_.back() == '\n') leaf_serial_.pop_back();

  daemon_ = &StartDaemon("a");
}

ToolResult CaDaemonTest::Cli(const std::vector<std::string>& args) const {
  return RunTesseraCli(TESSERA_CLI_BINARY,
                       {"TESSERA_HOME=" + home_.string(), "TESSERA_TRANSPORTS=sim"}, args);
}

TesseradProcess& CaDaemonTest::StartDaemon(const std::string& name) {
  const std::filesystem::path logs = dir_.path() / ("tesserad-" + name);
  std::filesystem::create_directories(logs);
  daemons_.emplace_back(std::vector<std::string>{"--listen",        "127.0.0.1:0",
                                                 "--listen",        "http://127.0.0.1:0",
                                                 "--tls-cert",      pki_.server_cert,
                                                 "--tls-key",       pki_.server_key,
                                                 "--tls-client-ca", pki_.ca_cert,
                                                 "--home",          home_.string(),
                                                 "--hsm",           "ca",
                                                 "--services",      "ca",
                                                 "--directory",     url_,
                                                 "--access-log",    (logs / "access.log").string()},
                        logs);
  TesseradProcess& d = daemons_.back();
  EXPECT_TRUE(d.WaitListening(2)) << d.Stderr();
  return d;
}

std::string CaDaemonTest::HttpsUrl(const TesseradProcess& d, const std::string& path) {
  return "https://127.0.0.1:" + std::to_string(d.PortOf("https://")) + path;
}

std::string CaDaemonTest::HttpUrl(const TesseradProcess& d, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(d.PortOf("http://")) + path;
}

CurlResult CaDaemonTest::Curl(const std::string& url, const std::vector<std::string>& extra) const {
  const std::string header_file = Path("curl.headers");
  std::vector<std::string> argv = {"curl",     "-sS",        "--max-time", "30",
                                   "--cacert", pki_.ca_cert, "-D",         header_file};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(url);
  const ToolResult run = RunTool(argv);
  CurlResult result;
  result.exit_code = run.exit_code;
  result.body = run.out;
  result.err = run.err;
  result.headers = ReadFile(header_file);
  for (char& c : result.headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::size_t at = result.headers.rfind("http/1.1 ");
  if (at != std::string::npos) result.status = std::stoi(result.headers.substr(at + 9, 3));
  return result;
}

std::vector<std::string> CaDaemonTest::JsonPost(const std::string& body) {
  return {"-H", "Content-Type: application/json", "--data-binary", body};
}

std::vector<std::string> CaDaemonTest::WithClientCert(std::vector<std::string> args) const {
  args.insert(args.end(), {"--cert", pki_.client_cert, "--key", pki_.client_key});
  return args;
}

std::string CaDaemonTest::IssueBody(const std::string& profile, bool break_signature) {
  const std::string name = "csr" + std::to_string(++csrs_);
  ToolResult made = Tool({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                          "ec_paramgen_curve:P-256", "-nodes", "-keyout", Path(name + ".key"),
                          "-subj", "/CN=" + name, "-outform", "DER", "-out", Path(name + ".der")});
  EXPECT_EQ(made.exit_code, 0) << made.Describe();
  if (break_signature) {
    // Flip a bit in the signature (the DER's last byte).
    std::fstream f(Path(name + ".der"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-1, std::ios::end);
    char last = 0;
    f.get(last);
    f.seekp(-1, std::ios::end);
    f.put(static_cast<char>(last ^ 0x01));
  }
  ToolResult pem = Tool({"openssl", "req", "-inform", "DER", "-in", Path(name + ".der")});
  EXPECT_EQ(pem.exit_code, 0) << pem.Describe();
  return R"({"profile":")" + profile + R"(","csr":)" + JsonString(pem.out) + "}";
}

std::string CaDaemonTest::JsonField(const std::string& json, const std::string& name) {
  const std::string key = "\"" + name + "\":\"";
  const std::size_t at = json.find(key);
  if (at == std::string::npos) return "";
  const std::size_t start = at + key.size();
  return json.substr(start, json.find('"', start) - start);
}

ToolResult CaDaemonTest::Ocsp(const TesseradProcess& d) const {
  return Tool({"openssl", "ocsp", "-issuer", Path("ca.pem"), "-cert", Path("leaf.pem"), "-CAfile",
               Path("ca.pem"), "-url", HttpUrl(d, "/ca/root/ocsp")});
}

bool CaDaemonTest::FetchCrl(const TesseradProcess& d, const std::string& pem_name) {
  CurlResult got = Curl(HttpUrl(d, "/ca/root/crl"), {"-o", Path(pem_name + ".der")});
  EXPECT_EQ(got.status, 200) << got.err;
  EXPECT_NE(got.headers.find("content-type: application/pkix-crl"), std::string::npos)
      << got.headers;
  EXPECT_NE(got.headers.find("cache-control:"), std::string::npos) << got.headers;
  ToolResult pem = Tool(
      {"openssl", "crl", "-inform", "DER", "-in", Path(pem_name + ".der"), "-out", Path(pem_name)});
  EXPECT_EQ(pem.exit_code, 0) << pem.Describe();
  return got.status == 200 && pem.exit_code == 0;
}

ToolResult CaDaemonTest::VerifyWithCrl(const std::string& crl_pem) const {
  return Tool({"openssl", "verify", "-crl_check", "-CAfile", Path("ca.pem"), "-CRLfile",
               Path(crl_pem), Path("leaf.pem")});
}

int CaDaemonTest::CertificateCount() const {
  ToolResult status = Cli({"directory", "status", "--directory", url_});
  const std::size_t at = status.out.find("certificates ");
  if (status.exit_code != 0 || at == std::string::npos) return -1;
  return std::stoi(status.out.substr(status.out.find_first_not_of(' ', at + 13)));
}

}  // namespace tessera::testing
