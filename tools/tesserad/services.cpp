#include "tools/tesserad/services.hpp"

#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>

#include "services/ca/ca_routes.hpp"
#include "services/ca/ca_service.hpp"
#include "services/cms/attestation.hpp"
#include "services/cms/cms_routes.hpp"
#include "services/cms/cms_service.hpp"

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
        "the cms service needs at least one manufacturer CA (manufacturer_ca = FILE or "
        "--manufacturer-ca FILE; tessera-sim's is STATE/manufacturer-ca.der)");
  }
  std::vector<Bytes> out;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status::NotFound("manufacturer_ca: cannot read " + file);
    const Bytes contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Result<std::vector<Bytes>> certificates = cms::ParseCertificates(contents);
    if (!certificates.ok()) {
      return Status::InvalidArgument("manufacturer_ca " + file + ": " +
                                     certificates.status().message());
    }
    out.insert(out.end(), certificates->begin(), certificates->end());
  }
  return out;
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
  };
  return kTable;
}

std::set<std::string> ServiceNames() {
  std::set<std::string> names;
  for (const auto& [name, registration] : ServiceTable()) names.insert(name);
  return names;
}

}  // namespace tessera::tesserad
