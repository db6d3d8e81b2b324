#include "services/ca/ca_context.hpp"

#include <openssl/evp.h>

namespace tessera::ca {
namespace {

Bytes NameDer(X509* certificate) {
  unsigned char* der = nullptr;
  const int len = i2d_X509_NAME(X509_get_subject_name(certificate), &der);
  if (len <= 0) return {};
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

ByteView KeyBits(X509* certificate) {
  const ASN1_BIT_STRING* bits = X509_get0_pubkey_bitstr(certificate);
  return {bits->data, static_cast<std::size_t>(bits->length)};
}

}  // namespace

Bytes DigestByNid(int nid, ByteView data) {
  const EVP_MD* md = EVP_get_digestbynid(nid);
  if (md == nullptr) return {};
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) {
    ossl::DrainErrors();
    return {};
  }
  return {out, out + len};
}

bool CaContext::IsIssuer(int hash_nid, ByteView name_hash, ByteView key_hash) const {
  auto equal = [](ByteView a, ByteView b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  };
  if (hash_nid == NID_sha1) return equal(name_hash, sha1_name_) && equal(key_hash, sha1_key_);
  if (hash_nid == NID_sha256) {
    return equal(name_hash, sha256_name_) && equal(key_hash, sha256_key_);
  }
  // Other hashes (RFC 6960 allows any) are rare: computed on demand.
  const Bytes name = DigestByNid(hash_nid, NameDer(certificate.get()));
  const Bytes key = DigestByNid(hash_nid, KeyBits(certificate.get()));
  return !name.empty() && equal(name_hash, name) && equal(key_hash, key);
}

Result<std::shared_ptr<const CaContext>> MakeContext(directory::CaRecord record, std::int64_t now) {
  auto context = std::make_shared<CaContext>();
  TESSERA_ASSIGN_OR_RETURN(context->key_type, hsm::SigningKeyTypeFromString(record.key_type));
  TESSERA_ASSIGN_OR_RETURN(context->certificate, ossl::CertFromDer(record.certificate));
  context->public_key.reset(X509_get_pubkey(context->certificate.get()));
  if (!context->public_key) return ossl::Error("the CA certificate's public key");
  if (!record.ocsp_certificate.empty()) {
    TESSERA_ASSIGN_OR_RETURN(context->responder_certificate,
                             ossl::CertFromDer(record.ocsp_certificate));
    context->responder_key_hash =
        DigestByNid(NID_sha1, KeyBits(context->responder_certificate.get()));
  }
  const Bytes name = NameDer(context->certificate.get());
  const ByteView key = KeyBits(context->certificate.get());
  context->sha1_name_ = DigestByNid(NID_sha1, name);
  context->sha1_key_ = DigestByNid(NID_sha1, key);
  context->sha256_name_ = DigestByNid(NID_sha256, name);
  context->sha256_key_ = DigestByNid(NID_sha256, key);
  context->record = std::move(record);
  context->loaded_at = now;
  return std::shared_ptr<const CaContext>(std::move(context));
}

Result<std::shared_ptr<const CaContext>> ContextCache::Get(directory::Database& db,
                                                           const std::string& name,
                                                           std::int64_t now) {
  {
    std::lock_guard lock(mutex_);
    auto it = contexts_.find(name);
    if (it != contexts_.end() && now - it->second->loaded_at < ttl_) return it->second;
  }
  std::optional<directory::CaRecord> record;
  Status read_status = db.Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(record, directory::FindCa(tx, name));
    return Status::Ok();
  });
  TESSERA_RETURN_IF_ERROR(read_status);
  if (!record) return Status::NotFound("no CA named '" + name + "'");
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<const CaContext> context,
                           MakeContext(std::move(*record), now));
  std::lock_guard lock(mutex_);
  contexts_[name] = context;
  return context;
}

void ContextCache::Forget(const std::string& name) {
  std::lock_guard lock(mutex_);
  contexts_.erase(name);
}

}  // namespace tessera::ca
