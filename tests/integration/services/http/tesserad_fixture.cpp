#include "tests/integration/services/http/tesserad_fixture.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "services/directory/database.hpp"

namespace tessera::testing {

void TesseradTest::SetUp() {
  pki_ = MakeTestPki(dir_.path());
  ASSERT_TRUE(pki_.error.empty()) << pki_.error;
  directory_url_ = "sqlite:" + (dir_ / "directory.db").string();
  // tesserad opens the directory without migrating it: the tools do that.
  auto database = directory::OpenDatabase(directory_url_);
  ASSERT_TRUE(database.ok()) << database.status().ToString();
}

std::vector<std::string> TesseradTest::BaseArgs() const {
  return {"--listen",        "127.0.0.1:0",
          "--listen",        "http://127.0.0.1:0",
          "--listen",        "unix:" + socket_path(),
          "--directory",     directory_url_,
          "--tls-cert",      pki_.server_cert,
          "--tls-key",       pki_.server_key,
          "--tls-client-ca", pki_.ca_cert,
          "--threads",       "2",
          "--home",          (dir_ / "home").string()};
}

void TesseradTest::Start(const std::vector<std::string>& extra) {
  std::vector<std::string> args = BaseArgs();
  args.insert(args.end(), extra.begin(), extra.end());
  daemon_ = std::make_unique<TesseradProcess>(args, dir_.path());
  ASSERT_TRUE(daemon_->WaitListening(3)) << daemon_->Stderr();
}

std::string TesseradTest::HttpsUrl(const std::string& path) const {
  return "https://127.0.0.1:" + std::to_string(daemon_->PortOf("https://")) + path;
}

std::string TesseradTest::HttpUrl(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(daemon_->PortOf("http://")) + path;
}

CurlResult TesseradTest::Curl(const std::string& url, const std::vector<std::string>& extra) const {
  const std::string header_file = (dir_ / "curl.headers").string();
  std::vector<std::string> argv = {"curl",     "-sS",        "--max-time", "20",
                                   "--cacert", pki_.ca_cert, "-D",         header_file};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(url);
  const ToolResult run = RunTool(argv);
  CurlResult result;
  result.exit_code = run.exit_code;
  result.body = run.out;
  result.err = run.err;
  std::ifstream in(header_file, std::ios::binary);
  std::ostringstream headers;
  headers << in.rdbuf();
  result.headers = headers.str();
  std::transform(result.headers.begin(), result.headers.end(), result.headers.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // The last status line (a 100 Continue may come first).
  const std::size_t at = result.headers.rfind("http/1.1 ");
  if (at != std::string::npos) result.status = std::stoi(result.headers.substr(at + 9, 3));
  return result;
}

}  // namespace tessera::testing
