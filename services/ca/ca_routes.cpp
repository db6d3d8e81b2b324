#include "services/ca/ca_routes.hpp"

#include <ctime>
#include <string>

#include "services/ca/ca_context.hpp"
#include "services/ca/csr.hpp"
#include "services/ca/issuance.hpp"
#include "services/ca/ocsp_request.hpp"
#include "services/ca/revocation_reason.hpp"
#include "services/http/json_body.hpp"
#include "services/http/problem.hpp"

namespace tessera::ca {
namespace {

struct IssueBody {
  std::string profile;
  std::string csr;
  std::optional<std::string> user_id;
};

struct RevokeBody {
  std::string serial;
  std::string reason;
};

// IMF-fixdate (RFC 9110 §5.6.7).
std::string HttpDate(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[40];
  const std::size_t n = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return {text, n};
}

// Caching headers for a signed object valid until `next_update` (RFC 5019
// §6.2 for OCSP; the same for CRLs).
void AddCaching(http::Response& response, std::int64_t this_update, std::int64_t next_update,
                const std::string& etag) {
  const std::int64_t left = std::max<std::int64_t>(0, next_update - SystemClock());
  response.headers.emplace_back("Cache-Control",
                                "public, max-age=" + std::to_string(left) + ", no-transform");
  response.headers.emplace_back("Last-Modified", HttpDate(this_update));
  response.headers.emplace_back("Expires", HttpDate(next_update));
  response.headers.emplace_back("ETag", "\"" + etag + "\"");
}

http::Response Binary(const char* content_type, const Bytes& der) {
  http::Response response;
  response.content_type = content_type;
  response.body.assign(der.begin(), der.end());
  return response;
}

Actor ActorOf(const http::Request& request) {
  return Actor{request.client_subject.empty() ? "http:" + request.remote : request.client_subject,
               request.request_id};
}

Result<http::Response> GetCrl(CaService& service, const http::Request& request) {
  const std::string& ca = request.params.at("name");
  TESSERA_ASSIGN_OR_RETURN(directory::CrlRecord crl, service.CurrentCrl(ca));
  const std::string etag = ca + "-crl-" + std::to_string(crl.number);
  auto if_none_match = request.Header("if-none-match");
  http::Response response;
  if (if_none_match && *if_none_match == "\"" + etag + "\"") {
    response.status = 304;  // RFC 9110 §15.4.5: not an error
    response.content_type.clear();
  } else {
    response = Binary("application/pkix-crl", crl.der);
  }
  AddCaching(response, crl.this_update, crl.next_update, etag);
  return response;
}

Result<http::Response> Ocsp(CaService& service, const std::string& ca, ByteView der,
                            bool cacheable) {
  TESSERA_ASSIGN_OR_RETURN(OcspAnswer answer, service.AnswerOcsp(ca, der));
  http::Response response = Binary("application/ocsp-response", answer.der);
  if (cacheable && answer.this_update != 0) {
    const Bytes digest = DigestByNid(NID_sha1, answer.der);
    AddCaching(response, answer.this_update, answer.next_update, ToHex(digest));
  }
  return response;
}

Result<http::Response> PostOcsp(CaService& service, const http::Request& request) {
  auto type = request.Header("content-type");
  if (!type || type->substr(0, type->find(';')) != "application/ocsp-request") {
    return http::Fault(http::HttpFault::kUnsupportedMediaType,
                       "an OCSP request is application/ocsp-request (RFC 6960 appendix A.1)");
  }
  return Ocsp(service, request.params.at("name"), AsBytes(request.body), false);
}

Result<http::Response> GetOcsp(CaService& service, const http::Request& request) {
  Result<Bytes> der = DecodeOcspGetSegment(request.params.at("request"));
  // Undecodable base64 is a malformed OCSP request too: answered as one.
  return Ocsp(service, request.params.at("name"), der.ok() ? ByteView(*der) : ByteView(), true);
}

Result<http::Response> GetCertificate(CaService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<Bytes> chain, service.Chain(request.params.at("name")));
  http::Response response;
  response.content_type = "application/pem-certificate-chain";  // RFC 8555 §9.1
  for (const Bytes& der : chain) {
    TESSERA_ASSIGN_OR_RETURN(std::string pem, CertificatePem(der));
    response.body += pem;
  }
  return response;
}

Result<http::Response> PostIssue(CaService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(
      IssueBody body,
      http::DecodeJsonBody<IssueBody>(request, [](http::JsonObject& o) -> Result<IssueBody> {
        IssueBody b;
        TESSERA_ASSIGN_OR_RETURN(b.profile, o.String("profile"));
        TESSERA_ASSIGN_OR_RETURN(b.csr, o.String("csr"));
        TESSERA_ASSIGN_OR_RETURN(b.user_id, o.OptionalString("user_id"));
        return b;
      }));
  IssueRequest issue{request.params.at("name"), body.profile,
                     Bytes(body.csr.begin(), body.csr.end()), body.user_id};
  TESSERA_ASSIGN_OR_RETURN(directory::CertificateRecord record,
                           service.Issue(issue, ActorOf(request)));
  TESSERA_ASSIGN_OR_RETURN(std::string pem, CertificatePem(record.der));
  return http::JsonResponse({{"certificate", pem}, {"serial", ToHex(record.serial)}});
}

Result<http::Response> PostRevoke(CaService& service, const http::Request& request) {
  TESSERA_ASSIGN_OR_RETURN(
      RevokeBody body,
      http::DecodeJsonBody<RevokeBody>(request, [](http::JsonObject& o) -> Result<RevokeBody> {
        RevokeBody b;
        TESSERA_ASSIGN_OR_RETURN(b.serial, o.String("serial"));
        TESSERA_ASSIGN_OR_RETURN(b.reason, o.String("reason"));
        return b;
      }));
  TESSERA_ASSIGN_OR_RETURN(Bytes serial, ParseSerialHex(body.serial));
  TESSERA_ASSIGN_OR_RETURN(int reason, RevocationReasonFromName(body.reason));
  TESSERA_ASSIGN_OR_RETURN(
      directory::RevocationRecord revoked,
      service.Revoke(RevokeRequest{request.params.at("name"), serial, reason}, ActorOf(request)));
  return http::JsonResponse({{"serial", ToHex(revoked.serial)},
                             {"reason", RevocationReasonName(revoked.reason)},
                             {"revoked_at", revoked.revoked_at}});
}

}  // namespace

void AddCaRoutes(http::Router& router, std::shared_ptr<CaService> service) {
  auto bind = [service = std::move(service)](
                  Result<http::Response> (*handler)(CaService&, const http::Request&)) {
    return [service, handler](const http::Request& request) { return handler(*service, request); };
  };
  const http::RouteOptions client_cert{.require_client_cert = true};
  router.Add("GET", "/ca/{name}/crl", bind(GetCrl));
  router.Add("POST", "/ca/{name}/ocsp", bind(PostOcsp));
  router.Add("GET", "/ca/{name}/ocsp/{request}", bind(GetOcsp));
  router.Add("GET", "/ca/{name}/certificate", bind(GetCertificate));
  router.Add("POST", "/ca/{name}/issue", bind(PostIssue), client_cert);
  router.Add("POST", "/ca/{name}/revoke", bind(PostRevoke), client_cert);
}

}  // namespace tessera::ca
