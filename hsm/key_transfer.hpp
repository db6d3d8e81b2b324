// Moving one key version from the key-management HSM (the source, "HSM2")
// to the access-server HSM (the destination, "HSM1") under a KEK that both
// share and the host never sees (seed 003 claims 16, 27-28; docs/hsm-adapter.md
// "Ceremony").
//
// Three steps, each on one HSM, passing only public or wrapped bytes, so the
// two HSMs can sit on two machines with a file carried between them:
//   1. destination: TransportPublicKey() - the RSA-3072 pair
//      "tessera-transport" (made once; the private key only unwraps and never
//      leaves); its public key goes out by value (modulus, exponent);
//   2. source: ExportVersion() - the AES-256 KEK "tessera-kek" (made once,
//      CKA_WRAP only) is wrapped with RSA-OAEP under the transport key; the MK
//      and KRK blocks with CKM_AES_KEY_WRAP (RFC 3394) and the cryptogram
//      private key with CKM_AES_KEY_WRAP_PAD (RFC 5649, PKCS#8) under the KEK;
//      the public key and the check values travel by value (VersionRecord);
//   3. destination: ImportVersion() - unwraps the KEK as a session object and
//      with it the version's keys as non-extractable token objects, adds the
//      public key, then checks them against the record before keeping them.
//
// The package is not authenticated: whoever can write to the destination's
// transport key can make a package. The ceremony compares the destination's
// record with the source's (in Transfer() the code does it; split across
// machines the operators do, from the minutes). Stateless; each call on its
// token's thread.
#pragma once

#include <cstdint>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "hsm/hsm_quirks.hpp"
#include "hsm/hsm_token.hpp"
#include "hsm/pkcs11_types.hpp"
#include "hsm/version_record.hpp"

namespace tessera::hsm {

struct TransferPackage {
  std::uint8_t version = 0;
  OaepHash kek_hash = OaepHash::kSha1;
  Bytes wrapped_kek;          // RSA-OAEP under the transport key: 384 bytes
  Bytes wrapped_mk_block;     // AES key wrap under the KEK: 40 bytes
  Bytes wrapped_krk_block;    // 40 bytes
  Bytes wrapped_private_key;  // AES key wrap with padding of PKCS#8
  VersionRecord record;       // the public key and check values, by value
};

struct ImportResult {
  VersionRecord record;  // as the destination holds it
  // The destination already held this version with the same check values and
  // public key; nothing was changed. A re-run of a finished transfer is a
  // success, not an error.
  bool already_present = false;
};

// SHA-256 when both HSMs do RSA-OAEP with it, else SHA-1.
OaepHash TransportOaepHash(const HsmQuirks& source, const HsmQuirks& destination);

// Step 1 (destination). Errors: half a transport pair on the token
// (kConditionsNotSatisfied), the HSM's own.
Result<RsaPublicKey> TransportPublicKey(HsmToken& destination);

// Step 2 (source). Errors: kNotFound (the source does not hold the whole
// version), kInvalidArgument (a transport key under 3072 bits), the HSM's own.
Result<TransferPackage> ExportVersion(HsmToken& source, const RsaPublicKey& transport,
                                      std::uint8_t version, OaepHash kek_hash);

// Step 3 (destination). Errors: kConditionsNotSatisfied when the destination
// holds part of the version (an interrupted transfer: its objects must be
// deleted by hand) or a version with other check values; kNotFound without
// a transport pair; kCorrupt when an unwrapped key does not match the record
// (nothing is kept then); the HSM's own (a package for another transport key
// fails to unwrap).
Result<ImportResult> ImportVersion(HsmToken& destination, const TransferPackage& package);

// What the destination already holds of the version: already_present false
// (and an empty record) when nothing, true when all of it matching
// `expected`, and the kConditionsNotSatisfied errors of ImportVersion
// otherwise. (No std::optional here: GCC 12 -O2 warns falsely on it.)
Result<ImportResult> CheckDestination(HsmToken& destination, const VersionRecord& expected);

}  // namespace tessera::hsm
