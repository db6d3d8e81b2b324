// The CA's OCSP request decoder (services/ca/ocsp_request.hpp), as the
// responder uses it: bytes from a POST body or a GET path segment, decoded;
// whatever decodes is echoed into an (unsigned) response, which must parse
// back as an OCSPResponse with the same number of answers. Crashes,
// sanitizer reports and an answer OpenSSL cannot parse are findings.
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "services/ca/ocsp_request.hpp"
#include "services/ca/ocsp_response.hpp"

namespace {

// A real (self-signed, throw-away) certificate for the response's certs
// field, made once: OpenSSL parses it when it reads the basic response.
const tessera::Bytes& ResponderCertificate() {
  static const tessera::Bytes der = [] {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    X509* cert = X509_new();
    X509_set_version(cert, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("fuzz"), -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(cert));
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_sign(cert, key, EVP_sha256());
    unsigned char* out = nullptr;
    const int len = i2d_X509(cert, &out);
    tessera::Bytes bytes(out, out + (len > 0 ? len : 0));
    OPENSSL_free(out);
    X509_free(cert);
    EVP_PKEY_free(key);
    return bytes;
  }();
  return der;
}

void Answer(const tessera::ca::OcspRequest& request) {
  using tessera::ca::CertState;
  std::vector<tessera::ca::SingleAnswer> answers;
  int i = 0;
  for (const tessera::ca::OcspCertId& id : request.ids) {
    const auto state = static_cast<CertState>(i++ % 3);
    answers.push_back({id.der, state, 1700000000, i % 11, 1700000000, 1700003600});
  }
  const tessera::Bytes key_hash(20, 0xab);
  const tessera::Bytes data =
      tessera::ca::ResponseData(key_hash, 1700000000, answers, request.nonce_extension);
  const tessera::Bytes algorithm = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                    0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
  const tessera::Bytes signature(70, 0x01);
  const tessera::Bytes der =
      tessera::ca::SuccessfulResponse(data, algorithm, signature, ResponderCertificate());
  const unsigned char* p = der.data();
  OCSP_RESPONSE* response = d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size()));
  if (response == nullptr) std::abort();
  OCSP_BASICRESP* basic = OCSP_response_get1_basic(response);
  if (basic == nullptr || OCSP_resp_count(basic) != static_cast<int>(request.ids.size())) {
    std::abort();
  }
  OCSP_BASICRESP_free(basic);
  OCSP_RESPONSE_free(response);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const tessera::ByteView bytes(data, size);
  auto request = tessera::ca::DecodeOcspRequest(bytes);
  if (request.ok()) Answer(*request);
  auto segment = tessera::ca::DecodeOcspGetSegment(
      std::string_view(reinterpret_cast<const char*>(data), size));
  if (segment.ok()) {
    auto from_get = tessera::ca::DecodeOcspRequest(*segment);
    if (from_get.ok()) Answer(*from_get);
  }
  return 0;
}
