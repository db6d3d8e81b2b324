// tesserad's configuration errors, exit codes, signals (SIGTERM drains,
// SIGHUP reopens the access log), the access-log line and TLS versions.
#include <signal.h>

#include <fstream>
#include <thread>

#include "tests/integration/services/http/tesserad_fixture.hpp"

namespace tessera::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class TesseradLifecycle : public TesseradTest {
 protected:
  // Runs tesserad to completion with `args` (it must not start serving).
  ToolResult RunToExit(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {TESSERAD_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunTool(argv, seconds(30));
  }
  std::string WriteConfig(const std::string& text) {
    const std::string path = (dir_ / "tesserad.conf").string();
    std::ofstream(path) << text;
    return path;
  }
  std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

TEST_F(TesseradLifecycle, AConfigFileServesWithFlagsWinning) {
  const std::string config =
      WriteConfig("# test\nlisten = http://127.0.0.1:0\ndirectory = " + directory_url_ +
                  "\nthreads = 1\n[limits]\nbody_bytes = 10\n");
  daemon_ = std::make_unique<TesseradProcess>(
      std::vector<std::string>{"--config", config, "--limits-body-bytes", "5000"}, dir_.path());
  ASSERT_TRUE(daemon_->WaitListening(1)) << daemon_->Stderr();
  // 100 bytes: over the file's 10, under the flag's 5000.
  const CurlResult r = Curl(HttpUrl("/healthz"), {"--data-binary", std::string(100, 'x')});
  EXPECT_EQ(r.status, 405) << r.body;  // read whole, then refused for the method
}

TEST_F(TesseradLifecycle, ABadValueNamesTheKeyAndTheLineAndExits2) {
  const std::string config =
      WriteConfig("listen = http://127.0.0.1:0\n\n[limits]\nbody_bytes = lots\n");
  const ToolResult r = RunToExit({"--config", config});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_NE(r.err.find("tesserad.conf:4: limits.body_bytes:"), std::string::npos) << r.err;
}

TEST_F(TesseradLifecycle, AnUnknownKeyNamesItAndItsLineAndExits2) {
  const std::string config = WriteConfig("listen = http://127.0.0.1:0\n[tls]\ncertificate = x\n");
  const ToolResult r = RunToExit({"--config", config});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("tesserad.conf:3: unknown key tls.certificate"), std::string::npos) << r.err;
}

TEST_F(TesseradLifecycle, ABadListenFlagIsNamedAndExits2) {
  const ToolResult r = RunToExit({"--listen", "ftp://127.0.0.1:21", "--directory", directory_url_});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("flag --listen: listen:"), std::string::npos) << r.err;
}

TEST_F(TesseradLifecycle, AnUnknownFlagExits2) {
  const ToolResult r = RunToExit({"--listne", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
}

TEST_F(TesseradLifecycle, AnUnknownServiceExits2) {
  const ToolResult r = RunToExit({"--listen", "http://127.0.0.1:0", "--services", "ca,bogus"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_NE(r.err.find("unknown service \"bogus\""), std::string::npos) << r.err;
}

TEST_F(TesseradLifecycle, ATlsListenerWithoutAKeyExits2) {
  const ToolResult r = RunToExit({"--listen", "127.0.0.1:0", "--directory", directory_url_});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_NE(r.err.find("tls.cert"), std::string::npos) << r.err;
}

TEST_F(TesseradLifecycle, ATlsKeyOthersCanReadIsRefused) {
  std::filesystem::permissions(pki_.server_key, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  const ToolResult r = RunToExit(BaseArgs());
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.err.find("chmod 600"), std::string::npos) << r.err;
}

TEST_F(TesseradLifecycle, AnAddressInUseExits1) {
  Start();
  const ToolResult r =
      RunToExit({"--listen", "http://127.0.0.1:" + std::to_string(daemon_->PortOf("http://")),
                 "--directory", directory_url_});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.err.find("cannot listen on"), std::string::npos) << r.err;
}

TEST_F(TesseradLifecycle, SigtermDrainsARequestInFlightAndExits0) {
  Start();
  UniqueFd idle = ConnectTcp(daemon_->PortOf("http://"));
  UniqueFd busy = ConnectTcp(daemon_->PortOf("http://"));
  ASSERT_TRUE(idle.valid() && busy.valid());
  // A request whose body has not all arrived yet.
  ASSERT_TRUE(
      SendAll(busy.get(), "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nabc"));
  std::this_thread::sleep_for(milliseconds(300));
  daemon_->Signal(SIGTERM);
  // The idle keep-alive connection is closed; the busy one is answered.
  EXPECT_TRUE(ClosedWithin(idle.get(), seconds(5)));
  std::this_thread::sleep_for(milliseconds(300));
  ASSERT_TRUE(SendAll(busy.get(), "def"));
  const std::string answer = Receive(busy.get(), seconds(10));
  EXPECT_EQ(answer.rfind("HTTP/1.1 200 ", 0), 0u) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos);
  EXPECT_EQ(daemon_->Wait(seconds(10)), 0) << daemon_->Stderr();
  // New connections are refused once it stopped listening.
  EXPECT_FALSE(ConnectTcp(daemon_->PortOf("http://")).valid());
  EXPECT_FALSE(std::filesystem::exists(socket_path()));
}

TEST_F(TesseradLifecycle, TheAccessLogHasOneLinePerRequestAndSighupReopensIt) {
  const std::string log = (dir_ / "access.log").string();
  Start({"--access-log", log});
  ASSERT_EQ(Curl(HttpsUrl("/healthz"), {"-H", "X-Request-ID: first-1", "--cert", pki_.client_cert,
                                        "--key", pki_.client_key})
                .status,
            200);
  const std::string first = ReadFile(log);
  EXPECT_NE(first.find(" method=GET path=/healthz status=200 bytes="), std::string::npos) << first;
  EXPECT_NE(first.find(" request_id=first-1 client=\"CN=alice,O=Tessera Test\"\n"),
            std::string::npos)
      << first;
  EXPECT_NE(first.find(" remote=127.0.0.1:"), std::string::npos);
  EXPECT_NE(first.find(" duration_ms="), std::string::npos);

  std::filesystem::rename(log, log + ".1");
  daemon_->Signal(SIGHUP);
  std::this_thread::sleep_for(milliseconds(300));
  ASSERT_EQ(Curl(HttpUrl("/nope"), {"-H", "X-Request-ID: second-2"}).status, 404);
  const std::string second = ReadFile(log);
  EXPECT_NE(second.find("path=/nope status=404"), std::string::npos) << second;
  EXPECT_NE(second.find("request_id=second-2 client=-"), std::string::npos) << second;
  EXPECT_EQ(ReadFile(log + ".1").find("second-2"), std::string::npos);
}

// openssl s_client with one protocol version; its output.
ToolResult SClient(int port, const std::string& version, const std::string& ca) {
  return RunTool({"sh", "-c",
                  "openssl s_client -connect 127.0.0.1:" + std::to_string(port) + " " + version +
                      " -cipher DEFAULT:@SECLEVEL=0 -CAfile " + ca + " </dev/null 2>&1"},
                 seconds(20));
}

TEST_F(TesseradLifecycle, Tls13AndTls12AreServedAndTls11IsRefused) {
  Start();
  const int port = daemon_->PortOf("https://");
  const ToolResult v13 = SClient(port, "-tls1_3", pki_.ca_cert);
  EXPECT_NE(v13.out.find("TLSv1.3"), std::string::npos) << v13.out;
  EXPECT_NE(v13.out.find("Verify return code: 0 (ok)"), std::string::npos) << v13.out;
  const ToolResult v12 = SClient(port, "-tls1_2", pki_.ca_cert);
  EXPECT_NE(v12.out.find("Protocol  : TLSv1.2"), std::string::npos) << v12.out;
  const ToolResult v11 = SClient(port, "-tls1_1", pki_.ca_cert);
  EXPECT_NE(v11.exit_code, 0);
  EXPECT_NE(v11.out.find("Cipher is (NONE)"), std::string::npos) << v11.out;
  EXPECT_NE(v11.out.find("alert protocol version"), std::string::npos) << v11.out;
}

}  // namespace
}  // namespace tessera::testing
