// The registration gateway's HTTP endpoints on tesserad's router
// (docs/registration-api.md):
//
//   POST   /reg/registrations                  {} -> R0, template, certificate
//   POST   /reg/registrations/{id}/exchange    {"client_message": R1} -> R2
//   POST   /reg/registrations/{id}/confirm     {"client_message": R3} -> UIDC
//   POST   /reg/sessions                       {"client_message": A1} -> A2
//   POST   /reg/sessions/{sid}/finish          {"client_message": A3} -> open
//   POST   /reg/sessions/{sid}/entitlements    sealed -> sealed document
//   DELETE /reg/sessions/{sid}                 sealed {} -> 204
//   POST   /app/{name}[/{rest...}]             sealed request -> sealed answer
//                                              (header Tessera-Session: sid)
//   GET    /reg/openapi.json                   the OpenAPI 3 description
//
// Binary fields are base64url without padding. A sealed body is
// {"seq": n, "ct": base64url}; its AAD binds the method and the request's
// path exactly as sent on the request line (before any '?'). Handlers
// decode, call RegistrationService, encode; errors go back as Status and the
// server's one table picks the HTTP status. Thread-safe as the service.
#pragma once

#include <memory>
#include <string>

#include "services/http/router.hpp"
#include "services/registration/registration_service.hpp"

namespace tessera::registration {

void AddRegistrationRoutes(http::Router& router, std::shared_ptr<RegistrationService> service);

// The OpenAPI 3.0 document served at /reg/openapi.json.
const std::string& OpenApiDocument();

}  // namespace tessera::registration
