#include "firmware-sim/sim/command_line.hpp"

#include <pwd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <ostream>

#include "common/cli/completion.hpp"
#include "common/sim_socket_protocol.hpp"
#include "common/version/build_info.hpp"

namespace tessera::sim {
namespace {

constexpr std::size_t kMaxTokens = 1000;

// Values the ctl subcommands fill in while parsing.
struct CtlValues {
  std::uint32_t serial = 0;
  std::size_t after_writes = 0;
  bool json = false;
};

const char* SimDirFromEnvironment() {
  const char* dir = std::getenv("TESSERA_SIM_DIR");  // NOLINT(concurrency-mt-unsafe)
  return dir != nullptr && *dir != '\0' ? dir : nullptr;
}

constexpr const char* kRunDirHelp =
    "Directory for the sockets and the pid file (default: TESSERA_SIM_DIR when set, else "
    "$XDG_RUNTIME_DIR/tessera, else /tmp/tessera-UID)";

std::string HomeDir() {
  const char* home = std::getenv("HOME");  // NOLINT(concurrency-mt-unsafe)
  if (home != nullptr && *home != '\0') return home;
  const passwd* pw = ::getpwuid(::getuid());  // NOLINT(concurrency-mt-unsafe): main thread only
  return pw != nullptr && pw->pw_dir != nullptr ? pw->pw_dir : ".";
}

// Options parsed as text first and checked after CLI11 is done.
struct ServeText {
  std::uint64_t seed = 0;
  std::string trace;
  std::string vpcd;
};

void AddServeOptions(CLI::App& app, ServeOptions& o, ServeText& text) {
  app.add_option("--state", o.state_dir, "State directory: <serial>.token files and the CA")
      ->default_str(DefaultStateDir().string());
  app.add_option("--run-dir", o.run_dir, kRunDirHelp)
      ->default_str(DefaultRunDirFromEnvironment().string());
  app.add_option("--tokens", o.tokens, "Number of tokens to serve")
      ->check(CLI::Range(std::size_t{1}, kMaxTokens))
      ->default_str("1");
  app.add_option("--seed", text.seed, "Seed: reproducible serials and token keys")
      ->default_str("random");
  app.add_option("--latency", o.latency, "Latency profile")
      ->check(CLI::IsMember({"none", "realistic"}))
      ->default_str("none");
  app.add_option("--trace", text.trace, "Append a trace of every APDU and event to FILE")
      ->default_str("none");
  app.add_option("--vpcd", text.vpcd,
                 "Also connect token i as a virtual card to vsmartcard's vpcd (pcscd) at "
                 "HOST:PORT+i; retried until vpcd listens")
      ->type_name("HOST:PORT")
      ->default_str("none");
}

// --vpcd: the syntax, and that the last token's port still fits in 16 bits.
// (More tokens may already exist in the state directory; the simulator
// checks again once it has loaded them.)
std::optional<std::string> CheckVpcd(const ServeText& text, ServeOptions& serve) {
  if (text.vpcd.empty()) return std::nullopt;
  Result<VpcdEndpoint> endpoint = ParseVpcdEndpoint(text.vpcd);
  if (!endpoint.ok()) return "--vpcd: " + endpoint.status().message();
  Result<VpcdEndpoint> last = VpcdEndpointForToken(*endpoint, serve.tokens - 1);
  if (!last.ok()) return "--vpcd: " + last.status().message();
  serve.vpcd = *endpoint;
  return std::nullopt;
}

// ctl subcommands: each turns into one control-protocol request line.
void AddCtlCommands(CLI::App& ctl, CtlOptions& o, CtlValues& v) {
  ctl.add_option("--run-dir", o.run_dir,
                 "Run directory of the simulator to control (default: the --run-dir before "
                 "`ctl`, else TESSERA_SIM_DIR, else $XDG_RUNTIME_DIR/tessera, else "
                 "/tmp/tessera-UID)")
      ->default_str(DefaultRunDirFromEnvironment().string());
  ctl.require_subcommand(1);
  CLI::App* list = ctl.add_subcommand(
      "list", "List tokens under a header: serial, UID, card present, power, socket, vpcd link");
  list->add_flag("--json", v.json, "Print the tokens as JSON (docs/tessera-sim.md)");
  for (const char* verb : {"insert", "remove", "power-cycle"}) {
    CLI::App* sub = ctl.add_subcommand(verb, std::string(verb) + " a token");
    sub->add_option("SERIAL", v.serial, "Token serial")->required();
  }
  CLI::App* tear = ctl.add_subcommand("tear", "Cut the power after N more storage writes");
  tear->add_option("SERIAL", v.serial, "Token serial")->required();
  tear->add_option("--after-writes", v.after_writes, "Writes to let through")->required();
}

std::string CtlRequest(const CLI::App& ctl, const CtlValues& v) {
  const CLI::App* sub = ctl.get_subcommands().front();
  const std::string& verb = sub->get_name();
  if (verb == "list") return verb;
  std::string request = verb + " " + std::to_string(v.serial);
  if (verb == "tear") request += " " + std::to_string(v.after_writes);
  return request;
}

// The usage of the innermost subcommand the user reached.
std::string UsageOf(const CLI::App& app) {
  const CLI::App* at = &app;
  std::string parents;  // "tessera-sim ctl" for tear, so its usage line is whole
  while (!at->get_subcommands().empty()) {
    parents += (parents.empty() ? "" : " ") + at->get_name();
    at = at->get_subcommands().front();
  }
  return at->help(parents);
}

}  // namespace

std::filesystem::path DefaultRunDirFromEnvironment() {
  if (const char* dir = SimDirFromEnvironment()) return dir;
  return simsock::DefaultRunDir();
}

std::filesystem::path DefaultStateDir() {
  const char* xdg = std::getenv("XDG_DATA_HOME");  // NOLINT(concurrency-mt-unsafe)
  std::filesystem::path base = xdg != nullptr && *xdg != '\0'
                                   ? std::filesystem::path(xdg)
                                   : std::filesystem::path(HomeDir()) / ".local" / "share";
  return base / "tessera" / "sim";
}

CommandLine ParseCommandLine(int argc, const char* const* argv, std::ostream& out,
                             std::ostream& err) {
  CommandLine result;
  ServeText serve_text;
  CtlValues ctl_values;

  CLI::App app{
      "tessera-sim: simulated PIV tokens served on UNIX sockets (and to pcscd with --vpcd)",
      "tessera-sim"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", [] { return VersionLine("tessera-sim"); });
  AddServeOptions(app, result.serve, serve_text);
  CLI::App* ctl = app.add_subcommand("ctl", "Control a running simulator");
  AddCtlCommands(*ctl, result.ctl, ctl_values);
  cli::ShowDefaults(app);
  if (cli::MaybeComplete(app, argc, argv, out)) {
    result.exit_code = 0;
    return result;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << UsageOf(app);
    result.exit_code = 0;
    return result;
  } catch (const CLI::CallForVersion& e) {
    out << e.what() << "\n";
    result.exit_code = 0;
    return result;
  } catch (const CLI::ParseError& e) {
    err << "tessera-sim: " << e.what() << "\n\n" << UsageOf(app);
    result.exit_code = 2;
    return result;
  }

  if (ctl->parsed()) {
    CtlOptions& c = result.ctl;
    if (ctl->count("--run-dir") > 0) {
      c.run_dir_origin = "--run-dir";
    } else if (app.count("--run-dir") > 0) {
      c.run_dir = result.serve.run_dir;
      c.run_dir_origin = "--run-dir";
    } else if (const char* dir = SimDirFromEnvironment()) {
      c.run_dir = dir;
      c.run_dir_origin = "TESSERA_SIM_DIR";
    } else {
      c.run_dir = simsock::DefaultRunDir();
      c.run_dir_origin = "the default";
    }
    c.json = ctl_values.json;
    c.request = CtlRequest(*ctl, ctl_values);
    result.mode = CommandLine::Mode::kCtl;
    return result;
  }
  ServeOptions& serve = result.serve;
  if (serve.state_dir.empty()) serve.state_dir = DefaultStateDir();
  if (serve.run_dir.empty()) serve.run_dir = DefaultRunDirFromEnvironment();
  if (app.count("--seed") > 0) serve.seed = serve_text.seed;
  if (!serve_text.trace.empty()) serve.trace = serve_text.trace;
  if (std::optional<std::string> bad = CheckVpcd(serve_text, serve)) {
    err << "tessera-sim: " << *bad << "\n\n" << UsageOf(app);
    result.exit_code = 2;
    return result;
  }
  result.mode = CommandLine::Mode::kServe;
  return result;
}

}  // namespace tessera::sim
