#include "services/keyman/issuer_key_file.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <iterator>
#include <string>

#include "common/ossl.hpp"
#include "common/piv/key_material.hpp"

namespace tessera::keyman {
namespace {

ossl::BioPtr MemoryBio(const std::string& text) {
  return ossl::BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

}  // namespace

Result<Bytes> ReadIssuerKeyFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::NotFound("--issuer-key " + file.string() + ": cannot be read");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  ossl::PkeyPtr key;
  if (text.find("-----BEGIN CERTIFICATE-----") != std::string::npos) {
    ossl::BioPtr bio = MemoryBio(text);
    ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (cert != nullptr) key.reset(X509_get_pubkey(cert.get()));
  } else if (text.find("-----BEGIN PUBLIC KEY-----") != std::string::npos) {
    ossl::BioPtr bio = MemoryBio(text);
    key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  }
  ossl::DrainErrors();
  if (key == nullptr) {
    return Status::InvalidArgument("--issuer-key " + file.string() +
                                   ": not a PEM certificate or PEM public key");
  }
  const piv::Curve* curve = piv::CurveOf(key.get());
  if (curve == nullptr || curve->alg != piv::Algorithm::kEccP256) {
    return Status::InvalidArgument("--issuer-key " + file.string() + ": the key is not P-256");
  }
  return piv::EcPublicPoint(key.get(), *curve);
}

}  // namespace tessera::keyman
