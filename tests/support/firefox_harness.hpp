// Firefox: a real headless Firefox ESR for a test, driven over Marionette,
// with a fresh profile of its own: TLS client authentication with a key on a
// token, through a PKCS#11 module, with no dialog anywhere.
//
// The profile (in a temporary directory that is also Firefox's HOME):
//   - user.js: Marionette on a free port (written to MarionetteActivePort),
//     "Select Automatically" for client certificates (no chooser), the
//     OS client-certificate module off, and nothing that reaches the network
//     on its own (updates, telemetry, safe browsing, captive portal and
//     connectivity checks, remote settings, OCSP).
//   - an NSS database (certutil -N) with `trusted_cas` as TLS trust anchors
//     ("C,,"), and the PKCS#11 module added to its module database with
//     modutil (pkcs11.txt). This is the per-profile way; policies.json
//     (SecurityDevices) is read only from the install directory or
//     /etc/firefox/policies, so it would be system-wide.
//
// The PIN: headless Firefox cannot show its PIN dialog; left to itself it
// would block in it for good (a page load that needs the key never ends, and
// Marionette answers nothing more). So Start puts a PIN guard, from
// Marionette's chrome context, in place of "@mozilla.org/prompter;1": the
// original prompter for everything but promptPassword, which it cancels and
// records (RefusedPinPrompts) unless LoginToken is running. LoginToken finds
// the token through nsIPKCS11ModuleDB and calls nsIPKCS11Token.login(); the
// guard answers PSM's prompt with the PIN once (a second prompt means the
// PIN was refused and is cancelled, so a wrong PIN costs one try). Firefox
// 153 has no nsIPKCS11Token.checkPassword any more. Chrome-context script
// needs Firefox started with --remote-allow-system-access.
//
// Errors: Start fails (never skips) with Firefox's output in the message when
// Firefox cannot start or Marionette does not come up. Every command has a
// deadline. The destructor quits Firefox (Marionette:Quit), then SIGTERM, then
// SIGKILL to its process group, and removes the profile.
//
// Thread-compatible: one test thread drives one Firefox.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "tests/support/marionette.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::testing {

struct FirefoxOptions {
  // PEM files trusted as issuers of TLS server certificates.
  std::vector<std::filesystem::path> trusted_cas;
  // Added to the profile's module database; none when empty.
  std::filesystem::path pkcs11_module;
  std::string pkcs11_module_name = "Tessera";
  // NAME=VALUE added to Firefox's (and modutil's) environment, e.g. the
  // module's TESSERA_SIM_DIR.
  std::vector<std::string> env;
  std::chrono::seconds start_timeout{90};
  std::chrono::seconds page_load_timeout{60};
};

class Firefox {
 public:
  // `firefox-esr` from PATH, or $TESSERA_FIREFOX.
  static Result<std::unique_ptr<Firefox>> Start(const FirefoxOptions& options);
  ~Firefox();
  Firefox(const Firefox&) = delete;
  Firefox& operator=(const Firefox&) = delete;

  // Logs in the token whose label (nsIPKCS11Token.tokenName) or serial
  // number is `token`, with `pin`, without any dialog. kNotFound lists the
  // tokens Firefox sees; kPinIncorrect when the token refused the PIN.
  Status LoginToken(std::string_view token, std::string_view pin);
  // Whether that token is logged in (kNotFound as above).
  Result<bool> TokenLoggedIn(std::string_view token);
  // The texts of the PIN prompts the guard cancelled outside LoginToken
  // ("Please enter your password for the token ..."), oldest first.
  Result<std::vector<std::string>> RefusedPinPrompts();

  // The page's load, as Marionette reports it (a TLS failure is an error
  // naming about:neterror and the NSS error).
  Status Navigate(std::string_view url);
  // Types `text` into the first element that matches the CSS selector.
  Status Type(std::string_view css_selector, std::string_view text);
  Status Click(std::string_view css_selector);
  Result<std::string> PageSource();
  Result<std::string> Title();
  Result<std::string> CurrentUrl();
  // A PNG of the whole page (its signature is checked).
  Result<Bytes> Screenshot();
  // Screenshot() written to BrowserArtifactDir()/<name>.png; its path.
  Result<std::filesystem::path> SaveScreenshot(std::string_view name);

  MarionetteClient& marionette() { return *marionette_; }
  // Firefox's stdout and stderr so far.
  std::string Log() const;
  const std::filesystem::path& profile_dir() const { return profile_; }
  // From the start of the process to Marionette's session.
  std::chrono::milliseconds start_time() const { return start_time_; }

 private:
  Firefox() = default;
  Status Launch(const FirefoxOptions& options);
  // `body` run as an async function in the chrome context, `args` its args.
  Result<nlohmann::json> RunChromeScript(std::string_view body, const nlohmann::json& args);
  Result<nlohmann::json> RunTokenScript(std::string_view script, std::string_view token,
                                        std::string_view pin);
  bool WaitExit(std::chrono::milliseconds limit);

  TempDir dir_{"tessera-firefox"};
  std::filesystem::path profile_;
  std::filesystem::path log_;
  pid_t pid_ = -1;
  std::unique_ptr<MarionetteClient> marionette_;
  std::chrono::milliseconds start_time_{0};
};

// ${TESSERA_ARTIFACT_DIR:-<build dir>/test-artifacts}/browser, created.
std::filesystem::path BrowserArtifactDir();

// True when `png` starts with the PNG signature (RFC 2083 §3.1).
bool IsPng(ByteView png);

}  // namespace tessera::testing
