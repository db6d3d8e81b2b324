#include "tests/integration/services/http/test_pki.hpp"

#include <fstream>

#include "tests/support/run_tool.hpp"

namespace tessera::testing {
namespace {

bool Run(const std::vector<std::string>& argv, std::string* error) {
  const ToolResult result = RunTool(argv);
  if (result.exit_code == 0) return true;
  *error = argv[0] + " " + argv[1] + ": " + result.Describe();
  return false;
}

bool Issue(const std::filesystem::path& dir, const std::string& name, const std::string& subject,
           const std::string& extensions, TestPki* pki) {
  const std::string key = (dir / (name + ".key")).string();
  const std::string csr = (dir / (name + ".csr")).string();
  const std::string cert = (dir / (name + ".pem")).string();
  const std::string ext = (dir / (name + ".ext")).string();
  std::ofstream(ext) << extensions << "\n";
  return Run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
              "-nodes", "-keyout", key, "-out", csr, "-subj", subject},
             &pki->error) &&
         Run({"openssl", "x509", "-req", "-in", csr, "-CA", pki->ca_cert, "-CAkey",
              (dir / "ca.key").string(), "-CAcreateserial", "-days", "2", "-out", cert, "-extfile",
              ext},
             &pki->error) &&
         std::filesystem::exists(cert);
}

}  // namespace

TestPki MakeTestPki(const std::filesystem::path& dir) {
  TestPki pki;
  pki.ca_cert = (dir / "ca.pem").string();
  if (!Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", (dir / "ca.key").string(), "-out", pki.ca_cert, "-subj",
            "/CN=Tessera Test CA", "-days", "2"},
           &pki.error)) {
    return pki;
  }
  if (!Issue(dir, "server", "/CN=localhost",
             "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth", &pki)) {
    return pki;
  }
  if (!Issue(dir, "client", "/O=Tessera Test/CN=alice", "extendedKeyUsage=clientAuth", &pki)) {
    return pki;
  }
  pki.server_cert = (dir / "server.pem").string();
  pki.server_key = (dir / "server.key").string();
  pki.client_cert = (dir / "client.pem").string();
  pki.client_key = (dir / "client.key").string();
  std::filesystem::permissions(
      pki.server_key, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return pki;
}

}  // namespace tessera::testing
