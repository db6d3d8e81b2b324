// OpenSSH 9.2: `ssh -I <module>` logs in to a real sshd on 127.0.0.1 with a
// key on the token (P-256, RSA-2048), and ssh-agent, started with an
// allowlist (-P), takes the module from `ssh-add -s` and signs for ssh.
//
// The sshd is the test's own: config, host key, AuthorizedKeysFile and
// PidFile in the temporary directory, a free port on 127.0.0.1, no PAM, and
// a ForceCommand that prints a marker. It runs as the current user and lets
// only that user in.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/clients/client_matrix.hpp"

namespace tessera::testing {
namespace {

constexpr char kLoginMarker[] = "tessera-ssh-login-ok";

// A port on 127.0.0.1 that was free a moment ago (sshd has no port 0).
std::string SshdFreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  std::string port;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = std::to_string(ntohs(addr.sin_port));
  }
  ::close(fd);
  return port;
}

std::string CurrentUserName() {
  const passwd* pw = ::getpwuid(::geteuid());
  return pw != nullptr ? pw->pw_name : "";
}

class OpensshTest : public MatrixTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MatrixTest::SetUp());
    user_ = CurrentUserName();
    ASSERT_FALSE(user_.empty());
    // Prints the PIN for ssh and ssh-add, and records each prompt.
    const auto askpass =
        WriteFile("askpass", "#!/bin/sh\necho \"$*\" >> \"" + File("askpass.log").string() +
                                 "\"\necho " + kUserPin + "\n");
    std::filesystem::permissions(askpass, std::filesystem::perms::owner_all);
  }

  // sshd, its host key and known_hosts; `authorized_keys` is its
  // AuthorizedKeysFile. Use with ASSERT_NO_FATAL_FAILURE.
  void StartSshd(const std::string& authorized_keys) {
    // As root, sshd needs its privilege separation directory, which the
    // openssh-server package's unit makes at boot (RuntimeDirectory=sshd).
    if (::geteuid() == 0 && !std::filesystem::exists("/run/sshd")) {
      std::filesystem::create_directories("/run/sshd");
      ::chmod("/run/sshd", 0755);
    }
    WriteFile("authorized_keys", authorized_keys);
    CommandResult r = Run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test host key",
                           "-f", File("host_key").string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    port_ = SshdFreePort();
    ASSERT_FALSE(port_.empty());
    WriteFile("sshd_config", "ListenAddress 127.0.0.1:" + port_ +
                                 "\n"
                                 "HostKey " +
                                 File("host_key").string() +
                                 "\n"
                                 "AuthorizedKeysFile " +
                                 File("authorized_keys").string() +
                                 "\n"
                                 "PidFile " +
                                 File("sshd.pid").string() +
                                 "\n"
                                 "AllowUsers " +
                                 user_ +
                                 "\n"
                                 "UsePAM no\n"
                                 "StrictModes no\n"
                                 "PubkeyAuthentication yes\n"
                                 "PasswordAuthentication no\n"
                                 "KbdInteractiveAuthentication no\n"
                                 "PermitRootLogin prohibit-password\n"
                                 "LogLevel VERBOSE\n"
                                 "ForceCommand echo " +
                                 kLoginMarker + "\n");
    WriteFile("known_hosts", "[127.0.0.1]:" + port_ + " " + ReadFile(File("host_key.pub")));
    // -D: in the foreground, our child; -e: its log on stderr. sshd never
    // loads the module, so it runs without the sanitizer preload.
    sshd_ =
        BackgroundProcess::Start({"/usr/sbin/sshd", "-D", "-e", "-f", File("sshd_config").string()},
                                 {"LD_PRELOAD="}, run_dir(), File("sshd.log"));
    ASSERT_NE(sshd_, nullptr);
    ASSERT_TRUE(sshd_->WaitForLine("Server listening on 127.0.0.1 port " + port_).has_value())
        << sshd_->Log();
  }

  // The environment of every ssh program here: the PIN from askpass.
  std::vector<std::string> SshEnv() const {
    return {"SSH_ASKPASS=" + File("askpass").string(), "SSH_ASKPASS_REQUIRE=force"};
  }

  // ssh to the test's sshd; `options` before the destination.
  CommandResult Ssh(const std::vector<std::string>& options) const {
    std::vector<std::string> argv = {"ssh", "-n",
                                     "-F",  "/dev/null",
                                     "-o",  "UserKnownHostsFile=" + File("known_hosts").string(),
                                     "-o",  "StrictHostKeyChecking=yes",
                                     "-o",  "BatchMode=no",
                                     "-p",  port_};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back(user_ + "@127.0.0.1");
    return RunWithEnv(SshEnv(), argv);
  }

  // The line of `ssh-keygen -D` for the key whose public key object is
  // labelled `label`.
  std::string TokenKeyLine(const std::string& label) {
    CommandResult r = Run({"ssh-keygen", "-D", ModulePath().string()});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    std::istringstream lines(r.output);
    for (std::string line; std::getline(lines, line);) {
      if (line.size() > label.size() && line.ends_with(" " + label)) return line;
    }
    ADD_FAILURE() << "no key labelled " << label << " in\n" << r.output;
    return "";
  }

  // "SHA256:..." of the key in `line` (ssh-keygen -l).
  std::string FingerprintOf(const std::string& line) {
    const auto file = WriteFile("fingerprint.pub", line + "\n");
    CommandResult r = Run({"ssh-keygen", "-l", "-f", file.string()});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    std::istringstream fields(r.output);
    std::string bits, fingerprint;
    fields >> bits >> fingerprint;
    return fingerprint;
  }

  // sshd's "Accepted publickey for <user> ... ssh2: <type> <fingerprint>".
  void ExpectAccepted(const std::string& type, const std::string& fingerprint) {
    const std::string accepted = "Accepted publickey for " + user_ + " from 127.0.0.1 port ";
    auto line = sshd_->WaitForLine(accepted, std::chrono::seconds(10));
    if (!line.has_value()) {
      // WaitForLine matches at the start of a line; sshd -e prefixes none.
      ADD_FAILURE() << sshd_->Log();
      return;
    }
    // sshd -e ends its lines with "\r\n".
    EXPECT_NE(line->find("ssh2: " + type + " " + fingerprint), std::string::npos)
        << *line << "\nexpected " << type << " " << fingerprint;
  }

  std::string user_;
  std::string port_;
  std::unique_ptr<BackgroundProcess> sshd_;
};

TEST_F(OpensshTest, SshLogsInWithAP256KeyOnTheToken) {
  ASSERT_NO_FATAL_FAILURE(GenerateKey(kAuthKeyId));
  const std::string key = TokenKeyLine(kAuthPublicKeyLabel);
  ASSERT_FALSE(key.empty());
  ASSERT_NO_FATAL_FAILURE(StartSshd(key + "\n"));

  // No agent from the environment: only the module's keys.
  CommandResult r = Ssh({"-o", "IdentityAgent=none", "-I", ModulePath().string()});
  ASSERT_EQ(r.exit_code, 0) << r.output << sshd_->Log();
  EXPECT_NE(r.output.find(kLoginMarker), std::string::npos) << r.output;
  ExpectAccepted("ECDSA", FingerprintOf(key));
  // ssh logged in to the token to sign, with the PIN from askpass.
  EXPECT_NE(ReadFile(File("askpass.log")).find("Enter PIN for '" + TokenLabel() + "'"),
            std::string::npos)
      << ReadFile(File("askpass.log"));
}

// ssh offers the token's keys in order and the server takes only the RSA
// key (9D); the ones before it are refused, well within MaxAuthTries.
TEST_F(OpensshTest, SshLogsInWithAnRsaKeyOnTheToken) {
  ASSERT_NO_FATAL_FAILURE(GenerateKey("03", "rsa:2048"));
  const std::string key = TokenKeyLine("Public key for Key Management");
  ASSERT_EQ(key.rfind("ssh-rsa ", 0), 0u) << key;
  ASSERT_NO_FATAL_FAILURE(StartSshd(key + "\n"));

  // No agent from the environment: only the module's keys.
  CommandResult r = Ssh({"-o", "IdentityAgent=none", "-I", ModulePath().string()});
  ASSERT_EQ(r.exit_code, 0) << r.output << sshd_->Log();
  EXPECT_NE(r.output.find(kLoginMarker), std::string::npos) << r.output;
  ExpectAccepted("RSA", FingerprintOf(key));
}

// OpenSSH 9.2 takes no EdDSA key from a PKCS#11 module (9.4 added it):
// ssh-keygen -D says so for the Ed25519 key and lists the others.
TEST_F(OpensshTest, SshSkipsAnEd25519KeyOnTheToken) {
  ASSERT_NO_FATAL_FAILURE(GenerateKey(kAuthKeyId));
  ASSERT_NO_FATAL_FAILURE(GenerateKey("04", "EC:edwards25519"));
  CommandResult r = Run({"ssh-keygen", "-D", ModulePath().string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("skipping unsupported key type"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(kAuthPublicKeyLabel), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Public key for Card Authentication"), std::string::npos) << r.output;
}

TEST_F(OpensshTest, AgentWithAnAllowlistAddsTheModuleAndSignsForSsh) {
  ASSERT_NO_FATAL_FAILURE(GenerateKey(kAuthKeyId));
  const std::string key = TokenKeyLine(kAuthPublicKeyLabel);
  ASSERT_FALSE(key.empty());
  ASSERT_NO_FATAL_FAILURE(StartSshd(key + "\n"));

  // ssh-agent matches -P against the canonical path of the module.
  const std::string module = std::filesystem::canonical(ModulePath()).string();
  const std::string socket = File("agent.sock").string();
  std::vector<std::string> agent_env;
  const std::string preload = TESSERA_SANITIZER_PRELOAD;
  if (!preload.empty()) {
    // ssh-agent is setgid (_ssh): the loader drops LD_PRELOAD for it and
    // its children, so ssh-pkcs11-helper, which loads the module, gets the
    // runtime back through a wrapper named by SSH_PKCS11_HELPER.
    const auto helper =
        WriteFile("pkcs11-helper",
                  "#!/bin/sh\nexec env LD_PRELOAD=" + preload +
                      " ASAN_OPTIONS=detect_leaks=0 /usr/lib/openssh/ssh-pkcs11-helper \"$@\"\n");
    std::filesystem::permissions(helper, std::filesystem::perms::owner_all);
    agent_env.push_back("SSH_PKCS11_HELPER=" + helper.string());
  }
  auto agent = BackgroundProcess::Start({"ssh-agent", "-D", "-a", socket, "-P", module}, agent_env,
                                        run_dir(), File("agent.log"));
  ASSERT_NE(agent, nullptr);
  ASSERT_TRUE(agent->WaitForLine("SSH_AUTH_SOCK=").has_value()) << agent->Log();

  std::vector<std::string> env = SshEnv();
  env.push_back("SSH_AUTH_SOCK=" + socket);
  CommandResult r = RunWithEnv(env, {"ssh-add", "-s", module});
  ASSERT_EQ(r.exit_code, 0) << r.output << agent->Log();
  EXPECT_NE(r.output.find("Card added: " + module), std::string::npos) << r.output;
  EXPECT_NE(ReadFile(File("askpass.log")).find("Enter passphrase for PKCS#11"), std::string::npos)
      << ReadFile(File("askpass.log"));

  r = RunWithEnv(env, {"ssh-add", "-l"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string fingerprint = FingerprintOf(key);
  EXPECT_NE(r.output.find(fingerprint + " Public key for PIV Authentication (ECDSA)"),
            std::string::npos)
      << r.output;

  // A module outside the allowlist is refused (p11-kit's proxy here).
  r = RunWithEnv(env, {"ssh-add", "-s", TESSERA_P11KIT_PROXY});
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("agent refused operation"), std::string::npos) << r.output;

  // ssh without -I: the agent signs with the token.
  r = Ssh({"-o", "IdentityAgent=" + socket});
  ASSERT_EQ(r.exit_code, 0) << r.output << sshd_->Log();
  EXPECT_NE(r.output.find(kLoginMarker), std::string::npos) << r.output;
  ExpectAccepted("ECDSA", fingerprint);
}

}  // namespace
}  // namespace tessera::testing
