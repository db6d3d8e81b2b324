#include "tools/tesserad/services.hpp"

namespace tessera::tesserad {

const std::map<std::string, RegisterService>& ServiceTable() {
  static const std::map<std::string, RegisterService> table = {
      // ---- WIRING POINT for the CA service (issue 12) ----
      // Replace the body with the CA's registration (and link tessera_ca in
      // tools/tesserad/CMakeLists.txt):
      //   #include "services/ca/ca_routes.hpp"
      //   ca::CaOptions options;
      //   options.base_url = context.config.ca_base_url;
      //   const runtime::HsmAccess* hsm = context.hsm;
      //   auto service = std::make_shared<ca::CaService>(
      //       context.database, [hsm](const std::string& name) { return hsm->Open(name); },
      //       options);
      //   ca::AddCaRoutes(router, std::move(service));
      //   return Status::Ok();
      {"ca",
       [](http::Router& /*router*/, ServiceContext& /*context*/) -> Status {
         return Status::FunctionNotSupported(
             "the ca service is not wired into this tesserad yet (tools/tesserad/services.cpp)");
       }},
  };
  return table;
}

std::set<std::string> ServiceNames() {
  std::set<std::string> names;
  for (const auto& [name, registration] : ServiceTable()) names.insert(name);
  return names;
}

}  // namespace tessera::tesserad
