#include "tests/integration/browser/browser_token_module.hpp"

#include <thread>

#include "tests/integration/pkcs11/module_harness.hpp"

namespace tessera::testing {

Result<std::unique_ptr<BrowserTokenModule>> BrowserTokenModule::Start(
    const std::filesystem::path& sim_run_dir, const std::filesystem::path& work_dir) {
  std::unique_ptr<BrowserTokenModule> module(new BrowserTokenModule());
  // Only the simulator's tokens, wherever the module runs.
  const std::vector<std::string> module_env = {"TESSERA_SIM_DIR=" + sim_run_dir.string(),
                                               "TESSERA_TRANSPORTS=sim"};
  const std::string preload = TESSERA_SANITIZER_PRELOAD;
  if (preload.empty()) {
    module->library_ = ModulePath();
    module->env_ = module_env;
    return module;
  }

  std::error_code ec;
  std::filesystem::create_directories(work_dir, ec);
  if (ec) return Status::IoError("cannot make " + work_dir.string() + ": " + ec.message());
  const std::filesystem::path socket = work_dir / "p11-kit.sock";
  std::vector<std::string> env = module_env;
  env.push_back("LD_PRELOAD=" + preload);
  env.emplace_back("ASAN_OPTIONS=detect_leaks=0");
  // -f: in the foreground, our child; -s: prints the address when it listens.
  // "pkcs11:" exports every token the module has.
  TESSERA_ASSIGN_OR_RETURN(
      module->server_, ServerProcess::Start({"p11-kit", "server", "-f", "-s", "-n", socket.string(),
                                             "--provider", ModulePath().string(), "pkcs11:"},
                                            env, work_dir / "p11-kit-server.log"));
  auto ready = module->server_->WaitForLine("P11_KIT_SERVER_ADDRESS=");
  if (!ready.has_value() || !std::filesystem::exists(socket)) {
    return Status::Unavailable("p11-kit server did not start:\n" + module->server_->Log());
  }
  module->library_ = TESSERA_P11KIT_CLIENT;
  module->env_ = {"P11_KIT_SERVER_ADDRESS=unix:path=" + socket.string()};
  return module;
}

void BrowserTokenModule::AddTo(FirefoxOptions& options) const {
  options.pkcs11_module = library_;
  options.env.insert(options.env.end(), env_.begin(), env_.end());
}

}  // namespace tessera::testing
