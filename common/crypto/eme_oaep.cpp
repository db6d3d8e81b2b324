#include "common/crypto/eme_oaep.hpp"

#include <openssl/err.h>
#include <openssl/rsa.h>

#include <climits>
#include <string>

#include "common/ossl.hpp"

namespace tessera::crypto {
namespace {

// OpenSSL 3 deprecates the RSA_padding_* functions and offers no other way
// to pad without also doing the RSA operation, which here must happen
// elsewhere. They are still OpenSSL's own EME-OAEP (the decoder is the
// constant-time one EVP_PKEY_decrypt uses), so they are used here, and only
// here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

bool AddPadding(SecureBytes& em, ByteView message, const OaepParams& p) {
  return RSA_padding_add_PKCS1_OAEP_mgf1(em.data(), static_cast<int>(em.size()), message.data(),
                                         static_cast<int>(message.size()), p.label.data(),
                                         static_cast<int>(p.label.size()), HashMd(p.hash),
                                         HashMd(p.mgf1)) == 1;
}

// Returns the message length, or -1 for any invalid encoding.
int CheckPadding(SecureBytes& message, ByteView em, std::size_t k, const OaepParams& p) {
  return RSA_padding_check_PKCS1_OAEP_mgf1(
      message.data(), static_cast<int>(message.size()), em.data(), static_cast<int>(em.size()),
      static_cast<int>(k), p.label.data(), static_cast<int>(p.label.size()), HashMd(p.hash),
      HashMd(p.mgf1));
}

#pragma GCC diagnostic pop

bool Usable(std::size_t k, const OaepParams& p) {
  return EmeOaepCapacity(k, p.hash) > 0 && k <= INT_MAX && p.label.size() <= INT_MAX;
}

}  // namespace

std::size_t EmeOaepCapacity(std::size_t k, Hash hash) {
  const std::size_t overhead = 2 * HashSize(hash) + 2;
  return k <= overhead ? 0 : k - overhead;
}

Result<SecureBytes> EmeOaepEncode(ByteView message, std::size_t k, const OaepParams& params) {
  if (!Usable(k, params) || message.size() > EmeOaepCapacity(k, params.hash)) {
    return Status::InvalidArgument("EME-OAEP under a " + std::to_string(k) +
                                   "-byte modulus carries at most " +
                                   std::to_string(EmeOaepCapacity(k, params.hash)) +
                                   " bytes, not " + std::to_string(message.size()));
  }
  SecureBytes em(k);
  if (!AddPadding(em, message, params)) return ossl::Error("EME-OAEP encoding");
  return em;
}

Result<SecureBytes> EmeOaepDecode(ByteView em, std::size_t k, const OaepParams& params) {
  SecureBytes message(Usable(k, params) ? EmeOaepCapacity(k, params.hash) : 0);
  const int size = Usable(k, params) && !em.empty() && em.size() <= k
                       ? CheckPadding(message, em, k, params)
                       : -1;
  if (size < 0) {
    ERR_clear_error();  // OpenSSL's reason is deliberately the same for every failure
    return Status::InvalidArgument("not a valid EME-OAEP encoding");
  }
  message.Resize(static_cast<std::size_t>(size));
  return message;
}

}  // namespace tessera::crypto
