#include "hsm/eme_oaep.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <climits>
#include <string>

#include "common/ossl.hpp"

namespace tessera::hsm {
namespace {

// OpenSSL 3 deprecates the RSA_padding_* functions and offers no other way
// to pad without also doing the RSA operation, which here must stay inside
// the HSM. They are still OpenSSL's own EME-OAEP (the decoder is the
// constant-time one EVP_PKEY_decrypt uses), so they are used here, and only
// here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

bool AddPadding(SecureBytes& em, ByteView message) {
  return RSA_padding_add_PKCS1_OAEP_mgf1(em.data(), static_cast<int>(em.size()), message.data(),
                                         static_cast<int>(message.size()), nullptr, 0, EVP_sha256(),
                                         EVP_sha256()) == 1;
}

// `from`/`flen` is EM, `num` the modulus length k (flen <= num; a shorter EM
// is left-padded with zeros). `to`/`tlen` is the output buffer. Returns the
// message length, or -1 for any invalid encoding.
int CheckPadding(SecureBytes& message, ByteView em, std::size_t k) {
  return RSA_padding_check_PKCS1_OAEP_mgf1(
      message.data(), static_cast<int>(message.size()), em.data(), static_cast<int>(em.size()),
      static_cast<int>(k), nullptr, 0, EVP_sha256(), EVP_sha256());
}

#pragma GCC diagnostic pop

bool UsableModulus(std::size_t k) { return EmeOaepSha256Capacity(k) > 0 && k <= INT_MAX; }

}  // namespace

Result<SecureBytes> EmeOaepSha256Encode(ByteView message, std::size_t k) {
  if (!UsableModulus(k) || message.size() > EmeOaepSha256Capacity(k)) {
    return Status::InvalidArgument(
        "EME-OAEP (SHA-256) under a " + std::to_string(k) + "-byte modulus carries at most " +
        std::to_string(EmeOaepSha256Capacity(k)) + " bytes, not " + std::to_string(message.size()));
  }
  SecureBytes em(k);
  if (!AddPadding(em, message)) return ossl::Error("EME-OAEP (SHA-256) encoding");
  return em;
}

Result<SecureBytes> EmeOaepSha256Decode(ByteView em, std::size_t k) {
  SecureBytes message(EmeOaepSha256Capacity(k));
  const int size =
      UsableModulus(k) && !em.empty() && em.size() <= k ? CheckPadding(message, em, k) : -1;
  if (size < 0) {
    ERR_clear_error();  // OpenSSL's reason is deliberately the same for every failure
    return Status::InvalidArgument("not a valid EME-OAEP (SHA-256) encoding");
  }
  message.Resize(static_cast<std::size_t>(size));
  return message;
}

}  // namespace tessera::hsm
