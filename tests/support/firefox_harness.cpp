#include "tests/support/firefox_harness.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/run_tool.hpp"

extern char** environ;  // NOLINT: POSIX

namespace tessera::testing {
namespace {

using Clock = std::chrono::steady_clock;

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

// The token whose tokenName or serial is args[0]; args[1] is the PIN. Answers {error: "not-found",
// seen}, or {loggedIn, asked, error}. nsIPKCS11ModuleDB.listModules() is async since Firefox 1xx
// (see chrome://pippki/content/device_manager.js); modules have `slots`.
constexpr char kFindToken[] = R"js(
const [wanted, pin] = args;
const db = Cc["@mozilla.org/security/pkcs11moduledb;1"].getService(Ci.nsIPKCS11ModuleDB);
const seen = [];
let token = null;
for (const m of await db.listModules()) {
  for (const s of m.slots) {
    let t = null;
    try { t = s.getToken(); } catch (e) { continue; }
    seen.push(t.tokenName + " (serial " + t.tokenSerialNumber.trim() + ")");
    if (t.tokenName === wanted || t.tokenSerialNumber.trim() === wanted) token = t;
  }
}
if (!token) return {error: "not-found", seen};
)js";

constexpr char kIsLoggedIn[] = "return {loggedIn: token.isLoggedIn};";

// PSM asks for the PIN through the window watcher's prompter
// ("@mozilla.org/prompter;1", nsIPromptFactory -> nsIPrompt.promptPassword).
// NSS calls back again after a refused PIN (pk11_DoPassword's retry): the
// second answer is a cancel, so a wrong PIN costs one try, not all of them.
constexpr char kLogin[] = R"js(
if (token.isLoggedIn) return {loggedIn: true, asked: 0};
const registrar = Components.manager.QueryInterface(Ci.nsIComponentRegistrar);
const contract = "@mozilla.org/prompter;1";
const original = registrar.contractIDToCID(contract);
let asked = 0;
const prompt = {
  QueryInterface: ChromeUtils.generateQI(["nsIPrompt"]),
  promptPassword(title, text, password) {
    asked += 1;
    if (asked > 1) return false;
    password.value = pin;
    return true;
  },
};
const factory = {
  QueryInterface: ChromeUtils.generateQI(["nsIFactory", "nsIPromptFactory"]),
  createInstance(iid) { return this.QueryInterface(iid); },
  getPrompt(win, iid) { return prompt.QueryInterface(iid); },
};
const cid = Services.uuid.generateUUID();
registrar.registerFactory(cid, "Tessera test PIN answer", contract, factory);
let error = null;
try {
  token.login(false);
} catch (e) {
  error = String(e);
} finally {
  registrar.unregisterFactory(cid, factory);
  registrar.registerFactory(original, "", contract, null);
}
return {loggedIn: token.isLoggedIn, asked, error};
)js";

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// json::value() throws on a member of another type (null included).
bool IsTrue(const nlohmann::json& object, const char* key) {
  return object.is_object() && object.contains(key) && object[key].is_boolean() &&
         object[key].get<bool>();
}

int IntOf(const nlohmann::json& object, const char* key) {
  return object.is_object() && object.contains(key) && object[key].is_number_integer()
             ? object[key].get<int>()
             : 0;
}

std::string NameOf(const std::string& kv) { return kv.substr(0, kv.find('=')); }

// The caller's environment without a display, with `extra` (later wins).
std::vector<std::string> FirefoxEnvironment(const std::filesystem::path& home,
                                            const std::vector<std::string>& extra) {
  std::vector<std::string> overrides = {"HOME=" + home.string(), "MOZ_HEADLESS=1",
                                        "MOZ_CRASHREPORTER_DISABLE=1", "MOZ_NO_REMOTE=1"};
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    const std::string name = NameOf(kv);
    if (name == "DISPLAY" || name == "WAYLAND_DISPLAY") continue;
    bool overridden = false;
    for (const std::string& o : overrides) overridden = overridden || NameOf(o) == name;
    if (!overridden) env.push_back(kv);
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

Status RunNss(const std::vector<std::string>& env, std::vector<std::string> argv) {
  argv.insert(argv.begin(), env.begin(), env.end());
  argv.insert(argv.begin(), "env");
  ToolResult r = RunTool(argv, std::chrono::seconds(60));
  if (r.exit_code != 0) return Status::Internal(argv[env.size() + 1] + ": " + r.Describe());
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Firefox>> Firefox::Start(const FirefoxOptions& options) {
  std::unique_ptr<Firefox> firefox(new Firefox());
  Status launched = firefox->Launch(options);
  if (!launched.ok()) {
    return Status::Unavailable("Firefox did not start: " + launched.message() +
                               "\nFirefox's output:\n" + firefox->Log());
  }
  return firefox;
}

Status Firefox::Launch(const FirefoxOptions& options) {
  const auto started = Clock::now();
  profile_ = dir_ / "profile";
  log_ = dir_ / "firefox.log";
  std::filesystem::create_directories(profile_);
  std::ofstream(profile_ / "user.js") << kUserJs;
  const std::string db = "sql:" + profile_.string();
  TESSERA_RETURN_IF_ERROR(RunNss({}, {"certutil", "-N", "--empty-password", "-d", db}));
  for (std::size_t i = 0; i < options.trusted_cas.size(); ++i) {
    TESSERA_RETURN_IF_ERROR(
        RunNss({}, {"certutil", "-A", "-t", "C,,", "-n", "tessera-ca-" + std::to_string(i), "-i",
                    options.trusted_cas[i].string(), "-d", db}));
  }
  if (!options.pkcs11_module.empty()) {
    TESSERA_RETURN_IF_ERROR(
        RunNss(options.env, {"modutil", "-add", options.pkcs11_module_name, "-libfile",
                             options.pkcs11_module.string(), "-dbdir", db, "-force"}));
  }

  const char* binary = std::getenv("TESSERA_FIREFOX");  // NOLINT(concurrency-mt-unsafe)
  std::vector<std::string> argv = {binary != nullptr ? binary : "firefox-esr",
                                   "--headless",
                                   "--marionette",
                                   "--remote-allow-system-access",
                                   "--no-remote",
                                   "--profile",
                                   profile_.string(),
                                   "about:blank"};
  std::vector<std::string> env = FirefoxEnvironment(dir_.path(), options.env);
  std::vector<char*> c_argv = CStrings(argv);
  std::vector<char*> c_env = CStrings(env);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so that its content processes go with it.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  int rc = ::posix_spawnp(&pid_, c_argv[0], &actions, &attr, c_argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    pid_ = -1;
    return Status::Unavailable("cannot run " + argv[0] + ": " + std::strerror(rc));
  }

  // Marionette writes its port here once it listens (marionette.port 0).
  const auto port_file = profile_ / "MarionetteActivePort";
  const auto deadline = started + options.start_timeout;
  std::string port;
  while (port.empty()) {
    if (Clock::now() > deadline) return Status::Unavailable("no MarionetteActivePort in time");
    if (WaitExit(std::chrono::milliseconds(0))) return Status::Unavailable("Firefox exited");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    port = Slurp(port_file);
    while (!port.empty() && std::isspace(static_cast<unsigned char>(port.back())) != 0) {
      port.pop_back();
    }
    if (port.find_first_not_of("0123456789") != std::string::npos) port.clear();
  }
  TESSERA_ASSIGN_OR_RETURN(marionette_,
                           MarionetteClient::Connect(static_cast<std::uint16_t>(std::stoi(port))));
  const auto page_load_ms = std::chrono::milliseconds(options.page_load_timeout).count();
  TESSERA_RETURN_IF_ERROR(marionette_->NewSession(
      {{"acceptInsecureCerts", false},
       {"timeouts", {{"pageLoad", page_load_ms}, {"script", 60000}, {"implicit", 0}}}}));
  start_time_ = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  return Status::Ok();
}

Firefox::~Firefox() {
  if (pid_ <= 0) return;
  if (marionette_ != nullptr) {
    (void)marionette_->Command("Marionette:Quit", nlohmann::json::object(),
                               std::chrono::seconds(20));
    marionette_.reset();
    if (WaitExit(std::chrono::seconds(20))) return;
  }
  ::kill(pid_, SIGTERM);
  if (WaitExit(std::chrono::seconds(10))) return;
  ::kill(-pid_, SIGKILL);
  WaitExit(std::chrono::seconds(10));
}

bool Firefox::WaitExit(std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      // Whatever the parent left behind in its group goes too.
      ::kill(-pid_, SIGKILL);
      pid_ = -1;
      return true;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string Firefox::Log() const { return log_.empty() ? std::string() : Slurp(log_); }

Result<nlohmann::json> Firefox::RunTokenScript(std::string_view script, std::string_view token,
                                               std::string_view pin) {
  TESSERA_RETURN_IF_ERROR(marionette_->SetContext(MarionetteContext::kChrome));
  // A function body: await needs an async function around it.
  const std::string body = "return (async (args) => {" + std::string(kFindToken) +
                           std::string(script) + "})(arguments);";
  auto result = marionette_->ExecuteScript(body, nlohmann::json::array({token, pin}));
  Status back = marionette_->SetContext(MarionetteContext::kContent);
  if (!result.ok()) return result.status();
  TESSERA_RETURN_IF_ERROR(back);
  const nlohmann::json& value = result.value();
  if (value.is_object() && value.contains("error") && value["error"] == "not-found") {
    return Status::NotFound("Firefox has no token '" + std::string(token) +
                            "'; it sees: " + value["seen"].dump());
  }
  return value;
}

Result<bool> Firefox::TokenLoggedIn(std::string_view token) {
  TESSERA_ASSIGN_OR_RETURN(auto value, RunTokenScript(kIsLoggedIn, token, ""));
  return IsTrue(value, "loggedIn");
}

Status Firefox::LoginToken(std::string_view token, std::string_view pin) {
  TESSERA_ASSIGN_OR_RETURN(auto value, RunTokenScript(kLogin, token, pin));
  if (IsTrue(value, "loggedIn")) return Status::Ok();
  const std::string what = "Firefox logging in to '" + std::string(token) + "': " + value.dump();
  // Asked again: the token refused the first PIN (tries left unknown here).
  if (IntOf(value, "asked") > 1) return Status::PinIncorrect(-1).Prefixed(what + ": ");
  return Status::Internal(what);
}

Status Firefox::Navigate(std::string_view url) { return marionette_->Navigate(url); }

Status Firefox::Type(std::string_view css_selector, std::string_view text) {
  TESSERA_ASSIGN_OR_RETURN(std::string element, marionette_->FindElement(css_selector));
  return marionette_->ElementSendKeys(element, text);
}

Status Firefox::Click(std::string_view css_selector) {
  TESSERA_ASSIGN_OR_RETURN(std::string element, marionette_->FindElement(css_selector));
  return marionette_->ElementClick(element);
}

Result<std::string> Firefox::PageSource() { return marionette_->PageSource(); }
Result<std::string> Firefox::Title() { return marionette_->Title(); }
Result<std::string> Firefox::CurrentUrl() { return marionette_->CurrentUrl(); }

Result<Bytes> Firefox::Screenshot() {
  TESSERA_ASSIGN_OR_RETURN(Bytes png, marionette_->TakeScreenshot(/*full_page=*/true));
  if (!IsPng(png)) return Status::Corrupt("the screenshot is not a PNG");
  return png;
}

Result<std::filesystem::path> Firefox::SaveScreenshot(std::string_view name) {
  TESSERA_ASSIGN_OR_RETURN(Bytes png, Screenshot());
  const std::filesystem::path path = BrowserArtifactDir() / (std::string(name) + ".png");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
  if (!out.flush()) return Status::IoError("cannot write " + path.string());
  return path;
}

std::filesystem::path BrowserArtifactDir() {
  // NOLINTBEGIN(concurrency-mt-unsafe)
  const char* artifacts = std::getenv("TESSERA_ARTIFACT_DIR");
  const char* build = std::getenv("TESSERA_BUILD_DIR");
  // NOLINTEND(concurrency-mt-unsafe)
  std::filesystem::path dir;
  if (artifacts != nullptr && *artifacts != '\0') {
    dir = artifacts;
  } else {
    dir = std::filesystem::path(build != nullptr && *build != '\0' ? build
                                                                   : TESSERA_BROWSER_BUILD_DIR) /
          "test-artifacts";
  }
  dir /= "browser";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return dir;
}

bool IsPng(ByteView png) {
  static constexpr std::uint8_t kSignature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  return png.size() > sizeof kSignature && std::equal(kSignature, kSignature + 8, png.begin());
}

}  // namespace tessera::testing
