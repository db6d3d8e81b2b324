// SoftHsmTest: a GoogleTest fixture with a fresh SoftHSM2 token for one test.
//
// SetUp makes a temporary directory with its own softhsm2.conf (so ~/.config
// and /etc are left alone), points SOFTHSM2_CONF at it and creates the token
// kLabel (user PIN kPin, SO PIN 5678) with softhsm2-util. SoftHSM2 keeps
// global state per process, so each test loads its own Pkcs11Library and
// drops it before the next. Skips when SoftHSM2 is not installed.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "hsm/pkcs11_library.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::hsm::testing {

inline constexpr char kSoftHsmModule[] = "/usr/lib/softhsm/libsofthsm2.so";
inline constexpr char kLabel[] = "tessera-test";
inline constexpr char kPin[] = "1234";

class SoftHsmTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Loads SoftHSM2; fails the test on error.
  std::shared_ptr<const Pkcs11Library> LoadSoftHsm();
  // Writes `content` to a file in the temp dir with `mode`; returns its path.
  std::string WriteFile(const std::string& name, const std::string& content, unsigned mode);

  tessera::testing::TempDir dir_{"tessera-hsm"};
};

}  // namespace tessera::hsm::testing
