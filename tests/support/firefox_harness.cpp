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

#include "tests/integration/browser/firefox_profile.hpp"
#include "tests/integration/browser/firefox_token_scripts.hpp"

extern char** environ;  // NOLINT: POSIX

namespace tessera::testing {
namespace {

using Clock = std::chrono::steady_clock;
namespace js = firefox_scripts;

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
  TESSERA_RETURN_IF_ERROR(MakeFirefoxProfile(profile_, {options.trusted_cas, options.pkcs11_module,
                                                        options.pkcs11_module_name, options.env}));

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
  TESSERA_ASSIGN_OR_RETURN(auto guarded, RunChromeScript(js::kInstallPinGuard, {}));
  if (guarded != true) return Status::Internal("the PIN guard is not in place: " + guarded.dump());
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

Result<nlohmann::json> Firefox::RunChromeScript(std::string_view body, const nlohmann::json& args) {
  TESSERA_RETURN_IF_ERROR(marionette_->SetContext(MarionetteContext::kChrome));
  // A function body: await needs an async function around it.
  const std::string script = "return (async (args) => {" + std::string(body) + "})(arguments);";
  auto result =
      marionette_->ExecuteScript(script, args.is_array() ? args : nlohmann::json::array());
  Status back = marionette_->SetContext(MarionetteContext::kContent);
  if (!result.ok()) return result.status();
  TESSERA_RETURN_IF_ERROR(back);
  return result;
}

Result<nlohmann::json> Firefox::RunTokenScript(std::string_view script, std::string_view token,
                                               std::string_view pin) {
  TESSERA_ASSIGN_OR_RETURN(auto value, RunChromeScript(std::string(js::kGuardState) +
                                                           js::kFindToken + std::string(script),
                                                       nlohmann::json::array({token, pin})));
  if (value.is_object() && value.contains("error") && value["error"] == "not-found") {
    return Status::NotFound("Firefox has no token '" + std::string(token) +
                            "'; it sees: " + value["seen"].dump());
  }
  return value;
}

Result<std::vector<std::string>> Firefox::RefusedPinPrompts() {
  TESSERA_ASSIGN_OR_RETURN(auto value,
                           RunChromeScript(std::string(js::kGuardState) + js::kRefusedPrompts, {}));
  std::vector<std::string> texts;
  for (const auto& text : value) {
    if (text.is_string()) texts.push_back(text.get<std::string>());
  }
  return texts;
}

Result<bool> Firefox::TokenLoggedIn(std::string_view token) {
  TESSERA_ASSIGN_OR_RETURN(auto value, RunTokenScript(js::kIsLoggedIn, token, ""));
  return IsTrue(value, "loggedIn");
}

Status Firefox::LoginToken(std::string_view token, std::string_view pin) {
  TESSERA_ASSIGN_OR_RETURN(auto value, RunTokenScript(js::kLogin, token, pin));
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
