// MakeFirefoxProfile: a fresh Firefox profile for a browser test (the
// profile half of tests/support/firefox_harness.hpp, which says what is in
// it and why the module goes into the profile's NSS module database rather
// than a policies.json).
//
// Errors: kInternal with the failing tool's output (certutil, modutil).
// Thread-compatible.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace tessera::testing {

struct FirefoxProfileSpec {
  std::vector<std::filesystem::path> trusted_cas;  // PEM, trusted for TLS servers
  std::filesystem::path pkcs11_module;             // none when empty
  std::string pkcs11_module_name;
  std::vector<std::string> module_env;  // NAME=VALUE for modutil, which loads the module
};

// user.js and an NSS database (cert9.db, key4.db, pkcs11.txt) in `dir`,
// which must exist and be empty.
Status MakeFirefoxProfile(const std::filesystem::path& dir, const FirefoxProfileSpec& spec);

}  // namespace tessera::testing
