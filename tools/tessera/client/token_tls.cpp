// ClientCertificateFromSlot (token_p11.hpp): a TLS client certificate whose
// key stays on the token; each handshake signature is one C_Sign.
#include <openssl/ecdsa.h>

#include <memory>

#include "common/ossl.hpp"
#include "tools/tessera/client/token_p11.hpp"

namespace tessera::cli {
namespace {

using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG_free>>;

// PKCS#11's r || s (CKM_ECDSA) as the DER Ecdsa-Sig-Value TLS sends.
Result<Bytes> RawToDer(ByteView raw) {
  if (raw.empty() || raw.size() % 2 != 0) {
    return Status::InvalidArgument("an ECDSA signature of " + std::to_string(raw.size()) +
                                   " bytes is not r || s");
  }
  const std::size_t half = raw.size() / 2;
  ossl::BnPtr r = ossl::BnFromBytes(raw.first(half));
  ossl::BnPtr s = ossl::BnFromBytes(raw.subspan(half));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (r == nullptr || s == nullptr || sig == nullptr ||
      ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return ossl::Error("encoding an ECDSA signature");
  }
  r.release();  // the ECDSA_SIG owns both now
  s.release();
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) return ossl::Error("encoding an ECDSA signature");
  Bytes out(der, der + length);
  OPENSSL_free(der);
  return out;
}

}  // namespace

Result<ClientCertificate> ClientCertificateFromSlot(TokenP11& token, const std::string& slot,
                                                    const SecureBytes* pin) {
  TESSERA_ASSIGN_OR_RETURN(std::optional<Bytes> der, token.Certificate(slot));
  if (!der) {
    return Status::NotFound("token " + std::to_string(token.serial()) + ": slot " + slot +
                            " holds no certificate");
  }
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr cert, ossl::CertFromDer(*der));
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (key == nullptr) return ossl::Error("reading the certificate's key");
  TESSERA_ASSIGN_OR_RETURN(Bytes spki, ossl::PublicKeyToDer(key));
  std::shared_ptr<const SecureBytes> kept_pin =
      pin == nullptr ? nullptr : std::make_shared<const SecureBytes>(pin->Clone());
  ClientCertificate out;
  out.certificate_der = std::move(*der);
  out.public_key_spki = std::move(spki);
  out.sign = [&token, slot, kept_pin](std::string_view /*digest*/, ByteView hash) -> Result<Bytes> {
    TESSERA_ASSIGN_OR_RETURN(Bytes raw, token.SignDigest(slot, hash, kept_pin.get()));
    return RawToDer(raw);
  };
  return out;
}

}  // namespace tessera::cli
