#include "services/registration/reg_credential.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/ossl.hpp"
#include "common/registration/codes.hpp"
#include "services/directory/stores/ca_store.hpp"
#include "services/directory/stores/cms_store.hpp"
#include "services/directory/stores/user_store.hpp"

namespace tessera::registration {
namespace {

Result<Credential> CodeCredential(directory::Database& db, const UserInfo& info, std::int64_t now) {
  Result<Bytes> hash = EnrolmentCodeHash(info.code);
  if (!hash.ok()) {
    return Status::SecurityStatus("the enrolment code is not valid: " + hash.status().message());
  }
  std::optional<directory::RegCodeRecord> code;
  TESSERA_RETURN_IF_ERROR(db.Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(code, directory::FindRegCode(tx, *hash));
    return Status::Ok();
  }));
  if (!code) return Status::SecurityStatus("the enrolment code is not valid");
  if (code->user_id != info.user_id) {
    return Status::SecurityStatus("the enrolment code was issued to another user");
  }
  if (code->used_at) return Status::SecurityStatus("the enrolment code has been used");
  if (code->expires_at <= now) return Status::SecurityStatus("the enrolment code has expired");
  return Credential{"code", *hash, std::nullopt};
}

Status VerifyProofSignature(X509* certificate, ByteView th2, ByteView signature) {
  EVP_PKEY* key = X509_get0_pubkey(certificate);
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (key == nullptr || !ctx ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1) {
    ossl::DrainErrors();
    return Status::SecurityStatus("the token certificate's key cannot verify ECDSA-SHA256");
  }
  const int ok =
      EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), th2.data(), th2.size());
  ossl::DrainErrors();
  if (ok != 1) {
    return Status::SecurityStatus(
        "the token's signature over this exchange (TH2) does not verify with its certificate");
  }
  return Status::Ok();
}

// The CMS binds user and token (docs/cms-api.md): the token must have a
// live, activated binding to this user, the certificate must be that
// binding's, unrevoked and valid now, and its key must have signed TH2.
Result<Credential> CmsCredential(directory::Database& db, const UserInfo& info,
                                 const CmsProof& proof, ByteView th2, std::int64_t now) {
  const unsigned char* p = proof.certificate.data();
  ossl::X509Ptr certificate(d2i_X509(nullptr, &p, static_cast<long>(proof.certificate.size())));
  if (!certificate || p != proof.certificate.data() + proof.certificate.size()) {
    ossl::DrainErrors();
    return Status::SecurityStatus("the CMS proof's certificate is not a DER X.509 certificate");
  }
  std::optional<directory::BindingRecord> binding;
  std::optional<directory::CertificateRecord> issued;
  std::optional<directory::RevocationRecord> revocation;
  TESSERA_RETURN_IF_ERROR(db.Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(binding, directory::LiveBindingOfToken(tx, proof.token_serial));
    if (binding) {
      TESSERA_ASSIGN_OR_RETURN(issued,
                               directory::FindCertificate(tx, binding->ca, binding->cert_serial));
      TESSERA_ASSIGN_OR_RETURN(revocation,
                               directory::FindRevocation(tx, binding->ca, binding->cert_serial));
    }
    return Status::Ok();
  }));
  const std::string token = "token " + std::to_string(proof.token_serial);
  if (!binding || binding->state != "active" || binding->user_id != info.user_id) {
    return Status::SecurityStatus(token + " has no active CMS binding to user " + info.user_id);
  }
  if (!issued || issued->der != proof.certificate) {
    return Status::SecurityStatus("the CMS proof's certificate is not the one bound to " + token);
  }
  if (revocation)
    return Status::SecurityStatus("the certificate bound to " + token + " is revoked");
  if (issued->not_before > now || issued->not_after <= now) {
    return Status::SecurityStatus("the certificate bound to " + token + " is not valid now");
  }
  TESSERA_RETURN_IF_ERROR(VerifyProofSignature(certificate.get(), th2, proof.signature));
  return Credential{"cms", std::nullopt, proof.token_serial};
}

}  // namespace

Result<Credential> CheckCredential(directory::Database& db, const UserInfo& info,
                                   const std::optional<CmsProof>& proof, ByteView th2, bool open,
                                   std::int64_t now) {
  if (!info.code.empty()) return CodeCredential(db, info, now);
  if (proof) return CmsCredential(db, info, *proof, th2, now);
  if (!open) {
    return Status::SecurityStatus(
        "registration needs an enrolment code (tessera reg code issue --user " + info.user_id +
        ") or a CMS-bound token's proof (tessera reg register --cms)");
  }
  std::optional<directory::UserRecord> user;
  TESSERA_RETURN_IF_ERROR(db.Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(user, directory::FindUser(tx, info.user_id));
    return Status::Ok();
  }));
  if (!user) return Status::SecurityStatus("'" + info.user_id + "' is not a directory user");
  return Credential{"open", std::nullopt, std::nullopt};
}

}  // namespace tessera::registration
