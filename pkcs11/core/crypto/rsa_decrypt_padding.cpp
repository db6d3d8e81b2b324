#include <openssl/crypto.h>

#include <algorithm>

#include "common/crypto/eme_oaep.hpp"
#include "pkcs11/core/crypto/constant_time.hpp"
#include "pkcs11/core/crypto/rsa_padding.hpp"

namespace tessera::p11::crypto {
namespace {

Status DecryptionFailed() { return Status::InvalidArgument("decryption failed"); }

// The payload em[from, em.size()) when `good` is all ones. The only branch on
// secret data is this final one, whose outcome the caller learns anyway.
Result<SecureBytes> PayloadIf(ct::Mask good, const SecureBytes& em, ct::Mask from) {
  if (good != ~ct::Mask{0}) return DecryptionFailed();
  return SecureBytes(em.view().subspan(from));
}

// EME-PKCS1-v1_5 decoding (RFC 8017 §7.2.2 step 3): EM = 00 02 PS 00 M with
// PS at least 8 nonzero bytes.
Result<SecureBytes> Pkcs1Type2(const SecureBytes& em) {
  const std::size_t k = em.size();
  if (k < 11) return DecryptionFailed();
  ct::Mask good = ct::IsZero(em[0]) & ct::Eq(em[1], 0x02);
  ct::Mask looking = ~ct::Mask{0};
  ct::Mask zero_index = 0;
  for (std::size_t i = 2; i < k; ++i) {
    const ct::Mask is_zero = ct::IsZero(em[i]);
    zero_index = ct::Select(looking & is_zero, ct::Size(i), zero_index);
    looking &= ~is_zero;
  }
  good &= ~looking;
  good &= ~ct::Lt(zero_index, 2 + 8);
  return PayloadIf(good, em, zero_index + 1);
}

}  // namespace

Result<SecureBytes> RsaDecryptOutput(const CipherParams& params, ByteView raw_block,
                                     std::size_t modulus_bits) {
  const std::size_t k = (modulus_bits + 7) / 8;
  if (raw_block.size() > k) return DecryptionFailed();
  SecureBytes em(k);
  std::copy(raw_block.begin(), raw_block.end(), em.data() + (k - raw_block.size()));
  switch (params.scheme) {
    case CipherScheme::kRsaPkcs1: return Pkcs1Type2(em);
    case CipherScheme::kRsaOaep: {
      // The one EME-OAEP decoder (common/crypto/eme_oaep.hpp), constant-time.
      const ::tessera::crypto::OaepParams oaep{params.oaep_hash, params.mgf1, params.label};
      auto message = ::tessera::crypto::EmeOaepDecode(em.view(), k, oaep);
      if (!message.ok()) return DecryptionFailed();
      return message;
    }
    case CipherScheme::kRsaRaw: return em;
  }
  return Status::InvalidArgument("unknown RSA cipher scheme");
}

}  // namespace tessera::p11::crypto
