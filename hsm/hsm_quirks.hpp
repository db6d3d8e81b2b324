// HsmQuirks: what one HSM model can and cannot do, kept as data.
//
// The adapter asks these flags instead of testing vendor names in code. A
// model not in the table gets the conservative defaults: nothing optional
// assumed, one session, a login per session. The table is looked up by the
// token's manufacturerID and model from C_GetTokenInfo (space padding
// ignored). Immutable values, thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace tessera::hsm {

struct HsmQuirks {
  std::string_view name = "unknown HSM";  // for logs and error messages
  // Diversification mechanisms (DESIGN.md "The HSM adapter").
  bool supports_aes_ecb_encrypt_data = false;  // CKM_AES_ECB_ENCRYPT_DATA
  bool supports_aes_cbc_encrypt_data = false;  // CKM_AES_CBC_ENCRYPT_DATA
  // CKM_RSA_PKCS_OAEP with SHA-256 and MGF1-SHA-256; false: SHA-1 only.
  // Decides the KEK-exchange hash (TransportOaepHash), and whether the
  // RSA-OAEP-SHA256 cryptogram is one HSM call or raw RSA (CKM_RSA_X_509) in
  // the HSM with the padding on the host (rsa_oaep.hpp).
  bool supports_rsa_oaep_sha256 = false;
  // C_Decrypt reports a ciphertext that does not decrypt (bad OAEP padding,
  // wrong length) as CKR_GENERAL_ERROR instead of CKR_ENCRYPTED_DATA_INVALID.
  bool bad_ciphertext_is_general_error = false;
  // Key delivery to a token (token_key_wrap.hpp). CKM_ECDH_AES_KEY_WRAP as
  // one C_WrapKey; else CKM_ECDH1_DERIVE with an X9.63 KDF (CKD_SHA*_KDF)
  // into the KEK; with neither, the ECDH and the KDF run on the host.
  bool supports_ecdh_aes_key_wrap = false;
  bool supports_ecdh_x963_kdf = false;
  // C_WrapKey with CKM_AES_KEY_WRAP_PAD zero-fills the key data to a multiple
  // of 8 bytes before wrapping, so the RFC 5649 length (MLI) counts the fill
  // and the unwrapped data ends in up to 7 zero bytes.
  bool key_wrap_pad_zero_fills = false;
  // CKM_HKDF_DERIVE (PKCS#11 3.0 §2.43): registration's Z1 could stay a
  // sensitive HSM object and k1 be derived in the HSM. Without it the ECDH
  // result comes to the host for one HKDF (ecdh.hpp; docs/hsm-adapter.md
  // "Quirks").
  bool supports_hkdf_derive = false;
  std::uint32_t max_sessions = 1;  // sessions the adapter may open at once
  // true: each session needs its own C_Login (some network HSMs); PKCS#11
  // itself makes a login apply to every session of the application.
  bool needs_login_per_session = true;
};

HsmQuirks QuirksFor(std::string_view manufacturer_id, std::string_view model);

}  // namespace tessera::hsm
