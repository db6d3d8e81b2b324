// RSA-OAEP with SHA-256, MGF1-SHA-256 and an empty label (PKCS#1 v2.2 §7.1)
// under an RSA key inside the HSM, on any HSM (docs/hsm-adapter.md
// "Cryptogram").
//
// Where quirks.supports_rsa_oaep_sha256 holds, this is one C_Encrypt or
// C_Decrypt with CKM_RSA_PKCS_OAEP(SHA-256). Elsewhere (SoftHSM2 2.6) the
// RSA operation still runs inside the HSM, as CKM_RSA_X_509 (raw RSA), and
// the host does the EME-OAEP padding (eme_oaep.hpp). Either way the private
// key never leaves the HSM; on the split path the host holds the message and
// its k-byte encoding, both in SecureBytes, and the encoding is wiped before
// the call returns. The choice follows the flag, never the vendor.
// Stateless; the session's thread.
#pragma once

#include <p11-kit/pkcs11.h>

#include <cstddef>
#include <string_view>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "hsm/hsm_quirks.hpp"
#include "hsm/hsm_session.hpp"

namespace tessera::hsm {

// `k` is the key's modulus length in bytes; `what` names the key in errors.
// Returns the k-byte ciphertext. Errors: kInvalidArgument (the message is
// too long for k), the HSM's own.
Result<Bytes> RsaOaepSha256Encrypt(HsmSession& session, const HsmQuirks& quirks,
                                   CK_OBJECT_HANDLE public_key, std::size_t k, ByteView message,
                                   std::string_view what);

// A ciphertext that does not decrypt is kInvalidArgument, and its message is
// only the reason, for the caller to put in context: the ciphertext is not k
// bytes (PKCS#1 v2.2 §7.1.2 step 1b), the HSM refuses it as bad data
// ("C_Decrypt returned CKR_ENCRYPTED_DATA_INVALID (...)", or
// CKR_GENERAL_ERROR where quirks.bad_ciphertext_is_general_error), or it is
// not a valid encoding. Every other code is the HSM failing, and names it.
Result<SecureBytes> RsaOaepSha256Decrypt(HsmSession& session, const HsmQuirks& quirks,
                                         CK_OBJECT_HANDLE private_key, std::size_t k,
                                         ByteView ciphertext, std::string_view what);

}  // namespace tessera::hsm
