// A throw-away PKI for the HTTP tests, made with the openssl binary in a
// test's temporary directory: a CA, a server certificate for 127.0.0.1 and
// localhost (key mode 0600), and a client certificate "CN=alice,O=Tessera
// Test" from the same CA.
#pragma once

#include <filesystem>
#include <string>

namespace tessera::testing {

struct TestPki {
  std::string ca_cert;
  std::string server_cert;
  std::string server_key;
  std::string client_cert;
  std::string client_key;
  std::string error;  // why making it failed, empty on success
};

TestPki MakeTestPki(const std::filesystem::path& dir);

}  // namespace tessera::testing
