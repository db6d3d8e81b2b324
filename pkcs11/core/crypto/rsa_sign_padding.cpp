#include <openssl/rand.h>

#include <algorithm>
#include <string>

#include "pkcs11/core/crypto/mgf1.hpp"
#include "pkcs11/core/crypto/rsa_padding.hpp"

namespace tessera::p11::crypto {
namespace {

// EMSA-PKCS1-v1_5 steps 3-5 (RFC 8017 §9.2): EM = 00 01 PS 00 T, PS = FF..FF,
// at least 8 bytes of it.
Result<SecureBytes> Pkcs1Type1(ByteView t, std::size_t k) {
  if (k < 11 || t.size() > k - 11) {
    return Status::InvalidArgument("RSA PKCS#1 v1.5: input of " + std::to_string(t.size()) +
                                   " bytes is too long for a " + std::to_string(k) +
                                   "-byte modulus");
  }
  SecureBytes em(k);
  em[1] = 0x01;
  const std::size_t ps_end = k - t.size() - 1;
  std::fill(em.data() + 2, em.data() + ps_end, 0xFF);
  std::copy(t.begin(), t.end(), em.data() + ps_end + 1);
  return em;
}

// EMSA-PSS-ENCODE (RFC 8017 §9.1.1) into the k-byte block; emLen < k when
// modulus_bits - 1 is a multiple of 8, and the block then starts with 00.
Result<SecureBytes> PssEncode(const SignParams& params, ByteView m_hash, std::size_t modulus_bits) {
  const Hash hash = params.pss_hash;
  const std::size_t h_len = HashSize(hash);
  if (m_hash.size() != h_len) {
    return Status::InvalidArgument("RSA-PSS: digest must be " + std::to_string(h_len) +
                                   " bytes for " + HashName(hash));
  }
  if (modulus_bits < 2) return Status::InvalidArgument("RSA-PSS: modulus too small");
  const std::size_t k = (modulus_bits + 7) / 8;
  const std::size_t em_bits = modulus_bits - 1;
  const std::size_t em_len = (em_bits + 7) / 8;
  const std::size_t s_len = params.salt_len;
  if (s_len > em_len || em_len - s_len < h_len + 2) {  // step 3, without overflow
    return Status::InvalidArgument("RSA-PSS: salt and hash too long for the modulus");
  }
  SecureBytes salt(s_len);
  if (s_len > 0 && RAND_bytes(salt.data(), static_cast<int>(s_len)) != 1) {
    return ossl::Error("RAND_bytes");
  }
  // Steps 5-6: H = Hash(00*8 || mHash || salt).
  TESSERA_ASSIGN_OR_RETURN(Digester d, Digester::Start(hash));
  const Bytes zeros(8, 0x00);
  TESSERA_RETURN_IF_ERROR(d.Update(zeros));
  TESSERA_RETURN_IF_ERROR(d.Update(m_hash));
  TESSERA_RETURN_IF_ERROR(d.Update(salt.view()));
  TESSERA_ASSIGN_OR_RETURN(Bytes h, d.Finish());
  // Steps 7-12: EM = (DB xor MGF(H)) || H || BC, DB = PS || 01 || salt.
  SecureBytes block(k);
  std::uint8_t* em = block.data() + (k - em_len);
  const std::size_t db_len = em_len - h_len - 1;
  em[db_len - s_len - 1] = 0x01;
  std::copy(salt.data(), salt.data() + s_len, em + (db_len - s_len));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes db_mask, Mgf1(params.mgf1, h, db_len));
  XorInto({em, db_len}, db_mask.view());
  em[0] &= static_cast<std::uint8_t>(0xFF >> (8 * em_len - em_bits));
  std::copy(h.begin(), h.end(), em + db_len);
  em[em_len - 1] = 0xBC;
  return block;
}

Result<SecureBytes> RawBlock(ByteView input, std::size_t k) {
  if (input.size() > k) {
    return Status::InvalidArgument("RSA raw: input is longer than the modulus");
  }
  SecureBytes block(k);
  std::copy(input.begin(), input.end(), block.data() + (k - input.size()));
  return block;
}

}  // namespace

Result<SecureBytes> RsaSignInput(const SignParams& params, ByteView tbs, std::size_t modulus_bits) {
  const std::size_t k = (modulus_bits + 7) / 8;
  switch (params.scheme) {
    case SignScheme::kRsaPkcs1: {
      if (!params.hash) return Pkcs1Type1(tbs, k);
      if (tbs.size() != HashSize(*params.hash)) {
        return Status::InvalidArgument(std::string("RSA PKCS#1 v1.5: not a ") +
                                       HashName(*params.hash) + " digest");
      }
      const Bytes digest_info = DigestInfo(*params.hash, tbs);
      return Pkcs1Type1(digest_info, k);
    }
    case SignScheme::kRsaPss:
      if (params.hash && *params.hash != params.pss_hash) {
        return Status::InvalidArgument("RSA-PSS: parameter hash differs from the mechanism's");
      }
      return PssEncode(params, tbs, modulus_bits);
    case SignScheme::kRsaRaw:
      if (params.hash) return Status::InvalidArgument("RSA raw: no hash-and-sign variant");
      return RawBlock(tbs, k);
    case SignScheme::kEcdsa:
    case SignScheme::kEddsa: break;
  }
  return Status::InvalidArgument("not an RSA signature scheme");
}

}  // namespace tessera::p11::crypto
