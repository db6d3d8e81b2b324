#include "services/audit/audit_key.hpp"

#include <openssl/pem.h>

#include "common/crypto/hash.hpp"
#include "common/ossl.hpp"

namespace tessera::audit {
namespace {

// The digest SignForX509 uses for this key (hsm/signing_key.hpp).
Result<const EVP_MD*> DigestFor(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC:
      if (EVP_PKEY_get_bits(key) == 256) return EVP_sha256();
      if (EVP_PKEY_get_bits(key) == 384) return EVP_sha384();
      return Status::InvalidArgument("audit key: an EC key on a curve other than P-256 or P-384");
    case EVP_PKEY_RSA: return EVP_sha256();
    default: return Status::InvalidArgument("audit key: neither an EC nor an RSA public key");
  }
}

}  // namespace

Status VerifyCheckpointSignature(ByteView spki, ByteView message, ByteView signature) {
  auto key = ossl::PublicKeyFromDer(spki);
  if (!key.ok()) return Status::InvalidArgument("audit key: " + key.status().message());
  TESSERA_ASSIGN_OR_RETURN(const EVP_MD* md, DigestFor(key->get()));
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key->get()) != 1) {
    return ossl::Error("EVP_DigestVerifyInit for a checkpoint");
  }
  const int rc = EVP_DigestVerify(ctx.get(), ossl::NonNullData(signature), signature.size(),
                                  ossl::NonNullData(message), message.size());
  // 0 is a wrong signature; a negative value (a malformed DER signature
  // among others) is no better: either way the checkpoint is not authentic.
  if (rc != 1) {
    (void)ossl::DrainErrors();
    return Status::SignatureInvalid("the checkpoint signature does not verify");
  }
  return Status::Ok();
}

Result<std::string> PublicKeyPem(ByteView spki) {
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, ossl::PublicKeyFromDer(spki));
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1) {
    return ossl::Error("PEM_write_bio_PUBKEY");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  if (size <= 0 || data == nullptr) return ossl::Error("BIO_get_mem_data");
  return std::string(data, static_cast<std::size_t>(size));
}

Result<Bytes> PublicKeyFromPem(std::string_view pem) {
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return ossl::Error("BIO_new_mem_buf");
  ossl::PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    (void)ossl::DrainErrors();
    return Status::InvalidArgument("not a PEM public key (-----BEGIN PUBLIC KEY-----)");
  }
  return ossl::PublicKeyToDer(key.get());
}

std::string KeyFingerprint(ByteView spki) {
  auto digest = crypto::DigestOnce(crypto::Hash::kSha256, spki);
  return "sha256:" + (digest.ok() ? ToHex(*digest) : std::string("?"));
}

}  // namespace tessera::audit
