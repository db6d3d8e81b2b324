#include "tools/tessera/cms_cli.hpp"

#include <openssl/rand.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "hsm/pin_source.hpp"
#include "services/directory/database.hpp"
#include "services/runtime/hsm_access.hpp"
#include "tools/tessera/common_options.hpp"

namespace tessera::cli {

void AddServerOptions(CLI::App& command, ServerOptions& options) {
  command.add_option("--server", options.server, "tesserad's URL (https://host:port)")->required();
  command.add_option("--ca-file", options.ca_file, "PEM CA that verifies tesserad's certificate")
      ->default_str("the system's CAs");
  command.add_option("--module", options.module,
                     "the Tessera PKCS#11 module (default: $TESSERA_PKCS11_MODULE, else the "
                     "installed one)");
}

Result<SecureBytes> ReadPin(const std::string& pin_file, const std::string& prompt) {
  if (!pin_file.empty()) return hsm::PinSource::FromFile(pin_file).Read();
  if (isatty(STDIN_FILENO) == 0) {
    return Status::InvalidArgument(prompt +
                                   ": no terminal to ask on; give --pin-file FILE (mode 0600)");
  }
  std::cerr << prompt << ": " << std::flush;
  termios old{};
  tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string line;
  std::getline(std::cin, line);
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::cerr << "\n";
  SecureBytes pin(Bytes(line.begin(), line.end()));
  std::fill(line.begin(), line.end(), '\0');
  if (pin.size() == 0) return Status::InvalidArgument(prompt + ": empty");
  return pin;
}

cms::Caller CliCaller() {
  const char* user = std::getenv("USER");
  unsigned char id[8];
  if (RAND_bytes(id, sizeof id) != 1) ossl::DrainErrors();
  return cms::Caller{std::string("cli:") + (user != nullptr ? user : "unknown"),
                     "cli-" + ToHex(ByteView(id, sizeof id)),
                     {}};
}

void AddCmsAdminOptions(CLI::App& command, CmsAdminOptions& options, bool needs_ca) {
  AddDirectoryOption(command, options.directory);
  if (needs_ca) {
    command.add_option("--hsm", options.hsm, "the HSM (token label) of the CA and user keys")
        ->required();
    command.add_option("--ca", options.ca, "the CA that issues the certificates")->required();
    command.add_option("--url", options.url, "the CA's base URL (CRL and OCSP pointers)");
  }
}

std::shared_ptr<cms::CmsService> OpenCms(Context& ctx, const CmsAdminOptions& o) {
  auto env = LoadEnvironment(ctx);
  if (!env) return nullptr;
  auto db = directory::OpenDatabase(DirectoryUrl(*env, o.directory));
  if (!ctx.Check("opening the directory", db.status())) return nullptr;
  // The HSM module is loaded on first use: the reads need none.
  ca::HsmOpener opener = LazyHsmOpener(*env);
  std::shared_ptr<directory::Database> database(std::move(db).value());
  ca::CaOptions ca_options;
  ca_options.base_url = o.url;
  auto ca_service = std::make_shared<ca::CaService>(database, opener, ca_options);
  cms::CmsOptions options;
  options.ca = o.ca;
  options.hsm = o.hsm;
  return std::make_shared<cms::CmsService>(database, ca_service, opener, options);
}

void PrintJson(const nlohmann::json& json) { std::cout << json.dump(2) << "\n"; }

}  // namespace tessera::cli
