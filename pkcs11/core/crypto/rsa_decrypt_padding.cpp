#include <openssl/crypto.h>

#include <algorithm>

#include "pkcs11/core/crypto/constant_time.hpp"
#include "pkcs11/core/crypto/mgf1.hpp"
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

// EME-OAEP decoding (RFC 8017 §7.1.2 step 3):
// EM = 00 || maskedSeed || maskedDB, DB = lHash || PS (zeros) || 01 || M.
Result<SecureBytes> OaepDecode(const CipherParams& params, SecureBytes& em) {
  const std::size_t k = em.size();
  const std::size_t h_len = HashSize(params.oaep_hash);
  if (k < 2 * h_len + 2) return DecryptionFailed();
  TESSERA_ASSIGN_OR_RETURN(Bytes l_hash, DigestOnce(params.oaep_hash, params.label));
  std::span<std::uint8_t> seed = em.span().subspan(1, h_len);
  std::span<std::uint8_t> db = em.span().subspan(1 + h_len);
  TESSERA_ASSIGN_OR_RETURN(SecureBytes seed_mask, Mgf1(params.mgf1, db, h_len));
  XorInto(seed, seed_mask.view());
  TESSERA_ASSIGN_OR_RETURN(SecureBytes db_mask, Mgf1(params.mgf1, seed, db.size()));
  XorInto(db, db_mask.view());

  ct::Mask good = ct::IsZero(em[0]);
  good &= ct::IsZero(static_cast<ct::Mask>(CRYPTO_memcmp(db.data(), l_hash.data(), h_len)));
  ct::Mask found = 0;
  ct::Mask one_index = 0;
  for (std::size_t i = h_len; i < db.size(); ++i) {
    const ct::Mask is_zero = ct::IsZero(db[i]);
    const ct::Mask is_one = ct::Eq(db[i], 0x01);
    const ct::Mask looking = ~found;
    one_index = ct::Select(looking & is_one, ct::Size(i), one_index);
    good &= ~(looking & ~is_zero & ~is_one);  // only zeros may precede the 01
    found |= is_one;
  }
  good &= found;
  // one_index counts within DB, which starts at EM offset 1 + hLen.
  return PayloadIf(good, em, ct::Size(1 + h_len) + one_index + 1);
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
    case CipherScheme::kRsaOaep: return OaepDecode(params, em);
    case CipherScheme::kRsaRaw: return em;
  }
  return Status::InvalidArgument("unknown RSA cipher scheme");
}

}  // namespace tessera::p11::crypto
