#include "tools/tesserad/services.hpp"

#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>

#include "services/ca/ca_routes.hpp"
#include "services/ca/ca_service.hpp"
#include "services/cms/cms_routes.hpp"
#include "services/cms/cms_service.hpp"
#include "services/jose/jcs.hpp"
#include "services/registration/app_forwarder.hpp"
#include "services/registration/reg_routes.hpp"
#include "services/registration/registration_service.hpp"
#include "services/softtoken/softtoken_service.hpp"
#include "services/softtoken/st_routes.hpp"
#include "services/trust/attestation.hpp"

namespace tessera::tesserad {
namespace {

ca::HsmOpener CountingOpener(ServiceContext& context) {
  const runtime::HsmAccess* hsm = context.hsm;
  http::Metrics* metrics = &context.metrics;
  return [hsm, metrics](const std::string& name) -> Result<hsm::HsmToken> {
    auto token = hsm->Open(name);
    metrics->CountHsmOperation("open_session", token.ok());
    return token;
  };
}

// The process's CaService, made once. HSM sessions come from its own pool;
// every HSM operation it makes is counted in tesserad_hsm_operations_total.
Result<std::shared_ptr<ca::CaService>> SharedCa(ServiceContext& context, const char* service) {
  if (context.hsm == nullptr) {
    return Status::InvalidArgument(std::string("the ") + service +
                                   " service needs an HSM (hsm = NAME or --hsm)");
  }
  if (!context.ca_service) {
    ca::CaOptions options;
    options.base_url = context.config.ca_base_url;
    context.ca_service =
        std::make_shared<ca::CaService>(context.database, CountingOpener(context), options);
    if (context.maintenance != nullptr) {
      // CRLs before their refresh point, OCSP responder certificates before
      // their end (CaService::EnsureFresh).
      auto service_ptr = context.ca_service;
      context.maintenance->Add("ca", std::chrono::seconds(60), [service_ptr] {
        return service_ptr->EnsureFresh(ca::SystemClock());
      });
    }
  }
  return context.ca_service;
}

Result<std::vector<Bytes>> ReadManufacturerCas(const std::vector<std::string>& files) {
  if (files.empty()) {
    return Status::InvalidArgument(
        "the cms and softtoken services need at least one manufacturer CA (manufacturer_ca = FILE "
        "or "
        "--manufacturer-ca FILE; tessera-sim's is STATE/manufacturer-ca.der)");
  }
  std::vector<Bytes> out;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status::NotFound("manufacturer_ca: cannot read " + file);
    const Bytes contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Result<std::vector<Bytes>> certificates = trust::ParseCertificates(contents);
    if (!certificates.ok()) {
      return Status::InvalidArgument("manufacturer_ca " + file + ": " +
                                     certificates.status().message());
    }
    out.insert(out.end(), certificates->begin(), certificates->end());
  }
  return out;
}

// The registration template: the built-in one, or a file holding one JSON
// object, kept in canonical form (R0 carries its hash).
Result<std::string> RegistrationTemplate(const std::string& file) {
  if (file.empty()) return std::string(registration::kDefaultTemplate);
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::NotFound("registration.template: cannot read " + file);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Status::InvalidArgument("registration.template " + file + ": not a JSON object");
  }
  return jose::Canonicalize(parsed);
}

Status AddRegistration(http::Router& router, ServiceContext& context) {
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<ca::CaService> ca, SharedCa(context, "registration"));
  const RegistrationConfig& config = context.config.registration;
  registration::RegistrationOptions options;
  options.server = config.server;
  options.open = config.open;
  TESSERA_ASSIGN_OR_RETURN(options.template_json, RegistrationTemplate(config.template_file));
  options.public_url = config.public_url;
  if (options.public_url.empty() && !context.config.server.listeners.empty()) {
    options.public_url = context.config.server.listeners.front().ToString();
  }
  options.hello_lifetime = config.hello_lifetime;
  options.pending_lifetime = config.pending_lifetime;
  options.session_idle = config.session_idle;
  options.session_lifetime = config.session_lifetime;
  registration::AppForwarderOptions forwarding;
  forwarding.ca_file = config.app_ca_file;
  TESSERA_ASSIGN_OR_RETURN(registration::AppForwarder forwarder,
                           registration::AppForwarder::Create(forwarding));
  auto shared_forwarder = std::make_shared<registration::AppForwarder>(std::move(forwarder));
  registration::AppSender send =
      [shared_forwarder](const registration::AppCall& call) -> Result<registration::AppReply> {
    const registration::ForwardRequest request{call.method, call.target, call.headers, call.body};
    TESSERA_ASSIGN_OR_RETURN(registration::ForwardResponse response,
                             shared_forwarder->Forward(call.base_url, request, call.added));
    return registration::AppReply{response.status, response.headers, response.body};
  };
  auto service = std::make_shared<registration::RegistrationService>(
      context.database, std::move(ca), CountingOpener(context), options, std::move(send));
  if (context.maintenance != nullptr) {
    // Registrations and sessions past their deadlines (seed 001 replays
    // need the rows' states to move on).
    context.maintenance->Add("registration", std::chrono::seconds(60),
                             [service] { return service->Maintain(); });
  }
  registration::AddRegistrationRoutes(router, std::move(service));
  return Status::Ok();
}

Status AddSoftToken(http::Router& router, ServiceContext& context) {
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<ca::CaService> ca, SharedCa(context, "softtoken"));
  const SoftTokenConfig& config = context.config.softtoken;
  softtoken::SoftTokenOptions options;
  options.issuer = config.issuer;
  options.public_url = config.public_url;
  if (options.public_url.empty()) {
    options.public_url_source = [bound = context.bound_url] { return bound->Get(); };
  }
  options.otp_lifetime = config.otp_lifetime;
  options.otp_tries = config.otp_tries;
  options.token_lifetime = config.token_lifetime;
  options.status_ttl = config.status_ttl;
  options.max_pending = config.max_pending;
  TESSERA_ASSIGN_OR_RETURN(options.manufacturer_cas,
                           ReadManufacturerCas(context.config.manufacturer_cas));
  auto service = std::make_shared<softtoken::SoftTokenService>(context.database, std::move(ca),
                                                               CountingOpener(context), options);
  if (context.maintenance != nullptr) {
    // Requests past their deadline deleted (nothing left behind), nonces
    // purged, X.509 soft certificates of revoked cards revoked.
    context.maintenance->Add("softtoken", std::chrono::seconds(60),
                             [service] { return service->Maintain().status(); });
  }
  softtoken::AddSoftTokenRoutes(router, std::move(service));
  return Status::Ok();
}

}  // namespace

const std::map<std::string, RegisterService>& ServiceTable() {
  static const std::map<std::string, RegisterService> kTable = {
      // The CA (services/ca, docs/ca.md): its routes on the shared router.
      {"ca",
       [](http::Router& router, ServiceContext& context) -> Status {
         TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<ca::CaService> service, SharedCa(context, "ca"));
         ca::AddCaRoutes(router, std::move(service));
         return Status::Ok();
       }},
      // The CMS (services/cms, docs/cms-api.md): seed 000's inventory,
      // E-forms, binding and key delivery, on the same CaService.
      {"cms",
       [](http::Router& router, ServiceContext& context) -> Status {
         TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<ca::CaService> ca, SharedCa(context, "cms"));
         if (context.config.cms_ca.empty()) {
           return Status::InvalidArgument(
               "the cms service needs the CA that issues user certificates (cms.ca = NAME or "
               "--cms-ca NAME)");
         }
         cms::CmsOptions options;
         TESSERA_ASSIGN_OR_RETURN(options.manufacturer_cas,
                                  ReadManufacturerCas(context.config.manufacturer_cas));
         options.ca = context.config.cms_ca;
         options.hsm = context.config.hsm;
         auto service = std::make_shared<cms::CmsService>(context.database, std::move(ca),
                                                          CountingOpener(context), options);
         cms::AddCmsRoutes(router, std::move(service));
         return Status::Ok();
       }},
      // The registration gateway (services/registration, seed 001,
      // docs/registration-api.md), on the same CaService (its chain).
      {"registration", AddRegistration},
      // The soft-token service (services/softtoken, seed 002,
      // docs/softtoken-api.md), on the same CaService.
      {"softtoken", AddSoftToken},
  };
  return kTable;
}

std::set<std::string> ServiceNames() {
  std::set<std::string> names;
  for (const auto& [name, registration] : ServiceTable()) names.insert(name);
  return names;
}

}  // namespace tessera::tesserad
