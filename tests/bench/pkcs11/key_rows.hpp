// The rows of p11_key_bench (issue 11's speed figures). Each measures one
// operation on one thread through one module's session and returns its
// rate, or why the module cannot do it.
//
//   unwrap-p256  C_UnwrapKey of a P-256 private key into a token object.
//                Tessera: CKM_ECDH_AES_KEY_WRAP with the token key F0 into
//                PIV slot 9D (docs/piv-extensions.md F2; the card does the
//                ECDH, the KDF, the AES-KWP and stores the key). SoftHSM2
//                lacks CKM_ECDH_AES_KEY_WRAP: CKM_AES_KEY_WRAP_PAD with a
//                session AES-256 key, each unwrapped object destroyed again
//                (both store a token key per call). Host: the same
//                ECDH-AES unwrap and PKCS#8 parse in-process with OpenSSL,
//                what the card computes without the card.
//   hmac-sha256  C_SignInit + C_Sign, CKM_SHA256_HMAC, with a token generic
//                secret of 32 bytes (on Tessera: in a card slot C0..DF, the
//                MAC computed by the card).
//   aes-256-gcm  C_EncryptInit + C_Encrypt, CKM_AES_GCM (12-byte IV, 128-bit
//                tag), with a session AES-256 key, `gcm_bytes` per call.
//
// The first result of every row is checked (the MAC and the ciphertext
// against OpenSSL; the unwrapped key by a signature it makes).
#pragma once

#include <chrono>
#include <cstddef>

#include "tests/bench/pkcs11/op_loop.hpp"
#include "tests/bench/pkcs11/p11_client.hpp"

namespace tessera::bench {

struct RowSettings {
  std::chrono::duration<double> duration{2.0};
  std::size_t hmac_bytes = 64;
  std::size_t gcm_bytes = 16384;
};

// `slot` is the session's slot (Tessera binds the unwrap blob to its serial).
Result<OpRate> UnwrapRowTessera(const P11Module& module, CK_SLOT_ID slot, P11Session& s,
                                const RowSettings& settings);
Result<OpRate> UnwrapRowSoftHsm(P11Session& s, const RowSettings& settings);
Result<OpRate> UnwrapRowHost(const RowSettings& settings);
Result<OpRate> HmacRow(P11Session& s, const RowSettings& settings);
Result<OpRate> GcmRow(P11Session& s, const RowSettings& settings);

}  // namespace tessera::bench
