// Support for the real-client tests: OpenSSL with libp11's engine, NSS,
// p11-kit and ssh-keygen, each run as a separate process against
// tessera-pkcs11.so and a tessera-sim of one token.
//
// ClientTest starts the simulator, puts keys and certificates on the token
// with pkcs11-tool, and keeps every file in the test's temporary directory.
// BackgroundProcess runs a server (openssl s_server) while a client talks
// to it; it owns the child and kills and reaps it on destruction. Both are
// used from the test thread only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/integration/pkcs11/module_harness.hpp"
#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {

inline constexpr char kUserPin[] = "123456";
// PIV slot 9A (PIV Authentication): no PIN per signature, unlike 9C.
inline constexpr char kAuthKeyId[] = "01";
// The labels the module gives slot 9A's objects (PIV has nowhere to keep
// a label of the user's, so a written label lasts only for the process).
inline constexpr char kAuthCertLabel[] = "X.509 Certificate for PIV Authentication";
inline constexpr char kAuthPublicKeyLabel[] = "Public key for PIV Authentication";

class ClientTest : public SimTest {
 protected:
  void SetUp() override;

  // `Tessera PIV #<serial>`, the token label every client shows.
  std::string TokenLabel() const;
  // RFC 7512 URI of the object with CKA_ID `id_hex` and `type` ("private",
  // "public", "cert") on this token; `pin` adds ?pin-value=.
  std::string ObjectUri(std::string_view id_hex, std::string_view type, bool pin = false) const;
  std::filesystem::path File(std::string_view name) const { return dir_ / name; }
  std::filesystem::path WriteFile(std::string_view name, std::string_view content) const;

  // A client run with TESSERA_SIM_DIR (and the sanitizer preload).
  CommandResult Run(const std::vector<std::string>& argv) const;
  // `pkcs11-tool --module <module> args...`, with a user login when `login`.
  CommandResult Tool(const std::vector<std::string>& args, bool login = false) const;

  // Each of these is for ASSERT_NO_FATAL_FAILURE.
  // A key generated on the token under `id_hex`; `key_type` as pkcs11-tool
  // takes it ("EC:prime256v1", "rsa:2048").
  void GenerateKey(std::string_view id_hex, std::string_view key_type = "EC:prime256v1");
  // A self-signed certificate for the token's key `id_hex`, made by
  // `openssl req -x509` through libp11's engine, written to `pem`.
  void SelfSignWithEngine(std::string_view id_hex, const std::filesystem::path& pem);
  // The token's public key `id_hex` as PEM SubjectPublicKeyInfo in `pem`,
  // read through libp11's engine (`openssl pkey -engine pkcs11`).
  void ReadPublicKeyWithEngine(std::string_view id_hex, const std::filesystem::path& pem);
  // `pem` converted to DER and written to the token under `id_hex`.
  void WriteCertificate(const std::filesystem::path& pem, std::string_view id_hex);
  // Key and certificate in one: what NSS and ssh want to find.
  void ProvisionAuthKeyWithCertificate(const std::filesystem::path& pem);

  std::uint32_t serial_ = 0;
};

// A process started in the background with the environment of RunClient
// plus `env` (NAME=VALUE), stdin from /dev/null and its output to `log`.
class BackgroundProcess {
 public:
  static std::unique_ptr<BackgroundProcess> Start(const std::vector<std::string>& argv,
                                                  const std::vector<std::string>& env,
                                                  const std::filesystem::path& run_dir,
                                                  const std::filesystem::path& log);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  // The first line of the log that starts with `prefix`, once the process
  // has written it; nullopt if it exits first or `limit` passes.
  std::optional<std::string> WaitForLine(std::string_view prefix,
                                         std::chrono::seconds limit = std::chrono::seconds(60));
  // The exit code (128 + signal), or -1 if it is still running after
  // `limit`, in which case it is killed.
  int Wait(std::chrono::seconds limit = std::chrono::seconds(60));
  std::string Log() const;

 private:
  BackgroundProcess(pid_t pid, std::filesystem::path log) : pid_(pid), log_(std::move(log)) {}
  bool Reap(bool block);

  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::filesystem::path log_;
};

// The port of s_server's "ACCEPT 127.0.0.1:PORT" line.
std::optional<std::string> AcceptedPort(const std::string& accept_line);

}  // namespace tessera::testing
