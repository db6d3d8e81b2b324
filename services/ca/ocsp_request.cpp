#include "services/ca/ocsp_request.hpp"

#include <openssl/evp.h>
#include <openssl/ocsp.h>

#include <memory>
#include <string>

#include "common/ossl.hpp"

namespace tessera::ca {
namespace {

using RequestPtr = std::unique_ptr<OCSP_REQUEST, ossl::Deleter<OCSP_REQUEST_free>>;
using EncodeCtxPtr = std::unique_ptr<EVP_ENCODE_CTX, ossl::Deleter<EVP_ENCODE_CTX_free>>;

Status Malformed(const std::string& why) {
  ossl::DrainErrors();
  return Status::InvalidArgument("malformed OCSP request: " + why);
}

Result<OcspCertId> DecodeCertId(OCSP_CERTID* cid) {
  ASN1_OCTET_STRING* name_hash = nullptr;
  ASN1_OBJECT* md = nullptr;
  ASN1_OCTET_STRING* key_hash = nullptr;
  ASN1_INTEGER* serial = nullptr;
  if (OCSP_id_get0_info(&name_hash, &md, &key_hash, &serial, cid) != 1 || name_hash == nullptr ||
      md == nullptr || key_hash == nullptr || serial == nullptr) {
    return Malformed("a CertID lacks a field");
  }
  OcspCertId id;
  unsigned char* der = nullptr;
  const int len = i2d_OCSP_CERTID(cid, &der);
  if (len <= 0) return Malformed("a CertID cannot be re-encoded");
  id.der.assign(der, der + len);
  OPENSSL_free(der);
  id.hash_nid = OBJ_obj2nid(md);
  id.issuer_name_hash.assign(name_hash->data, name_hash->data + name_hash->length);
  id.issuer_key_hash.assign(key_hash->data, key_hash->data + key_hash->length);
  ossl::BnPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return Malformed("a CertID's serial number is not an INTEGER");
  id.serial_negative = BN_is_negative(bn.get()) == 1;
  id.serial = ossl::BnToBytes(bn.get());
  return id;
}

}  // namespace

Result<OcspRequest> DecodeOcspRequest(ByteView der) {
  if (der.empty()) return Malformed("empty body");
  if (der.size() > kMaxOcspRequestBytes) {
    return Malformed("more than " + std::to_string(kMaxOcspRequestBytes) + " bytes");
  }
  const unsigned char* p = der.data();
  RequestPtr request(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(der.size())));
  if (!request) return Malformed("not a DER OCSPRequest");
  if (p != der.data() + der.size()) return Malformed("bytes after the OCSPRequest");
  const int count = OCSP_request_onereq_count(request.get());
  if (count <= 0) return Malformed("no CertID in requestList");
  if (static_cast<std::size_t>(count) > kMaxOcspCertIds) {
    return Malformed(std::to_string(count) + " CertIDs; at most " +
                     std::to_string(kMaxOcspCertIds) + " are answered");
  }
  OcspRequest out;
  for (int i = 0; i < count; ++i) {
    OCSP_CERTID* cid = OCSP_onereq_get0_id(OCSP_request_onereq_get0(request.get(), i));
    TESSERA_ASSIGN_OR_RETURN(OcspCertId id, DecodeCertId(cid));
    out.ids.push_back(std::move(id));
  }
  const int nonce_at = OCSP_REQUEST_get_ext_by_NID(request.get(), NID_id_pkix_OCSP_Nonce, -1);
  if (nonce_at >= 0) {
    X509_EXTENSION* nonce = OCSP_REQUEST_get_ext(request.get(), nonce_at);
    unsigned char* ext = nullptr;
    const int len = i2d_X509_EXTENSION(nonce, &ext);
    if (len <= 0) return Malformed("the nonce extension cannot be re-encoded");
    out.nonce_extension = Bytes(ext, ext + len);
    OPENSSL_free(ext);
  }
  ossl::DrainErrors();
  return out;
}

Result<Bytes> DecodeOcspGetSegment(std::string_view segment) {
  if (segment.empty()) return Malformed("empty GET path segment");
  if (segment.size() > kMaxOcspRequestBytes * 2) return Malformed("GET path segment too long");
  std::string text(segment);
  while (text.size() % 4 != 0) text += '=';  // some clients drop the padding
  EncodeCtxPtr ctx(EVP_ENCODE_CTX_new());
  if (!ctx) return ossl::Error("EVP_ENCODE_CTX_new");
  EVP_DecodeInit(ctx.get());
  Bytes out(text.size() / 4 * 3 + 3);
  int len = 0;
  int tail = 0;
  if (EVP_DecodeUpdate(ctx.get(), out.data(), &len,
                       reinterpret_cast<const unsigned char*>(text.data()),
                       static_cast<int>(text.size())) < 0 ||
      EVP_DecodeFinal(ctx.get(), out.data() + len, &tail) != 1) {
    return Malformed("the GET path segment is not base64 (RFC 6960 appendix A.1)");
  }
  out.resize(static_cast<std::size_t>(len) + static_cast<std::size_t>(tail));
  return out;
}

}  // namespace tessera::ca
