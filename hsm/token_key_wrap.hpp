// Key delivery to a token (seed 000 claim 6; docs/hsm-adapter.md "Keys
// wrapped to a token"): a user's key pair generated in the HSM, its private
// half extractable only to be wrapped, and that private half wrapped to a
// token's key F0 in the CKM_ECDH_AES_KEY_WRAP format the token opens with
// Tessera F2 (docs/piv-extensions.md "F2: UNWRAP AND STORE"):
//
//   blob = ephemeral P-256 point (65 bytes, uncompressed)
//          || AES-KWP(KEK, PKCS#8 PrivateKeyInfo of the key)
//   KEK  = first kek_bytes of X9.63-KDF(hash, Z, shared data)
//   Z    = ECDH(ephemeral private, F0 public), the x coordinate
//
// The private key's plaintext never exists in host memory: the AES-KWP runs
// in the HSM (C_WrapKey, CKM_AES_KEY_WRAP_PAD, PKCS#11 3.0 §2.14.3). Where the
// HSM cannot do a step the quirks table (hsm_quirks.hpp) says so and the step
// runs on the host; for SoftHSM2 that is the ECDH and the X9.63 KDF
// (CKM_ECDH_AES_KEY_WRAP missing, CKM_ECDH1_DERIVE with CKD_NULL only), so Z
// and the KEK pass through host memory, in SecureBytes, for the time of one
// derivation, and the KEK is imported into the HSM as a session object that
// is destroyed after the wrap. The KEK protects this one key only.
//
// SoftHSM2 2.6.1's CKM_AES_KEY_WRAP_PAD also zero-fills the key data to a
// multiple of 8 bytes before wrapping (quirks.key_wrap_pad_zero_fills): its
// blob opens to the PKCS#8 followed by up to 7 zero bytes (5 for P-256), a
// valid RFC 5649 unwrap that a token must accept as such. Nothing on the host
// can trim them without seeing the plaintext.
//
// Stateless; the session's thread.
#pragma once

#include <p11-kit/pkcs11.h>

#include <string>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "hsm/hsm_quirks.hpp"
#include "hsm/hsm_session.hpp"
#include "hsm/key_object.hpp"

namespace tessera::hsm {

// A P-256 key pair as session objects (CKA_TOKEN false): the private half
// CKA_SENSITIVE, CKA_EXTRACTABLE (only to be wrapped: the HSM still refuses
// to reveal it in the clear), CKA_SIGN; both destroyed when the KeyObjects
// go (KeyObject's destructor). The caller reads the public key with
// EcPublicKeyInfo and wraps the private key with WrapToTokenKey.
struct DeliverableKeyPair {
  KeyObject public_key;
  KeyObject private_key;
};
Result<DeliverableKeyPair> GenerateDeliverableP256(HsmSession& session);

// DER SubjectPublicKeyInfo of an EC public key object.
Result<Bytes> EcPublicKeyInfo(HsmSession& session, CK_OBJECT_HANDLE public_key);

// Signs `data` with the private key (ECDSA P-256, SHA-256 on the host),
// the signature as DER Ecdsa-Sig-Value: for a CSR proving possession, and
// for a self-test before delivery.
Result<Bytes> SignWithDeliverable(HsmSession& session, CK_OBJECT_HANDLE private_key, ByteView data);

struct TokenWrapParams {
  Bytes token_key;    // F0: SubjectPublicKeyInfo DER or a 65-byte point
  Bytes shared_data;  // "TSW1" || serial (4, BE) || slot (1) || context
  // A CK_EC_KDF_TYPE (p11-kit 0.24 does not declare the type): CKD_SHA256_KDF,
  // CKD_SHA384_KDF or CKD_SHA512_KDF.
  CK_ULONG kdf = CKD_SHA256_KDF;
  std::size_t kek_bytes = 32;  // 16, 24 or 32
};

// The blob as above. kInvalidArgument for a token key that is not P-256 or a
// bad parameter; the HSM's errors otherwise (the message names the step).
Result<Bytes> WrapToTokenKey(HsmSession& session, const HsmQuirks& quirks,
                             CK_OBJECT_HANDLE private_key, const TokenWrapParams& params);

}  // namespace tessera::hsm
