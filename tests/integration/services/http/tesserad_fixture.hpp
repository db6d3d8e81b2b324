// The fixture of the tesserad tests: a temporary directory with a test PKI
// and a migrated SQLite directory, and helpers that start the real tesserad
// on 127.0.0.1 port 0 (TLS and plain) and on a UNIX socket, and drive it
// with curl.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/services/http/tesserad_process.hpp"
#include "tests/integration/services/http/test_pki.hpp"
#include "tests/support/run_tool.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::testing {

struct CurlResult {
  int exit_code = -1;
  int status = 0;
  std::string headers;  // lower-cased
  std::string body;
  std::string err;
};

class TesseradTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // The flags of a daemon with the three listeners and the test directory.
  std::vector<std::string> BaseArgs() const;
  // Starts tesserad with BaseArgs() + `extra`; fails the test if it does not listen.
  void Start(const std::vector<std::string>& extra = {});
  // curl against the TLS listener: `path`, extra curl arguments.
  CurlResult Curl(const std::string& url, const std::vector<std::string>& extra = {}) const;
  std::string HttpsUrl(const std::string& path) const;
  std::string HttpUrl(const std::string& path) const;
  std::string socket_path() const { return (dir_ / "tesserad.sock").string(); }

  TempDir dir_{"tessera-http"};
  TestPki pki_;
  std::string directory_url_;
  std::unique_ptr<TesseradProcess> daemon_;
};

}  // namespace tessera::testing
