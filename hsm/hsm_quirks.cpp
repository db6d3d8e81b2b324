#include "hsm/hsm_quirks.hpp"

namespace tessera::hsm {
namespace {

struct KnownHsm {
  std::string_view manufacturer_id;
  std::string_view model;  // empty: any model of this manufacturer
  HsmQuirks quirks;
};

constexpr KnownHsm kKnownHsms[] = {
    // SoftHSM2 2.6: both *_ENCRYPT_DATA derivations, no session limit of note;
    // OAEP only with SHA-1 (SHA-256 is CKR_ARGUMENTS_BAD), but raw RSA
    // (CKM_RSA_X_509); a bad OAEP or raw RSA ciphertext is CKR_GENERAL_ERROR.
    // No CKM_ECDH_AES_KEY_WRAP (CKR_MECHANISM_INVALID), CKM_ECDH1_DERIVE with
    // CKD_NULL only (CKR_MECHANISM_PARAM_INVALID), and CKM_AES_KEY_WRAP_PAD
    // zero-fills to 8 bytes before wrapping. No CKM_HKDF_DERIVE (not in
    // pkcs11-tool -M), so registration's ECDH secret comes to the host.
    {"SoftHSM project", "",
     HsmQuirks{.name = "SoftHSM2",
               .supports_aes_ecb_encrypt_data = true,
               .supports_aes_cbc_encrypt_data = true,
               .supports_rsa_oaep_sha256 = false,
               .bad_ciphertext_is_general_error = true,
               .supports_ecdh_aes_key_wrap = false,
               .supports_ecdh_x963_kdf = false,
               .key_wrap_pad_zero_fills = true,
               .supports_hkdf_derive = false,
               .max_sessions = 64,
               .needs_login_per_session = false}},
};

std::string_view TrimPadding(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.remove_suffix(1);
  return s;
}

}  // namespace

HsmQuirks QuirksFor(std::string_view manufacturer_id, std::string_view model) {
  manufacturer_id = TrimPadding(manufacturer_id);
  model = TrimPadding(model);
  for (const KnownHsm& known : kKnownHsms) {
    if (known.manufacturer_id == manufacturer_id && (known.model.empty() || known.model == model)) {
      return known.quirks;
    }
  }
  return HsmQuirks{};
}

}  // namespace tessera::hsm
