// Using keys inside an HSM: random numbers, MACs, encryption, decryption.
//
// Thin typed single-part calls over C_GenerateRandom, C_Sign, C_Encrypt and
// C_Decrypt (PKCS#11 3.0 §5.9-§5.11). Outputs that may be secret (random
// bytes, MACs used as key material, plaintexts) come back in SecureBytes.
// `what` names the key in errors; every error names the function, the CK_RV
// and the HSM token. Stateless; the session's thread.
#pragma once

#include <p11-kit/pkcs11.h>

#include <cstddef>
#include <string_view>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "hsm/hsm_session.hpp"
#include "hsm/mechanism.hpp"

namespace tessera::hsm {

Result<SecureBytes> GenerateRandom(HsmSession& session, std::size_t size);

Result<SecureBytes> Sign(HsmSession& session, MechanismSpec mechanism, CK_OBJECT_HANDLE key,
                         ByteView data, std::string_view what);
Result<Bytes> Encrypt(HsmSession& session, MechanismSpec mechanism, CK_OBJECT_HANDLE key,
                      ByteView data, std::string_view what);
// `rv_out`, when given, receives the failing CK_RV so a caller can tell bad
// input from a broken HSM (cryptogram.cpp).
Result<SecureBytes> Decrypt(HsmSession& session, MechanismSpec mechanism, CK_OBJECT_HANDLE key,
                            ByteView data, std::string_view what, CK_RV* rv_out = nullptr);

}  // namespace tessera::hsm
