// RSA paddings done on the host around the card's raw RSA private-key
// operation. A PIV card only computes m^d mod n on a modulus-length block
// (SP 800-73-4 Part 2 §3.2.4 GENERAL AUTHENTICATE), so the module encodes
// signature inputs before sending them and decodes decryption results after.
// Stateless and thread-safe; secret intermediates are zeroized.
#pragma once

#include <cstddef>

#include "common/secure_bytes.hpp"
#include "pkcs11/core/crypto/schemes.hpp"

namespace tessera::p11::crypto {

// The k-byte block (k = ceil(modulus_bits / 8)) to raise to d for a signature.
//
// `tbs` is the digest of *params.hash when params.hash is set, otherwise the
// mechanism's raw input (see SignParams). By scheme:
//   kRsaPkcs1: EMSA-PKCS1-v1_5 (RFC 8017 §9.2), 00 01 FF.. 00 T, where T is
//              DigestInfo(hash, tbs) or tbs itself; kInvalidArgument when T is
//              longer than k - 11.
//   kRsaPss:   EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with emBits = modulus_bits - 1,
//              a fresh RAND_bytes salt of params.salt_len, params.pss_hash and
//              params.mgf1; tbs must be HashSize(pss_hash) long.
//   kRsaRaw:   tbs left-padded with zeros to k (CKM_RSA_X_509); longer is an
//              error. Whether it is below the modulus is the card's business.
// ECDSA and EdDSA schemes give kInvalidArgument.
[[nodiscard]] Result<SecureBytes> RsaSignInput(const SignParams& params, ByteView tbs,
                                               std::size_t modulus_bits);

// The plaintext inside the k-byte block the card returned from its raw RSA
// private-key operation (shorter blocks are left-padded with zeros):
//   kRsaPkcs1: strips EME-PKCS1-v1_5 type 2 padding (RFC 8017 §7.2.2 step 3).
//   kRsaOaep:  EME-OAEP decoding (RFC 8017 §7.1.2 step 3) with params.label,
//              params.oaep_hash and params.mgf1.
//   kRsaRaw:   the k-byte block as is.
// Padding is checked without secret-dependent branches, and every padding
// failure gives the same Status::InvalidArgument("decryption failed"), so that
// callers cannot become a padding oracle (map it to CKR_ENCRYPTED_DATA_INVALID).
[[nodiscard]] Result<SecureBytes> RsaDecryptOutput(const CipherParams& params, ByteView raw_block,
                                                   std::size_t modulus_bits);

}  // namespace tessera::p11::crypto
