// The CMS's HTTP endpoints on tesserad's router (docs/cms-api.md):
//
//   POST /cms/tokens                     register a token (the station)
//   GET  /cms/tokens[?state=S]           the inventory              client cert
//   GET  /cms/tokens/{serial}            one token and its bindings client cert
//   GET  /cms/users/{id}                 one user and its bindings  client cert
//   POST /cms/nonces                     a nonce for E-form v1      officer cert
//   POST /cms/eforms                     {"v1"} -> v2               officer cert
//   POST /cms/requests/{id}/bind         {"v2"} -> key package      officer cert
//   POST /cms/activations                {"receipt"} -> binding
//   GET  /cms/openapi.json               the OpenAPI 3 description
//
// Handlers decode, call CmsService, encode; errors go back as Status and the
// server's one table picks the HTTP status. Thread-safe as the service.
#pragma once

#include <memory>
#include <string>

#include "services/cms/cms_service.hpp"
#include "services/http/router.hpp"

namespace tessera::cms {

void AddCmsRoutes(http::Router& router, std::shared_ptr<CmsService> service);

// The OpenAPI 3.0 document served at /cms/openapi.json.
const std::string& OpenApiDocument();

}  // namespace tessera::cms
