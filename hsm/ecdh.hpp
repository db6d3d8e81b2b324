// Static ECDH inside the HSM for registration (R1 of
// docs/registration-protocol.md): Z1 = ECDH(d_server, Ec), the 32-byte
// x-coordinate (SP 800-56A §5.7.1.2, ECC CDH on P-256).
//
// The peer point is checked on the host first (uncompressed, on P-256;
// SP 800-56A §5.6.2.3.3); then C_DeriveKey(CKM_ECDH1_DERIVE, CKD_NULL) makes
// a 32-byte CKK_GENERIC_SECRET session object that is not sensitive and is
// extractable, its CKA_VALUE is read into SecureBytes, and the object is
// destroyed before the call returns (KeyObject), also on error.
//
// Host-memory quirk (hsm_quirks.hpp supports_hkdf_derive): an HSM without
// CKM_HKDF_DERIVE (SoftHSM2 2.6.1) cannot turn Z into k1 itself, so Z comes to
// the host for one HKDF and lives in SecureBytes for one request. This
// function is that path, whatever the quirks say; an HKDF-capable path
// (Z sensitive, k1 derived in the HSM) is not written yet.
//
// Errors: kInvalidArgument for a peer point that is not an uncompressed
// P-256 point on the curve; the HSM's errors otherwise (naming the token and
// the step); kInternal when the HSM returns a value of another size.
// Stateless; the session's thread.
#pragma once

#include <p11-kit/pkcs11.h>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "hsm/hsm_quirks.hpp"
#include "hsm/hsm_session.hpp"

namespace tessera::hsm {

inline constexpr std::size_t kEcdhSecretBytes = 32;  // P-256 x-coordinate

// `private_key`: an EC private key with CKA_DERIVE (agreement_key.hpp).
// `peer_point`: 65 bytes, 04 || X || Y.
Result<SecureBytes> EcdhDerive(HsmSession& session, const HsmQuirks& quirks,
                               CK_OBJECT_HANDLE private_key, ByteView peer_point);

}  // namespace tessera::hsm
