// tessera softtoken init: the soft-token issuer's key and certificate (issue
// 15 design "The soft token"; docs/cli.md "The soft-token service (seed
// 002)"), run on the service host against the directory and the HSM
// directly, as `reg init` is: a P-256 key in the HSM, certified by the CA
// with the softtoken-issuer profile.
#include <iostream>

#include "services/ca/csr.hpp"
#include "services/softtoken/softtoken_service.hpp"
#include "tools/tessera/cms_cli.hpp"
#include "tools/tessera/common_options.hpp"
#include "tools/tessera/softtoken_cli.hpp"

namespace tessera::cli::softtoken {
namespace {

struct InitArgs {
  std::string directory, hsm, ca, url, name = "default", subject;
  bool json = false;
};

Status Run(Context& ctx, const InitArgs& a) {
  auto env = LoadEnvironment(ctx);
  if (!env) return Status::Ok();  // reported
  TESSERA_ASSIGN_OR_RETURN(auto db, directory::OpenDatabase(DirectoryUrl(*env, a.directory)));
  std::shared_ptr<directory::Database> database(std::move(db));
  ca::HsmOpener opener = LazyHsmOpener(*env);
  ca::CaOptions ca_options;
  ca_options.base_url = a.url;
  auto ca_service = std::make_shared<ca::CaService>(database, opener, ca_options);
  tessera::softtoken::SoftTokenOptions options;
  options.issuer = a.name;
  tessera::softtoken::SoftTokenService service(database, ca_service, opener, options);
  const cms::Caller caller = CliCaller();
  TESSERA_ASSIGN_OR_RETURN(
      tessera::softtoken::InitAnswer answer,
      service.Init({a.name, a.hsm, a.ca, a.subject}, {caller.name, caller.request_id}));
  TESSERA_ASSIGN_OR_RETURN(std::string certificate, ca::CertificatePem(answer.certificate));
  std::string chain;
  for (const Bytes& der : answer.chain) {
    TESSERA_ASSIGN_OR_RETURN(std::string pem, ca::CertificatePem(der));
    chain += pem;
  }
  if (a.json) {
    PrintJson({{"name", answer.name},
               {"hsm", a.hsm},
               {"ca", a.ca},
               {"certificate", certificate},
               {"chain", chain}});
    return Status::Ok();
  }
  std::cout << "soft-token issuer " << answer.name << ": key in " << a.hsm
            << ", certificate from CA " << a.ca << "\n"
            << certificate;
  return Status::Ok();
}

}  // namespace

void AddInitCommand(CLI::App& softtoken, Context& ctx) {
  auto a = std::make_shared<InitArgs>();
  CLI::App* cmd = softtoken.add_subcommand(
      "init", "Make the soft-token issuer's key in the HSM and its certificate from the CA");
  AddDirectoryOption(*cmd, a->directory);
  cmd->add_option("--hsm", a->hsm, "the HSM (token label) for the issuer key")->required();
  cmd->add_option("--ca", a->ca, "the CA that certifies the issuer (profile softtoken-issuer)")
      ->required();
  cmd->add_option("--name", a->name, "the issuer's name (default: default)");
  cmd->add_option("--subject", a->subject,
                  "the certificate's CN (default: Tessera soft-token issuer NAME)");
  cmd->add_option("--url", a->url, "the CA's base URL (CRL and OCSP pointers)");
  cmd->add_flag("--json", a->json, "print the result as JSON");
  cmd->callback([&ctx, a] { ctx.Check("softtoken init", Run(ctx, *a)); });
}

}  // namespace tessera::cli::softtoken
