#include "tests/integration/browser/firefox_profile.hpp"

#include <fstream>

#include "tests/support/run_tool.hpp"

namespace tessera::testing {
namespace {

// Prefs for a browser that a test drives and that reaches nothing but the
// test's servers. Marionette adds its own recommended prefs on top.
constexpr char kUserJs[] = R"(user_pref("marionette.port", 0);
user_pref("security.default_personal_cert", "Select Automatically");
user_pref("security.osclientcerts.autoload", false);
user_pref("security.enterprise_roots.enabled", false);
user_pref("security.OCSP.enabled", 0);
user_pref("security.remote_settings.crlite_filters.enabled", false);
user_pref("security.remote_settings.intermediates.enabled", false);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.page", 0);
user_pref("browser.startup.homepage", "about:blank");
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("startup.homepage_welcome_url", "");
user_pref("startup.homepage_welcome_url.additional", "");
user_pref("browser.aboutwelcome.enabled", false);
user_pref("trailhead.firstrun.didSeeAboutWelcome", true);
user_pref("browser.newtabpage.enabled", false);
user_pref("browser.sessionstore.resume_from_crash", false);
user_pref("toolkit.startup.max_resumed_crashes", -1);
user_pref("app.update.disabledForTesting", true);
user_pref("app.update.auto", false);
user_pref("app.update.checkInstallTime", false);
user_pref("extensions.update.enabled", false);
user_pref("extensions.getAddons.cache.enabled", false);
user_pref("extensions.systemAddon.update.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("toolkit.telemetry.unified", false);
user_pref("toolkit.telemetry.archive.enabled", false);
user_pref("toolkit.telemetry.server", "");
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
user_pref("browser.safebrowsing.blockedURIs.enabled", false);
user_pref("browser.safebrowsing.update.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("captivedetect.canonicalURL", "");
user_pref("network.connectivity-service.enabled", false);
user_pref("network.dns.disablePrefetch", true);
user_pref("network.prefetch-next", false);
user_pref("network.http.speculative-parallel-limit", 0);
user_pref("network.trr.mode", 5);
user_pref("network.proxy.type", 0);
user_pref("services.settings.server", "data:,");
user_pref("browser.region.network.url", "");
user_pref("browser.search.update", false);
user_pref("geo.provider.network.url", "");
user_pref("media.gmp-manager.url", "data:,");
user_pref("media.gmp-gmpopenh264.enabled", false);
)";

Status RunNss(const std::vector<std::string>& env, std::vector<std::string> argv) {
  argv.insert(argv.begin(), env.begin(), env.end());
  argv.insert(argv.begin(), "env");
  ToolResult r = RunTool(argv, std::chrono::seconds(60));
  if (r.exit_code != 0) return Status::Internal(argv[env.size() + 1] + ": " + r.Describe());
  return Status::Ok();
}

}  // namespace

Status MakeFirefoxProfile(const std::filesystem::path& dir, const FirefoxProfileSpec& spec) {
  std::ofstream user_js(dir / "user.js");
  user_js << kUserJs;
  if (!user_js.flush()) return Status::IoError("cannot write " + (dir / "user.js").string());
  const std::string db = "sql:" + dir.string();
  TESSERA_RETURN_IF_ERROR(RunNss({}, {"certutil", "-N", "--empty-password", "-d", db}));
  for (std::size_t i = 0; i < spec.trusted_cas.size(); ++i) {
    // "C,,": a trusted CA for TLS servers, nothing else.
    TESSERA_RETURN_IF_ERROR(
        RunNss({}, {"certutil", "-A", "-t", "C,,", "-n", "tessera-ca-" + std::to_string(i), "-i",
                    spec.trusted_cas[i].string(), "-d", db}));
  }
  if (!spec.pkcs11_module.empty()) {
    // -force: no "close Firefox first" question (none runs on this profile).
    TESSERA_RETURN_IF_ERROR(
        RunNss(spec.module_env, {"modutil", "-add", spec.pkcs11_module_name, "-libfile",
                                 spec.pkcs11_module.string(), "-dbdir", db, "-force"}));
  }
  return Status::Ok();
}

}  // namespace tessera::testing
