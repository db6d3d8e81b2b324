// MatrixTest: the fixture of the client-matrix tests (issue 16): GnuTLS,
// OpenSSH, Java, p11-kit server and libp11, each the real program run
// against tessera-pkcs11.so and tessera-sim tokens in the test's temporary
// directory (ClientTest, tests/integration/pkcs11/client_support.hpp).
//
// On top of ClientTest it keeps a test CA (ca.pem, ca.key) and a server
// certificate from it for IP 127.0.0.1 (server.pem, server.key), and issues
// certificates from that CA for keys on a token. The public key is read
// with p11tool rather than libp11's engine, so an Ed25519 key gets one too
// (the engine cannot even enumerate a token that holds one). Tokens are
// named by label, so a test may restart the simulator with more tokens.
//
// Every helper is for ASSERT_NO_FATAL_FAILURE. Used from the test thread.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/integration/pkcs11/client_support.hpp"

namespace tessera::testing {

class MatrixTest : public ClientTest {
 protected:
  void SetUp() override;

  // `Tessera PIV #<serial>`.
  static std::string LabelOfToken(std::uint32_t serial);
  // RFC 7512 URI of the token `token`, or of its object `id_hex` of `type`
  // ("private", "public", "cert") when `id_hex` is not empty.
  static std::string TokenObjectUri(std::string_view token, std::string_view id_hex = "",
                                    std::string_view type = "");

  // `pkcs11-tool --module <module> --token-label <token> --login args...`.
  CommandResult ToolOn(std::string_view token, const std::vector<std::string>& args) const;
  // `argv` with NAME=VALUE `env` added (through env(1)).
  CommandResult RunWithEnv(const std::vector<std::string>& env,
                           const std::vector<std::string>& argv) const;

  // A key pair generated on `token` under `id_hex` (pkcs11-tool's key type:
  // "EC:prime256v1", "rsa:2048", "EC:edwards25519").
  void GenerateKeyOn(std::string_view token, std::string_view id_hex, std::string_view key_type);
  // The public key `id_hex` of `token` as PEM SubjectPublicKeyInfo, read by
  // `p11tool --export-pubkey` (it logs in to find the key).
  void ExportPublicKey(std::string_view token, std::string_view id_hex,
                       const std::filesystem::path& pem);
  // A certificate from the test CA for that key, subject CN=`common_name`,
  // with the extended key usage `eku` ("clientAuth", "codeSigning").
  void IssueCertificate(std::string_view token, std::string_view id_hex,
                        std::string_view common_name, std::string_view eku,
                        const std::filesystem::path& pem);
  // `pem` written to `token` as the certificate object `id_hex`.
  void WriteCertificateOn(std::string_view token, const std::filesystem::path& pem,
                          std::string_view id_hex);

  // openssl s_server on 127.0.0.1 with server.pem, for one connection, that
  // requires a client certificate from the test CA (-Verify 1) and sends
  // each line back reversed (-rev). Its log names the peer certificate, the
  // signature type and "Verification: OK". Sets `port`.
  void StartClientAuthServer(std::unique_ptr<BackgroundProcess>& server, std::string& port);

  // "AA:BB:..." of `pem`'s SHA-256 fingerprint (openssl x509); empty on error.
  std::string Sha256Fingerprint(const std::filesystem::path& pem) const;
};

}  // namespace tessera::testing
