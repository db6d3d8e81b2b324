// tesserad's routes of the soft-token service (docs/softtoken-api.md): the
// JSON API of both channels under /softtoken/v1, the status list and the
// issuer's certificates for verifiers, and the page at /softtoken/
// (st_page.hpp). Binary members are base64url without padding. Handlers
// decode, call SoftTokenService, encode; errors go back as Status and the
// server's one table picks the HTTP status (the page renders them as HTML
// instead). Thread-safe as the service.
#pragma once

#include <memory>
#include <string>

#include "services/http/router.hpp"
#include "services/softtoken/softtoken_service.hpp"

namespace tessera::softtoken {

void AddSoftTokenRoutes(http::Router& router, const std::shared_ptr<SoftTokenService>& service);

// The OpenAPI 3.0 document served at /softtoken/v1/openapi.json.
const std::string& OpenApiDocument();

}  // namespace tessera::softtoken
