#include "tools/tessera/softtoken_pki.hpp"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "tools/tessera/client/https_problem.hpp"

namespace tessera::cli::softtoken {
namespace {

using StorePtr = std::unique_ptr<X509_STORE, ossl::Deleter<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, ossl::Deleter<X509_STORE_CTX_free>>;
using CrlPtr = std::unique_ptr<X509_CRL, ossl::Deleter<X509_CRL_free>>;
using EkuPtr = std::unique_ptr<EXTENDED_KEY_USAGE, ossl::Deleter<EXTENDED_KEY_USAGE_free>>;
using DistPointsPtr = std::unique_ptr<CRL_DIST_POINTS, ossl::Deleter<CRL_DIST_POINTS_free>>;

struct StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), StackFree>;

}  // namespace

Result<std::vector<Bytes>> CertificatesFromPem(const std::string& pem) {
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return ossl::Error("BIO_new_mem_buf");
  std::vector<Bytes> out;
  while (true) {
    ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    TESSERA_ASSIGN_OR_RETURN(Bytes der, ossl::CertToDer(cert.get()));
    out.push_back(std::move(der));
  }
  ossl::DrainErrors();  // the end of the text reads as an error
  if (out.empty()) return Status::InvalidArgument("no PEM certificate in it");
  return out;
}

Result<std::vector<Bytes>> VerifyChain(const std::vector<Bytes>& chain,
                                       const std::vector<Bytes>& anchors) {
  if (chain.empty()) return Status::InvalidArgument("no certificate to verify");
  StorePtr store(X509_STORE_new());
  X509StackPtr untrusted(sk_X509_new_null());
  if (!store || !untrusted) return ossl::Error("X509_STORE_new");
  for (const Bytes& der : anchors) {
    TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr cert, ossl::CertFromDer(der));
    if (X509_STORE_add_cert(store.get(), cert.get()) != 1) ossl::DrainErrors();  // a duplicate
  }
  X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr leaf, ossl::CertFromDer(chain.front()));
  for (std::size_t i = 1; i < chain.size(); ++i) {
    TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr cert, ossl::CertFromDer(chain[i]));
    if (sk_X509_push(untrusted.get(), cert.get()) <= 0) return ossl::Error("sk_X509_push");
    (void)cert.release();
  }
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), untrusted.get()) != 1) {
    return ossl::Error("X509_STORE_CTX_init");
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    const int error = X509_STORE_CTX_get_error(ctx.get());
    ossl::DrainErrors();
    return Status::SignatureInvalid(std::string("the chain does not verify to the issuer CA: ") +
                                    X509_verify_cert_error_string(error));
  }
  std::vector<Bytes> verified;
  STACK_OF(X509)* got = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; i < sk_X509_num(got); ++i) {
    TESSERA_ASSIGN_OR_RETURN(Bytes der, ossl::CertToDer(sk_X509_value(got, i)));
    verified.push_back(std::move(der));
  }
  return verified;
}

Result<bool> HasExtendedKeyUsage(ByteView certificate, std::string_view oid) {
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr cert, ossl::CertFromDer(certificate));
  EkuPtr eku(static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(cert.get(), NID_ext_key_usage, nullptr, nullptr)));
  if (!eku) return false;
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
    char text[128];
    if (OBJ_obj2txt(text, sizeof text, sk_ASN1_OBJECT_value(eku.get(), i), 1) > 0 && oid == text) {
      return true;
    }
  }
  return false;
}

Result<std::string> CrlDistributionPoint(ByteView certificate) {
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr cert, ossl::CertFromDer(certificate));
  DistPointsPtr points(static_cast<CRL_DIST_POINTS*>(
      X509_get_ext_d2i(cert.get(), NID_crl_distribution_points, nullptr, nullptr)));
  for (int i = 0; points && i < sk_DIST_POINT_num(points.get()); ++i) {
    const DIST_POINT* point = sk_DIST_POINT_value(points.get(), i);
    if (point->distpoint == nullptr || point->distpoint->type != 0) continue;
    const GENERAL_NAMES* names = point->distpoint->name.fullname;
    for (int j = 0; j < sk_GENERAL_NAME_num(names); ++j) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, j);
      if (name->type != GEN_URI) continue;
      const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
      return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                         static_cast<std::size_t>(ASN1_STRING_length(uri)));
    }
  }
  return Status::NotFound("the certificate names no CRL distribution point");
}

Result<bool> RevokedOnCrl(ByteView certificate, ByteView issuer, ByteView crl_der) {
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr cert, ossl::CertFromDer(certificate));
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr ca, ossl::CertFromDer(issuer));
  const unsigned char* p = crl_der.data();
  CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(crl_der.size())));
  if (!crl) return ossl::Error("the CRL is not DER");
  if (X509_CRL_verify(crl.get(), X509_get0_pubkey(ca.get())) != 1) {
    ossl::DrainErrors();
    return Status::SignatureInvalid("the CRL is not signed by the certificate's issuer");
  }
  const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get());
  if (next != nullptr && X509_cmp_current_time(next) < 0) {
    return Status::ConditionsNotSatisfied("the CRL is past its nextUpdate");
  }
  X509_REVOKED* entry = nullptr;
  return X509_CRL_get0_by_cert(crl.get(), &entry, cert.get()) == 1;
}

Result<HttpResponse> Fetch(const std::string& url, const std::string& ca_file) {
  const std::size_t scheme = url.find("://");
  const std::size_t path = scheme == std::string::npos ? scheme : url.find('/', scheme + 3);
  if (path == std::string::npos) return Status::InvalidArgument("'" + url + "' is not a URL");
  TESSERA_ASSIGN_OR_RETURN(HttpsClient http,
                           HttpsClient::Connect({url.substr(0, path), ca_file, {}, 30}));
  TESSERA_ASSIGN_OR_RETURN(HttpResponse response, http.Send("GET", url.substr(path), "", ""));
  if (response.status >= 400) return ProblemStatus(response.status, response.body);
  if (response.status < 200 || response.status >= 300) {
    return Status::Internal("HTTP " + std::to_string(response.status) + " from GET " + url);
  }
  return response;
}

}  // namespace tessera::cli::softtoken
