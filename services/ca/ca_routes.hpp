// The CA's HTTP endpoints on tesserad's router (docs/ca.md "Endpoints"):
//
//   GET  /ca/{name}/crl               application/pkix-crl (DER), cacheable until nextUpdate
//   POST /ca/{name}/ocsp              application/ocsp-request -> application/ocsp-response
//   GET  /ca/{name}/ocsp/{request}    RFC 6960 appendix A.1 (base64 DER in the path)
//   GET  /ca/{name}/certificate       application/pem-certificate-chain (the CA's, then up to the
//   root) POST /ca/{name}/issue             JSON {"profile","csr"[,"user_id"]} ->
//   {"certificate","serial"}; client cert POST /ca/{name}/revoke            JSON
//   {"serial","reason"} -> {"serial","reason","revoked_at"}; client cert
//
// Handlers decode, call CaService, encode; errors go back as Status and the
// server's one table picks the HTTP status. CRLs and OCSP answers are signed
// objects, so they may be served on a plain-HTTP listener (RFC 5019 §5).
// Registered before the server starts; the service is thread-safe.
#pragma once

#include <memory>

#include "services/ca/ca_service.hpp"
#include "services/http/router.hpp"

namespace tessera::ca {

void AddCaRoutes(http::Router& router, std::shared_ptr<CaService> service);

}  // namespace tessera::ca
