// tessera softtoken verify: a relying party's checks of a soft token or a
// presentation (issue 15 design "The soft token"; docs/cli.md "The
// soft-token service (seed 002)"). The SD-JWT VC: the x5c chain to the
// issuer CA with the soft-token issuer EKU, the issuer's signature and
// times, the status list bit, the Key Binding JWT. The X.509 form: the
// chain and the CA's CRL. One line per check; exit 0 only when all pass.
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include "services/ca/profiles.hpp"
#include "services/jose/sd_jwt.hpp"
#include "services/jose/status_list.hpp"
#include "tools/tessera/cms_cli.hpp"
#include "tools/tessera/softtoken_cli.hpp"
#include "tools/tessera/softtoken_pki.hpp"

namespace tessera::cli::softtoken {
namespace {

using nlohmann::json;

struct VerifyArgs {
  std::string file, issuer_ca, server, ca_file, aud, nonce;
  bool json = false;
};

// The checks as they are made: "name: result" lines, or one JSON object.
class Report {
 public:
  explicit Report(bool as_json) : json_(as_json) {}
  void Line(const std::string& check, const std::string& result) {
    if (json_) {
      out_[check] = result;
    } else {
      std::cout << check << ": " << result << "\n";
    }
  }
  // A failed check: its line, and the Status the command ends with.
  Status Fail(const std::string& check, const Status& why) {
    Line(check, "failed");
    if (json_) out_["error"] = why.message();
    return why.Prefixed(check + ": ");
  }
  void Finish() const {
    if (json_) PrintJson(out_);
  }

 private:
  bool json_;
  json out_ = json::object();
};

// The CA certificates a soft token must chain to: --issuer-ca's, or what
// GET /softtoken/v1/issuer lists after the issuer's own certificate.
Result<std::vector<Bytes>> Anchors(const VerifyArgs& a) {
  if (!a.issuer_ca.empty()) {
    std::ifstream in(a.issuer_ca);
    if (!in) return Status::IoError("cannot read " + a.issuer_ca);
    std::stringstream text;
    text << in.rdbuf();
    return CertificatesFromPem(text.str());
  }
  TESSERA_ASSIGN_OR_RETURN(HttpResponse r, Fetch(a.server + "/softtoken/v1/issuer", a.ca_file));
  const json answer = json::parse(r.body, nullptr, false);
  if (!answer.is_object() || !answer.contains("certificates") ||
      !answer["certificates"].is_array() || answer["certificates"].empty()) {
    return Status::InvalidArgument("GET /softtoken/v1/issuer: no certificates");
  }
  std::vector<Bytes> anchors;
  for (const json& c : answer["certificates"]) {
    if (!c.is_string()) return Status::InvalidArgument("GET /softtoken/v1/issuer: not a string");
    TESSERA_ASSIGN_OR_RETURN(Bytes der, jose::Base64UrlDecode(c.get<std::string>()));
    anchors.push_back(std::move(der));
  }
  if (anchors.size() > 1) anchors.erase(anchors.begin());  // the issuer is checked, not trusted
  return anchors;
}

Result<jose::TokenStatus> ListStatus(const jose::StatusReference& ref, const EVP_PKEY& key,
                                     const std::string& ca_file) {
  TESSERA_ASSIGN_OR_RETURN(HttpResponse r, Fetch(ref.uri, ca_file));
  TESSERA_ASSIGN_OR_RETURN(
      jose::StatusList list,
      jose::VerifyStatusListToken(r.body, key, ref.uri,
                                  static_cast<std::int64_t>(std::time(nullptr))));
  return jose::StatusAt(list.bits, ref.idx);
}

Status VerifySdJwt(const VerifyArgs& a, const std::string& text, Report& report) {
  Result<std::vector<Bytes>> x5c = jose::SdJwtIssuerChain(text);
  if (!x5c.ok()) return report.Fail("format", x5c.status());
  report.Line("format", "sd-jwt-vc");
  Result<std::vector<Bytes>> anchors = Anchors(a);
  if (!anchors.ok()) return report.Fail("chain", anchors.status());
  Result<std::vector<Bytes>> chain = VerifyChain(*x5c, *anchors);
  if (!chain.ok()) return report.Fail("chain", chain.status());
  Result<bool> eku = HasExtendedKeyUsage(x5c->front(), ca::kSoftTokenIssuerOid);
  if (!eku.ok() || !*eku) {
    return report.Fail(
        "chain", Status::ConditionsNotSatisfied("the signer is not a soft-token issuer (no EKU " +
                                                std::string(ca::kSoftTokenIssuerOid) + ")"));
  }
  report.Line("chain", "ok");
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr leaf, ossl::CertFromDer(x5c->front()));
  const EVP_PKEY* key = X509_get0_pubkey(leaf.get());
  if (key == nullptr) return ossl::Error("reading the issuer's key");
  jose::SdJwtVerifyOptions options;
  options.now = static_cast<std::int64_t>(std::time(nullptr));
  options.require_key_binding = !a.aud.empty();
  options.expected_aud = a.aud;
  options.expected_nonce = a.nonce;
  Result<jose::VerifiedSdJwt> verified = jose::VerifySdJwt(text, *key, options);
  if (!verified.ok()) {
    const Code c = verified.status().code();
    const char* check = c == Code::kDataMismatch             ? "key binding"
                        : c == Code::kConditionsNotSatisfied ? "expiry"
                                                             : "signature";
    return report.Fail(check, verified.status());
  }
  report.Line("signature", "ok");
  report.Line("expiry", "ok");
  if (!verified->status) {
    return report.Fail("status", Status::ConditionsNotSatisfied("the token has no status claim"));
  }
  Result<jose::TokenStatus> status = ListStatus(*verified->status, *key, a.ca_file);
  if (!status.ok()) return report.Fail("status", status.status());
  if (*status != jose::TokenStatus::kValid) {
    report.Line("status", "revoked");
    return Status::ConditionsNotSatisfied("status: the soft token is revoked");
  }
  report.Line("status", "valid");
  report.Line("key binding", verified->key_bound ? "ok" : "absent");
  return Status::Ok();
}

Status VerifyX509(const VerifyArgs& a, const std::string& text, Report& report) {
  Result<std::vector<Bytes>> certs = CertificatesFromPem(text);
  if (!certs.ok()) return report.Fail("format", certs.status());
  report.Line("format", "x509");
  Result<std::vector<Bytes>> anchors = Anchors(a);
  if (!anchors.ok()) return report.Fail("chain", anchors.status());
  Result<std::vector<Bytes>> chain = VerifyChain(*certs, *anchors);
  if (!chain.ok()) return report.Fail("chain", chain.status());
  if (chain->size() < 2) {
    return report.Fail("chain", Status::ConditionsNotSatisfied("the certificate is its own CA"));
  }
  report.Line("chain", "ok");
  Result<std::string> crl_url = CrlDistributionPoint(certs->front());
  if (!crl_url.ok()) return report.Fail("status", crl_url.status());
  Result<HttpResponse> crl = Fetch(*crl_url, a.ca_file);
  if (!crl.ok()) return report.Fail("status", crl.status());
  Result<bool> revoked = RevokedOnCrl(certs->front(), (*chain)[1], AsBytes(crl->body));
  if (!revoked.ok()) return report.Fail("status", revoked.status());
  if (*revoked) {
    report.Line("status", "revoked");
    return Status::ConditionsNotSatisfied("status: the certificate is on the CA's CRL");
  }
  report.Line("status", "valid");
  return Status::Ok();
}

Status Run(const VerifyArgs& a) {
  std::ifstream in(a.file);
  if (!in) return Status::IoError("cannot read " + a.file);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  Report report(a.json);
  Status s =
      text.rfind("-----BEGIN", 0) == 0 ? VerifyX509(a, text, report) : VerifySdJwt(a, text, report);
  report.Finish();
  return s;
}

}  // namespace

void AddVerifyCommand(CLI::App& softtoken, Context& ctx) {
  auto a = std::make_shared<VerifyArgs>();
  CLI::App* cmd = softtoken.add_subcommand(
      "verify",
      "Check a soft token or presentation: chain, signature, expiry, status, key binding");
  cmd->add_option("FILE", a->file, "the SD-JWT VC or presentation, or the PEM certificate")
      ->required();
  auto* issuer = cmd->add_option("--issuer-ca", a->issuer_ca, "PEM CA certificate(s) to trust");
  auto* server = cmd->add_option(
      "--server", a->server, "tesserad's URL: trust the CA it lists (GET /softtoken/v1/issuer)");
  issuer->excludes(server);
  cmd->add_option(
         "--ca-file", a->ca_file,
         "PEM CA that verifies tesserad's TLS certificate (also for the status list and CRL)")
      ->default_str("the system's CAs");
  auto* aud = cmd->add_option("--aud", a->aud, "require a Key Binding JWT for this audience");
  auto* nonce = cmd->add_option("--nonce", a->nonce, "... and this nonce");
  aud->needs(nonce);
  nonce->needs(aud);
  cmd->add_flag("--json", a->json, "print the checks as one JSON object");
  cmd->callback([&ctx, a] {
    if (a->issuer_ca.empty() && a->server.empty()) {
      return UsageError(ctx, "softtoken verify", "give --issuer-ca FILE or --server URL");
    }
    ctx.Check("softtoken verify", Run(*a));
  });
}

}  // namespace tessera::cli::softtoken
