// What the seed-000 commands share (docs/cli.md "The CMS"): the token PIN
// (--pin-file, mode 0600, or asked on the terminal without echo, never
// argv), the --server/--ca-file client options, an actor for the audit log,
// and opening CmsService on the directory and HSM of this host for the
// administrative commands.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "common/secure_bytes.hpp"
#include "services/cms/cms_service.hpp"
#include "tools/tessera/client/https_client.hpp"
#include "tools/tessera/commands.hpp"

namespace tessera::cli {

struct ServerOptions {
  std::string server;   // https://host:port
  std::string ca_file;  // PEM that verifies tesserad's TLS certificate
  std::string module;   // --module: the PKCS#11 module (default Pkcs11ModulePath)
};
void AddServerOptions(CLI::App& command, ServerOptions& options);

// The token PIN: the first line of `pin_file` (refused unless mode 0600 or
// stricter), else asked on the terminal ("`prompt`: ") without echo.
Result<SecureBytes> ReadPin(const std::string& pin_file, const std::string& prompt);

cms::Caller CliCaller();

struct CmsAdminOptions {
  std::string directory;
  std::string hsm;  // the HSM for user keys and the CA's
  std::string ca;   // the CA that issues user and officer certificates
  std::string url;  // the CA's base URL for CRL/OCSP pointers
};
void AddCmsAdminOptions(CLI::App& command, CmsAdminOptions& options, bool needs_ca);
// CmsService on this host's directory and HSMs; prints the error.
std::shared_ptr<cms::CmsService> OpenCms(Context& ctx, const CmsAdminOptions& options);

// Prints `json` (2-space indent) on stdout.
void PrintJson(const nlohmann::json& json);

}  // namespace tessera::cli
