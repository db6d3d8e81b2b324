#include "tests/integration/clients/client_matrix.hpp"

#include <cctype>
#include <fstream>

namespace tessera::testing {
void MatrixTest::SetUp() {
  ASSERT_NO_FATAL_FAILURE(ClientTest::SetUp());
  CommandResult r =
      Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
           "-nodes", "-days", "2", "-subj", "/CN=Tessera Client Matrix CA", "-addext",
           "keyUsage=critical,keyCertSign,cRLSign", "-keyout", File("ca.key").string(), "-out",
           File("ca.pem").string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  WriteFile("server.ext",
            "basicConstraints=critical,CA:FALSE\n"
            "keyUsage=critical,digitalSignature\n"
            "extendedKeyUsage=serverAuth\n"
            "subjectAltName=IP:127.0.0.1\n");
  r = Run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
           "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", File("server.key").string(), "-out",
           File("server.csr").string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = Run({"openssl", "x509", "-req", "-in", File("server.csr").string(), "-CA",
           File("ca.pem").string(), "-CAkey", File("ca.key").string(), "-set_serial", "1", "-days",
           "2", "-extfile", File("server.ext").string(), "-out", File("server.pem").string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

std::string MatrixTest::LabelOfToken(std::uint32_t serial) {
  return "Tessera PIV #" + std::to_string(serial);
}

std::string MatrixTest::TokenObjectUri(std::string_view token, std::string_view id_hex,
                                       std::string_view type) {
  std::string uri = "pkcs11:token=" + Pkcs11UriEncode(token);
  if (!id_hex.empty()) uri += ";id=" + Pkcs11UriEncodeHex(id_hex);
  if (!type.empty()) uri.append(";type=").append(type);
  return uri;
}

CommandResult MatrixTest::ToolOn(std::string_view token,
                                 const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"--token-label", std::string(token)};
  argv.insert(argv.end(), args.begin(), args.end());
  return Tool(argv, /*login=*/true);
}

CommandResult MatrixTest::RunWithEnv(const std::vector<std::string>& env,
                                     const std::vector<std::string>& argv) const {
  std::vector<std::string> cmd = {"env"};
  cmd.insert(cmd.end(), env.begin(), env.end());
  cmd.insert(cmd.end(), argv.begin(), argv.end());
  return Run(cmd);
}

void MatrixTest::GenerateKeyOn(std::string_view token, std::string_view id_hex,
                               std::string_view key_type) {
  CommandResult r = ToolOn(
      token, {"--keypairgen", "--key-type", std::string(key_type), "--id", std::string(id_hex)});
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

void MatrixTest::ExportPublicKey(std::string_view token, std::string_view id_hex,
                                 const std::filesystem::path& pem) {
  CommandResult r =
      RunWithEnv({std::string("GNUTLS_PIN=") + kUserPin},
                 {"p11tool", "--provider", ModulePath().string(), "--login", "--export-pubkey",
                  TokenObjectUri(token, id_hex, "public"), "--outfile", pem.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_NE(ReadFile(pem).find("-----BEGIN PUBLIC KEY-----"), std::string::npos) << r.output;
}

void MatrixTest::IssueCertificate(std::string_view token, std::string_view id_hex,
                                  std::string_view common_name, std::string_view eku,
                                  const std::filesystem::path& pem) {
  const std::string stem = pem.stem().string();
  const auto public_key = File(stem + "-token-pub.pem");
  ASSERT_NO_FATAL_FAILURE(ExportPublicKey(token, id_hex, public_key));
  // A request signed by a throwaway key; -force_pubkey puts the token's key
  // in the certificate instead (OpenSSL 3.0 has no `x509 -new`).
  const auto throwaway_key = File(stem + "-throwaway.key");
  const auto csr = File(stem + ".csr");
  CommandResult r = Run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                         "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=throwaway",
                         "-keyout", throwaway_key.string(), "-out", csr.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto ext = WriteFile(stem + ".ext",
                             "basicConstraints=critical,CA:FALSE\n"
                             "keyUsage=critical,digitalSignature\n"
                             "extendedKeyUsage=" +
                                 std::string(eku) + "\n");
  r = Run({"openssl",
           "x509",
           "-req",
           "-in",
           csr.string(),
           "-force_pubkey",
           public_key.string(),
           "-subj",
           "/CN=" + std::string(common_name),
           "-CA",
           File("ca.pem").string(),
           "-CAkey",
           File("ca.key").string(),
           "-set_serial",
           "0x" + std::string(id_hex) + "01",
           "-days",
           "2",
           "-extfile",
           ext.string(),
           "-out",
           pem.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

void MatrixTest::WriteCertificateOn(std::string_view token, const std::filesystem::path& pem,
                                    std::string_view id_hex) {
  std::filesystem::path der = pem;
  der.replace_extension(".der");
  CommandResult r =
      Run({"openssl", "x509", "-in", pem.string(), "-outform", "DER", "-out", der.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = ToolOn(token,
             {"--write-object", der.string(), "--type", "cert", "--id", std::string(id_hex)});
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

void MatrixTest::StartClientAuthServer(std::unique_ptr<BackgroundProcess>& server,
                                       std::string& port) {
  server = BackgroundProcess::Start(
      {"openssl", "s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-rev", "-cert",
       File("server.pem").string(), "-key", File("server.key").string(), "-Verify", "1", "-CAfile",
       File("ca.pem").string(), "-verify_return_error"},
      {}, run_dir(), File("s_server.log"));
  ASSERT_NE(server, nullptr);
  auto accept = server->WaitForLine("ACCEPT ");
  ASSERT_TRUE(accept.has_value()) << server->Log();
  auto accepted = AcceptedPort(*accept);
  ASSERT_TRUE(accepted.has_value()) << *accept;
  port = *accepted;
}

std::string MatrixTest::Sha256Fingerprint(const std::filesystem::path& pem) const {
  // "sha256 Fingerprint=AA:BB:..."
  CommandResult r =
      Run({"openssl", "x509", "-in", pem.string(), "-noout", "-fingerprint", "-sha256"});
  const std::size_t eq = r.output.find('=');
  if (r.exit_code != 0 || eq == std::string::npos) return "";
  std::string fingerprint = r.output.substr(eq + 1);
  while (!fingerprint.empty() && std::isspace(static_cast<unsigned char>(fingerprint.back()))) {
    fingerprint.pop_back();
  }
  return fingerprint;
}

}  // namespace tessera::testing
