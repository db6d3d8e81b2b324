// SoftHsmTest: a GoogleTest fixture with a fresh SoftHSM2 token for one test.
//
// SetUp makes a temporary directory with its own softhsm2.conf (so ~/.config
// and /etc are left alone), points SOFTHSM2_CONF at it and creates the token
// kLabel (user PIN kPin, SO PIN 5678) with softhsm2-util. InitToken adds more
// tokens to the same configuration: the ceremony tests stand the
// key-management HSM and the access-server HSM up as two tokens, because
// SoftHSM2 keeps global state per process and one process cannot load two
// configurations. Each test loads its own Pkcs11Library and drops it before
// the next. Skips when SoftHSM2 is not installed.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "hsm/hsm_token.hpp"
#include "hsm/pkcs11_library.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::hsm::testing {

inline constexpr char kSoftHsmModule[] = "/usr/lib/softhsm/libsofthsm2.so";
inline constexpr char kLabel[] = "tessera-test";
inline constexpr char kPin[] = "1234";
inline constexpr char kPinVariable[] = "TESSERA_TEST_HSM_PIN";
// The ceremony's two HSMs (DESIGN.md "The HSM adapter").
inline constexpr char kKeyManagementLabel[] = "tessera-kms";    // HSM2
inline constexpr char kAccessServerLabel[] = "tessera-access";  // HSM1

class SoftHsmTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Loads SoftHSM2; fails the test on error.
  std::shared_ptr<const Pkcs11Library> LoadSoftHsm();
  // Creates one more token `label` (user PIN kPin); call before LoadSoftHsm.
  void InitToken(const std::string& label);
  // HsmToken::Open with kPin from kPinVariable; fails the test on error.
  Result<HsmToken> OpenToken(std::shared_ptr<const Pkcs11Library> library,
                             const std::string& label);
  // Writes `content` to a file in the temp dir with `mode`; returns its path.
  std::string WriteFile(const std::string& name, const std::string& content, unsigned mode);

  tessera::testing::TempDir dir_{"tessera-hsm"};
};

// SoftHsmTest with SoftHSM2 loaded and token kLabel open and logged in.
class OpenTokenTest : public SoftHsmTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  HsmToken& token() { return *token_; }

  std::shared_ptr<const Pkcs11Library> library_;
  std::optional<HsmToken> token_;
};

}  // namespace tessera::hsm::testing
