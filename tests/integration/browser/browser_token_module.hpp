// BrowserTokenModule: tessera-pkcs11.so as a browser test's Firefox loads it,
// taking its tokens from one tessera-sim run directory.
//
// In a build without sanitizers Firefox loads tessera-pkcs11.so itself. In a
// sanitizer build it cannot: the module needs the sanitizer runtime
// preloaded, and Firefox with libasan.so preloaded dies at start (SIGSEGV;
// its allocator, mozjemalloc, lives in the firefox executable). There the
// module runs in `p11-kit server` with the runtime preloaded, and Firefox
// loads p11-kit-client.so, which forwards every PKCS#11 call to it over a
// UNIX socket. Tokens, labels, serials, logins and signatures are the
// module's either way, and the module keeps its sanitizer checks.
//
// Errors: Start fails when p11-kit server does not come up (its log in the
// message). The destructor stops the server. Used from the test thread only.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "tests/integration/browser/server_process.hpp"
#include "tests/support/firefox_harness.hpp"

namespace tessera::testing {

class BrowserTokenModule {
 public:
  // `work_dir` (made if missing) holds the bridge's socket and log; keep it
  // short, a UNIX socket path has 107 bytes.
  static Result<std::unique_ptr<BrowserTokenModule>> Start(const std::filesystem::path& sim_run_dir,
                                                           const std::filesystem::path& work_dir);

  // The library for the profile's module database.
  const std::filesystem::path& library() const { return library_; }
  // NAME=VALUE that the library needs in Firefox's environment.
  const std::vector<std::string>& env() const { return env_; }
  // True when Firefox reaches the module through p11-kit server.
  bool bridged() const { return server_ != nullptr; }
  // `options` with the module and its environment set.
  void AddTo(FirefoxOptions& options) const;

 private:
  BrowserTokenModule() = default;

  std::filesystem::path library_;
  std::vector<std::string> env_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace tessera::testing
