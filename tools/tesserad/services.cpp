#include "tools/tesserad/services.hpp"

namespace tessera::tesserad {

const std::map<std::string, RegisterService>& ServiceTable() {
  static const std::map<std::string, RegisterService> table = {
      // ---- WIRING POINT for the CA service (issue 12) ----
      // Replace the body with the CA helper's registration, e.g.
      //   #include "services/ca/ca_routes.hpp"
      //   ca::AddCaRoutes(router, context.database, *context.hsm, context.metrics);
      //   return Status::Ok();
      // and link tessera_ca in tools/tesserad/CMakeLists.txt.
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
