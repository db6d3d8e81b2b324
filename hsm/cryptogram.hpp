// The per-token KRK and its cryptogram (seed 003 claims 3, 5, 7, 19;
// docs/hsm-adapter.md "Cryptogram").
//
// NewKrk draws R (32 bytes) from the HSM's RNG, derives KRK = AES-256-ECB(
// KRK block V, R) inside the HSM and encrypts R to the cryptogram public key
// of version V:
//
//   cryptogram = RSA-OAEP(public key "tessera-cryptogram-vVV", R)
//                SHA-256 and MGF1-SHA-256, empty label, 384 bytes (RSA-3072)
//
// RecoverKrk decrypts a cryptogram with the version's private key and derives
// the same KRK. The KRK stays in the HSM as a session KeyObject.
//
// The format is fixed, whatever the HSM: cryptograms are stored for the life
// of a token and must open on whatever HSM holds the private key then. An HSM
// that does OAEP with SHA-256 (quirks.supports_rsa_oaep_sha256) does all of
// it. One that does not (SoftHSM2 2.6: SHA-1 only) still does the RSA
// operation inside the HSM, as raw RSA, and the host does the EME-OAEP
// padding (rsa_oaep.hpp). The private key never leaves the HSM either way; the
// host only ever sees R, which DESIGN.md allows in host memory, and its
// encoding. Both are held in SecureBytes and wiped before NewKrk or
// RecoverKrk returns. Stateless; the token's thread.
#pragma once

#include <cstdint>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "hsm/hsm_token.hpp"
#include "hsm/key_object.hpp"

namespace tessera::hsm {

inline constexpr std::size_t kCryptogramSize = 384;

struct NewKrkResult {
  KeyObject krk;     // per-token KRK, session object
  Bytes cryptogram;  // store it by UID; it is not secret
};

// Errors: kInvalidArgument (version), kNotFound (the token does not hold the
// version's KRK block or public key), the HSM's own.
Result<NewKrkResult> NewKrk(HsmToken& token, std::uint8_t version);

// A cryptogram that does not decrypt under version V's private key (corrupt,
// truncated, made for another version, or in another format such as
// RSA-OAEP with SHA-1) is kInvalidArgument naming the version; so is one that
// decrypts to something other than a 32-byte R.
Result<KeyObject> RecoverKrk(HsmToken& token, std::uint8_t version, ByteView cryptogram);

}  // namespace tessera::hsm
