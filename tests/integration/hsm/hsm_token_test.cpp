// The HSM adapter's client against a real SoftHSM2 token: loading, finding
// the token by label, logging in, and the SoftHSM2 quirks.
#include "hsm/hsm_token.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "hsm/hsm_quirks.hpp"
#include "hsm/key_object.hpp"
#include "tests/integration/hsm/softhsm_fixture.hpp"
#include "tests/integration/hsm/test_keys.hpp"

namespace tessera::hsm::testing {
namespace {

using HsmTokenTest = SoftHsmTest;

// True when no session other than `ours` is open: SoftHSM2 hands out small
// handles from 1 and reuses closed ones, so every lower handle must be dead.
bool OnlySessionOpen(const CK_FUNCTION_LIST& f, CK_SESSION_HANDLE ours) {
  for (CK_SESSION_HANDLE h = 1; h < ours; ++h) {
    CK_SESSION_INFO info{};
    if (f.C_GetSessionInfo(h, &info) != CKR_SESSION_HANDLE_INVALID) return false;
  }
  return true;
}

TEST(Pkcs11Library, MissingModuleIsNotFoundNamingThePath) {
  auto library = Pkcs11Library::Load("/nonexistent/libnohsm.so");
  ASSERT_FALSE(library.ok());
  EXPECT_EQ(library.status().code(), Code::kNotFound);
  EXPECT_NE(library.status().message().find("/nonexistent/libnohsm.so"), std::string::npos);
}

TEST(Pkcs11Library, FileWithoutPkcs11SymbolsIsRefusedClearly) {
  // zlib: a shared library on every Debian system, and no PKCS#11 module.
  const char* zlib = "/lib/x86_64-linux-gnu/libz.so.1";
  if (::access(zlib, R_OK) != 0) GTEST_SKIP() << zlib << " not found";
  auto library = Pkcs11Library::Load(zlib);
  ASSERT_FALSE(library.ok());
  EXPECT_EQ(library.status().code(), Code::kInvalidArgument);
  EXPECT_NE(library.status().message().find(std::string(zlib) + " is not a PKCS#11 module"),
            std::string::npos)
      << library.status().ToString();
}

TEST(Pkcs11Library, AFileThatIsNoLibraryIsTheSettingsFaultNamingThePath) {
  // A text file where hsm.module should name a module: dlopen's reason, and
  // kInvalidArgument (the user's setting), not an internal error.
  const std::string text = (std::filesystem::temp_directory_path() /
                            ("tessera-not-a-module-" + std::to_string(::getpid()) + ".so"))
                               .string();
  std::ofstream(text) << "hsm.module = /usr/lib/softhsm/libsofthsm2.so\n";
  auto library = Pkcs11Library::Load(text);
  std::filesystem::remove(text);
  ASSERT_FALSE(library.ok());
  EXPECT_EQ(library.status().code(), Code::kInvalidArgument);
  EXPECT_NE(library.status().message().find("cannot load PKCS#11 module " + text + ": "),
            std::string::npos)
      << library.status().ToString();
}

TEST_F(HsmTokenTest, LoadsSoftHsmAndFindsTheTokenByLabel) {
  auto library = LoadSoftHsm();
  ASSERT_TRUE(library);
  auto slot = HsmToken::FindSlot(*library, kLabel);
  ASSERT_TRUE(slot.ok()) << slot.status().ToString();
  CK_TOKEN_INFO info{};
  ASSERT_EQ(library->functions().C_GetTokenInfo(*slot, &info), static_cast<CK_RV>(CKR_OK));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(info.label), 12), kLabel);
}

TEST_F(HsmTokenTest, UnknownLabelIsNotFoundNamingTheLabel) {
  auto library = LoadSoftHsm();
  ASSERT_TRUE(library);
  ::setenv("TESSERA_TEST_HSM_PIN", kPin, 1);
  auto token =
      HsmToken::Open(library, "no-such-token", PinSource::FromEnvironment("TESSERA_TEST_HSM_PIN"));
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().code(), Code::kNotFound);
  EXPECT_NE(token.status().message().find("no HSM token labelled 'no-such-token'"),
            std::string::npos)
      << token.status().message();
  // A label is a prefix of nothing: padding is compared too.
  EXPECT_FALSE(HsmToken::FindSlot(*library, "tessera").ok());
}

TEST_F(HsmTokenTest, LogsInWithThePinFromTheEnvironment) {
  auto library = LoadSoftHsm();
  ASSERT_TRUE(library);
  ::setenv("TESSERA_TEST_HSM_PIN", kPin, 1);
  auto token = HsmToken::Open(library, kLabel, PinSource::FromEnvironment("TESSERA_TEST_HSM_PIN"));
  ::unsetenv("TESSERA_TEST_HSM_PIN");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_TRUE(token->session().logged_in());
  CK_SESSION_INFO info{};
  ASSERT_EQ(library->functions().C_GetSessionInfo(token->session().handle(), &info),
            static_cast<CK_RV>(CKR_OK));
  EXPECT_EQ(info.state, static_cast<CK_STATE>(CKS_RW_USER_FUNCTIONS));
}

TEST_F(HsmTokenTest, LogsInWithThePinFromAPrivateFile) {
  auto library = LoadSoftHsm();
  ASSERT_TRUE(library);
  std::string path = WriteFile("pin", std::string(kPin) + "\n", 0600);
  auto token = HsmToken::Open(library, kLabel, PinSource::FromFile(path));
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_TRUE(token->session().logged_in());
}

TEST_F(HsmTokenTest, RefusesAPinFileOthersCanRead) {
  auto library = LoadSoftHsm();
  ASSERT_TRUE(library);
  std::string path = WriteFile("pin", std::string(kPin) + "\n", 0644);
  auto token = HsmToken::Open(library, kLabel, PinSource::FromFile(path));
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().code(), Code::kSecurityStatus);
  EXPECT_NE(token.status().message().find("0644"), std::string::npos) << token.status().message();
  EXPECT_NE(token.status().message().find(path), std::string::npos);
}

TEST_F(HsmTokenTest, WrongPinNamesTheTokenAndLeavesNoSessionOpen) {
  auto library = LoadSoftHsm();
  ASSERT_TRUE(library);
  std::string path = WriteFile("pin", "9999\n", 0600);
  auto token = HsmToken::Open(library, kLabel, PinSource::FromFile(path));
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().code(), Code::kSecurityStatus);
  const std::string& msg = token.status().message();
  EXPECT_NE(msg.find("CKR_PIN_INCORRECT"), std::string::npos) << msg;
  EXPECT_NE(msg.find(std::string("'") + kLabel + "'"), std::string::npos) << msg;

  auto slot = HsmToken::FindSlot(*library, kLabel);
  ASSERT_TRUE(slot.ok());
  const CK_FUNCTION_LIST& f = library->functions();
  CK_SESSION_HANDLE probe = CK_INVALID_HANDLE;
  ASSERT_EQ(f.C_OpenSession(*slot, CKF_SERIAL_SESSION, nullptr, nullptr, &probe),
            static_cast<CK_RV>(CKR_OK));
  EXPECT_TRUE(OnlySessionOpen(f, probe));
  CK_SESSION_INFO info{};
  ASSERT_EQ(f.C_GetSessionInfo(probe, &info), static_cast<CK_RV>(CKR_OK));
  EXPECT_EQ(info.state, static_cast<CK_STATE>(CKS_RO_PUBLIC_SESSION));  // nobody logged in
  f.C_CloseSession(probe);
}

TEST_F(HsmTokenTest, SoftHsmQuirksMatchItsMechanismList) {
  auto library = LoadSoftHsm();
  ASSERT_TRUE(library);
  ::setenv("TESSERA_TEST_HSM_PIN", kPin, 1);
  auto token = HsmToken::Open(library, kLabel, PinSource::FromEnvironment("TESSERA_TEST_HSM_PIN"));
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(token->quirks().name, "SoftHSM2");
  EXPECT_TRUE(token->quirks().supports_aes_ecb_encrypt_data);
  EXPECT_TRUE(token->quirks().supports_aes_cbc_encrypt_data);
  EXPECT_FALSE(token->quirks().supports_rsa_oaep_sha256);
  EXPECT_TRUE(token->quirks().bad_ciphertext_is_general_error);
  EXPECT_FALSE(token->quirks().needs_login_per_session);

  const CK_FUNCTION_LIST& f = library->functions();
  CK_ULONG count = 0;
  ASSERT_EQ(f.C_GetMechanismList(token->slot(), nullptr, &count), static_cast<CK_RV>(CKR_OK));
  std::vector<CK_MECHANISM_TYPE> mechanisms(count);
  ASSERT_EQ(f.C_GetMechanismList(token->slot(), mechanisms.data(), &count),
            static_cast<CK_RV>(CKR_OK));
  auto has = [&](CK_MECHANISM_TYPE m) {
    return std::find(mechanisms.begin(), mechanisms.end(), m) != mechanisms.end();
  };
  EXPECT_TRUE(has(0x1104));  // CKM_AES_ECB_ENCRYPT_DATA
  EXPECT_TRUE(has(0x1105));  // CKM_AES_CBC_ENCRYPT_DATA
}

TEST_F(HsmTokenTest, SecondSessionFromAnotherThreadSharesTheLoginAndOutlivesTheFirst) {
  auto library = LoadSoftHsm();
  ASSERT_TRUE(library);
  auto opened = OpenToken(library, kLabel);
  ASSERT_TRUE(opened.ok());
  std::optional<HsmToken> first(std::move(*opened));
  ImportBlock(*first, "private-probe", Bytes(32, 0x11));  // CKA_PRIVATE: needs the login

  std::optional<HsmToken> second;
  std::thread worker([&] {
    auto token = OpenToken(library, kLabel);  // C_Login: CKR_USER_ALREADY_LOGGED_IN
    if (!token.ok()) return;
    auto found = FindTokenObject(token->session(), ObjectClass::kSecretKey, "private-probe");
    EXPECT_TRUE(found.ok() && found->has_value());
    second.emplace(std::move(*token));
  });
  worker.join();
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(second->session().handle(), first->session().handle());

  first.reset();  // closing one session must not log the other out
  CK_SESSION_INFO info{};
  ASSERT_EQ(library->functions().C_GetSessionInfo(second->session().handle(), &info),
            static_cast<CK_RV>(CKR_OK));
  EXPECT_EQ(info.state, static_cast<CK_STATE>(CKS_RW_USER_FUNCTIONS));
  auto found = FindTokenObject(second->session(), ObjectClass::kSecretKey, "private-probe");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_TRUE(found->has_value());
}

TEST(HsmQuirks, UnknownHsmGetsConservativeDefaults) {
  HsmQuirks quirks = QuirksFor("Acme HSM Corp                   ", "X1");
  EXPECT_FALSE(quirks.supports_aes_ecb_encrypt_data);
  EXPECT_FALSE(quirks.supports_aes_cbc_encrypt_data);
  EXPECT_FALSE(quirks.supports_rsa_oaep_sha256);
  EXPECT_FALSE(quirks.bad_ciphertext_is_general_error);
  EXPECT_EQ(quirks.max_sessions, 1U);
  EXPECT_TRUE(quirks.needs_login_per_session);
  EXPECT_EQ(QuirksFor("SoftHSM project                 ", "SoftHSM v2      ").name, "SoftHSM2");
}

}  // namespace
}  // namespace tessera::hsm::testing
