// VersionRecord: what a key ceremony writes in its minutes about one key
// version, and how two HSMs prove they hold the same version without showing
// a key: check values of the blocks and the cryptogram public key.
//
//   block check value = KCV(AES-256-ECB(block, 32 x 00))
//                     = first 3 bytes of AES-ECB(that key, 16 x 01)
//
// computed inside the HSM like a per-token derivation, with all-zero data,
// which no per-token derivation uses (MK data is UID || ~UID; R is random).
// Plain values; ReadVersionRecord runs on the token's thread.
#pragma once

#include <p11-kit/pkcs11.h>

#include <cstdint>
#include <string_view>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "hsm/hsm_session.hpp"
#include "hsm/hsm_token.hpp"

namespace tessera::hsm {

struct RsaPublicKey {
  Bytes modulus;          // big-endian, 384 bytes for RSA-3072
  Bytes public_exponent;  // big-endian, 01 00 01
  bool operator==(const RsaPublicKey&) const = default;
};

struct VersionRecord {
  std::uint8_t version = 0;
  Bytes mk_block_check;   // 3 bytes
  Bytes krk_block_check;  // 3 bytes
  RsaPublicKey cryptogram_key;
  bool operator==(const VersionRecord&) const = default;
};

// CKA_MODULUS and CKA_PUBLIC_EXPONENT of an RSA key object.
Result<RsaPublicKey> ReadRsaPublicKey(HsmSession& session, CK_OBJECT_HANDLE key,
                                      std::string_view what);
Result<Bytes> BlockCheckValue(HsmToken& token, CK_OBJECT_HANDLE block, std::string_view what);
// kNotFound unless the token holds the whole version.
Result<VersionRecord> ReadVersionRecord(HsmToken& token, std::uint8_t version);

}  // namespace tessera::hsm
