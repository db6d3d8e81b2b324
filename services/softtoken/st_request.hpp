// Who asks, as the soft-token service's routes and page see an HTTP
// request: the audit's caller, and channel 2's client certificate and
// connection. Internal to services/softtoken.
#pragma once

#include "services/http/router.hpp"
#include "services/softtoken/softtoken_service.hpp"

namespace tessera::softtoken {

inline Caller CallerOf(const http::Request& request) {
  return Caller{"http:" + request.remote, request.request_id};
}

inline Bytes ExporterOf(const http::Request& request) {
  return Bytes(request.tls_exporter.begin(), request.tls_exporter.end());
}

inline IdCaller IdCallerOf(const http::Request& request) {
  return IdCaller{Bytes(request.client_certificate.begin(), request.client_certificate.end()),
                  ExporterOf(request)};
}

}  // namespace tessera::softtoken
