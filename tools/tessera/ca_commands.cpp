// tessera ca init | issue | cert | revoke | crl | list: the certificate
// authority from the command line (docs/ca.md). Every command runs
// CaService on the directory (--directory, else the settings') with the
// HSMs of TESSERA_HOME (runtime::HsmAccess: PIN from TESSERA_HSM_PIN or
// TESSERA_HOME/hsm/NAME.pin).
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "services/ca/ca_service.hpp"
#include "services/ca/csr.hpp"
#include "services/ca/issuance.hpp"
#include "services/ca/revocation_reason.hpp"
#include "services/directory/database.hpp"
#include "services/runtime/hsm_access.hpp"
#include "tools/tessera/commands.hpp"
#include "tools/tessera/common_options.hpp"

namespace tessera::cli {
namespace {

struct CaOptionsCli {
  std::string directory;
  std::string url;
  // init
  std::string hsm;
  std::string name;
  std::string key = "p256";
  std::string subject;
  std::string parent;
  // issue, cert, revoke, crl
  std::string ca;
  std::string profile;
  std::string csr;
  bool chain = false;
  std::string serial;
  std::string reason;
  std::string out;
  bool json = false;  // list
};

// What each command opens: the directory and, lazily, the HSM module.
struct Opened {
  std::shared_ptr<ca::CaService> service;
  ca::Actor actor;
};

ca::Actor CliActor() {
  const char* user = std::getenv("USER");
  unsigned char id[8];
  if (RAND_bytes(id, sizeof id) != 1) ossl::DrainErrors();
  return ca::Actor{std::string("cli:") + (user != nullptr ? user : "unknown"),
                   "cli-" + ToHex(ByteView(id, sizeof id))};
}

std::optional<Opened> Open(Context& ctx, const CaOptionsCli& o) {
  auto env = LoadEnvironment(ctx);
  if (!env) return std::nullopt;
  const std::string url = DirectoryUrl(*env, o.directory);
  auto db = directory::OpenDatabase(url);
  if (!ctx.Check("opening the directory", db.status())) return std::nullopt;
  // The module is loaded on first use: `ca cert` and `ca list` need no HSM.
  ca::HsmOpener opener = LazyHsmOpener(*env);
  ca::CaOptions options;
  options.base_url = o.url;
  auto service = std::make_shared<ca::CaService>(
      std::shared_ptr<directory::Database>(std::move(db).value()), std::move(opener), options);
  return Opened{std::move(service), CliActor()};
}

void PrintPem(Context& ctx, const Bytes& der) {
  auto pem = ca::CertificatePem(der);
  if (!ctx.Check("encoding PEM", pem.status())) return;
  (void)std::fputs(pem->c_str(), stdout);
}

void Init(Context& ctx, const CaOptionsCli& o) {
  auto key_type = hsm::SigningKeyTypeFromString(o.key);
  if (!key_type.ok()) {
    ctx.exit_code = kExitUsage;
    (void)std::fprintf(stderr, "tessera: ca init: %s\n", key_type.status().message().c_str());
    return;
  }
  auto opened = Open(ctx, o);
  if (!opened) return;
  ca::InitRequest request{o.name, o.hsm, *key_type, o.subject,
                          o.parent.empty() ? std::nullopt : std::optional<std::string>(o.parent)};
  auto record = opened->service->Init(request, opened->actor);
  if (!ctx.Check("ca init", record.status())) return;
  std::printf("CA '%s' created: %s key '%s' on HSM '%s'%s%s\n", record->name.c_str(),
              record->key_type.c_str(), record->key_label.c_str(), record->hsm.c_str(),
              record->parent ? ", issued by " : " (self-signed root)",
              record->parent ? record->parent->c_str() : "");
  PrintPem(ctx, record->certificate);
}

void Issue(Context& ctx, const CaOptionsCli& o) {
  std::ifstream in(o.csr, std::ios::binary);
  if (!in) {
    ctx.Check("ca issue", Status::NotFound("cannot read CSR file '" + o.csr + "'"));
    return;
  }
  const Bytes csr((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto opened = Open(ctx, o);
  if (!opened) return;
  auto record =
      opened->service->Issue(ca::IssueRequest{o.ca, o.profile, csr, std::nullopt}, opened->actor);
  if (!ctx.Check("ca issue", record.status())) return;
  (void)std::fprintf(stderr, "issued serial %s (%s) to %s\n", ToHex(record->serial).c_str(),
                     record->profile.c_str(), record->subject.c_str());
  PrintPem(ctx, record->der);
}

void Cert(Context& ctx, const CaOptionsCli& o) {
  auto opened = Open(ctx, o);
  if (!opened) return;
  auto chain = opened->service->Chain(o.ca);
  if (!ctx.Check("ca cert", chain.status())) return;
  for (std::size_t i = 0; i < (o.chain ? chain->size() : 1); ++i) PrintPem(ctx, (*chain)[i]);
}

void Revoke(Context& ctx, const CaOptionsCli& o) {
  auto serial = ca::ParseSerialHex(o.serial);
  auto reason = ca::RevocationReasonFromName(o.reason);
  if (!serial.ok() || !reason.ok()) {
    ctx.exit_code = kExitUsage;
    const Status& bad = !serial.ok() ? serial.status() : reason.status();
    (void)std::fprintf(stderr, "tessera: ca revoke: %s\n", bad.message().c_str());
    return;
  }
  auto opened = Open(ctx, o);
  if (!opened) return;
  auto revoked = opened->service->Revoke(ca::RevokeRequest{o.ca, *serial, *reason}, opened->actor);
  if (!ctx.Check("ca revoke", revoked.status())) return;
  std::printf("revoked serial %s of CA '%s' (%s)\n", ToHex(revoked->serial).c_str(), o.ca.c_str(),
              ca::RevocationReasonName(revoked->reason).c_str());
}

void Crl(Context& ctx, const CaOptionsCli& o) {
  auto opened = Open(ctx, o);
  if (!opened) return;
  auto crl = opened->service->CurrentCrl(o.ca);
  if (!ctx.Check("ca crl", crl.status())) return;
  if (!o.out.empty()) {
    std::ofstream out(o.out, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(crl->der.data()),
              static_cast<std::streamsize>(crl->der.size()));
    if (!out) ctx.Check("ca crl", Status::IoError("cannot write '" + o.out + "'"));
    return;
  }
  const unsigned char* p = crl->der.data();
  X509_CRL* parsed = d2i_X509_CRL(nullptr, &p, static_cast<long>(crl->der.size()));
  if (parsed == nullptr) {
    ctx.Check("ca crl", ossl::Error("d2i_X509_CRL"));
    return;
  }
  PEM_write_X509_CRL(stdout, parsed);
  X509_CRL_free(parsed);
}

void List(Context& ctx, const CaOptionsCli& o) {
  auto opened = Open(ctx, o);
  if (!opened) return;
  auto cas = opened->service->List();
  if (!ctx.Check("ca list", cas.status())) return;
  if (o.json) {
    // {"cas": [{"name", "key_type", "parent" (null for a root), "hsm",
    // "key_label", "created_at"}]} (docs/cli.md).
    nlohmann::json list = nlohmann::json::array();
    for (const directory::CaRecord& r : *cas) {
      list.push_back({{"name", r.name},
                      {"key_type", r.key_type},
                      {"parent", r.parent ? nlohmann::json(*r.parent) : nullptr},
                      {"hsm", r.hsm},
                      {"key_label", r.key_label},
                      {"created_at", r.created_at}});
    }
    std::cout << nlohmann::json{{"cas", std::move(list)}}.dump(2) << "\n";
    return;
  }
  for (const directory::CaRecord& record : *cas) {
    std::printf("%s\t%s\t%s\thsm=%s\t%s\n", record.name.c_str(), record.key_type.c_str(),
                record.parent ? ("parent=" + *record.parent).c_str() : "root", record.hsm.c_str(),
                record.key_label.c_str());
  }
}

void AddUrlOption(CLI::App& command, std::string& url) {
  command.add_option("--url", url,
                     "Base URL of tesserad for CRL distribution points and AIA OCSP URLs "
                     "(BASE/ca/NAME/crl, BASE/ca/NAME/ocsp); default TESSERA_CA_URL, else none");
}

}  // namespace

void AddCaCommands(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<CaOptionsCli>();
  if (const char* url = std::getenv("TESSERA_CA_URL")) o->url = url;
  CLI::App* group = app.add_subcommand("ca", "The certificate authority: keys in the HSM");
  group->require_subcommand(1);

  CLI::App* init =
      group->add_subcommand("init", "Create a root CA, or an issuing CA under --parent");
  init->add_option("--hsm", o->hsm, "HSM holding the CA and OCSP responder keys")->required();
  init->add_option("--name", o->name, "CA name, [A-Za-z0-9._-]{1,64}")->required();
  init->add_option("--key", o->key, "p256 (default), p384 or rsa3072");
  init->add_option("--subject", o->subject, "Subject DN, CN=...,O=... (default CN=NAME)");
  init->add_option("--parent", o->parent, "The CA that signs this one (none: self-signed root)");
  AddUrlOption(*init, o->url);
  init->callback([&ctx, o] { Init(ctx, *o); });

  CLI::App* issue = group->add_subcommand("issue", "Issue a certificate from a CSR; prints PEM");
  issue->add_option("--ca", o->ca, "Issuing CA")->required();
  issue->add_option("--profile", o->profile, "user-signature, tls-server or officer (docs/ca.md)")
      ->required();
  issue->add_option("--csr", o->csr, "PKCS#10 request, PEM or DER")->required();
  AddUrlOption(*issue, o->url);
  issue->callback([&ctx, o] { Issue(ctx, *o); });

  CLI::App* cert = group->add_subcommand("cert", "Print the CA certificate (PEM)");
  cert->add_option("--ca", o->ca, "CA name")->required();
  cert->add_flag("--chain", o->chain, "Also its parents, up to the root");
  cert->callback([&ctx, o] { Cert(ctx, *o); });

  CLI::App* revoke = group->add_subcommand("revoke", "Revoke a certificate; issues a new CRL");
  revoke->add_option("--ca", o->ca, "Issuing CA")->required();
  revoke->add_option("--serial", o->serial, "Serial number, hex")->required();
  revoke
      ->add_option("--reason", o->reason,
                   "RFC 5280 reason: unspecified, keyCompromise, cACompromise, "
                   "affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn")
      ->required();
  AddUrlOption(*revoke, o->url);
  revoke->callback([&ctx, o] { Revoke(ctx, *o); });

  CLI::App* crl =
      group->add_subcommand("crl", "The current CRL (re-issued when due): PEM, or DER to --out");
  crl->add_option("--ca", o->ca, "CA name")->required();
  crl->add_option("--out", o->out, "Write DER to this file instead");
  crl->callback([&ctx, o] { Crl(ctx, *o); });

  CLI::App* list = group->add_subcommand("list", "List the CAs in the directory");
  list->add_flag("--json", o->json, "print the CAs as JSON (docs/cli.md)");
  list->callback([&ctx, o] { List(ctx, *o); });

  for (CLI::App* command : {init, issue, cert, revoke, crl, list}) {
    AddDirectoryOption(*command, o->directory);
  }
}

}  // namespace tessera::cli
