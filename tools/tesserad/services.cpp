#include "tools/tesserad/services.hpp"

#include <chrono>
#include <memory>

#include "services/ca/ca_routes.hpp"
#include "services/ca/ca_service.hpp"

namespace tessera::tesserad {

const std::map<std::string, RegisterService>& ServiceTable() {
  static const std::map<std::string, RegisterService> kTable = {
      // The CA (services/ca, docs/ca.md): its routes on the shared router.
      // HSM sessions come from the CA's own pool; every HSM operation it
      // makes is counted in tesserad_hsm_operations_total.
      {"ca",
       [](http::Router& router, ServiceContext& context) -> Status {
         if (context.hsm == nullptr) {
           return Status::InvalidArgument("the ca service needs an HSM (hsm = NAME or --hsm)");
         }
         ca::CaOptions options;
         options.base_url = context.config.ca_base_url;
         const runtime::HsmAccess* hsm = context.hsm;
         http::Metrics* metrics = &context.metrics;
         auto service = std::make_shared<ca::CaService>(
             context.database,
             [hsm, metrics](const std::string& name) -> Result<hsm::HsmToken> {
               auto token = hsm->Open(name);
               metrics->CountHsmOperation("open_session", token.ok());
               return token;
             },
             options);
         if (context.maintenance != nullptr) {
           // CRLs before their refresh point, OCSP responder certificates
           // before their end (CaService::EnsureFresh).
           context.maintenance->Add("ca", std::chrono::seconds(60),
                                    [service] { return service->EnsureFresh(ca::SystemClock()); });
         }
         ca::AddCaRoutes(router, std::move(service));
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
