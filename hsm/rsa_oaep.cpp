#include "hsm/rsa_oaep.hpp"

#include <string>

#include "hsm/crypto_ops.hpp"
#include "hsm/eme_oaep.hpp"
#include "hsm/mechanism.hpp"
#include "hsm/pkcs11_error.hpp"

namespace tessera::hsm {
namespace {

MechanismSpec MechanismFor(const HsmQuirks& quirks) {
  return quirks.supports_rsa_oaep_sha256 ? MechanismSpec::RsaOaep(OaepHash::kSha256)
                                         : MechanismSpec::Plain(Mechanism::kRsaX509);
}

bool IsBadCiphertext(CK_RV rv, const HsmQuirks& quirks) {
  return rv == CKR_ENCRYPTED_DATA_INVALID || rv == CKR_ENCRYPTED_DATA_LEN_RANGE ||
         (rv == CKR_GENERAL_ERROR && quirks.bad_ciphertext_is_general_error);
}

}  // namespace

Result<Bytes> RsaOaepSha256Encrypt(HsmSession& session, const HsmQuirks& quirks,
                                   CK_OBJECT_HANDLE public_key, std::size_t k, ByteView message,
                                   std::string_view what) {
  if (quirks.supports_rsa_oaep_sha256) {
    return Encrypt(session, MechanismFor(quirks), public_key, message, what);
  }
  TESSERA_ASSIGN_OR_RETURN(SecureBytes em, EmeOaepSha256Encode(message, k));
  return Encrypt(session, MechanismFor(quirks), public_key, em.view(), what);
}

Result<SecureBytes> RsaOaepSha256Decrypt(HsmSession& session, const HsmQuirks& quirks,
                                         CK_OBJECT_HANDLE private_key, std::size_t k,
                                         ByteView ciphertext, std::string_view what) {
  // PKCS#1 v2.2 §7.1.2 step 1b. Checked here so that raw RSA never sees a
  // short ciphertext, which it would take as a small number.
  if (ciphertext.size() != k) {
    return Status::InvalidArgument("an RSA-OAEP ciphertext under this key is " + std::to_string(k) +
                                   " bytes");
  }
  CK_RV rv = CKR_OK;
  Result<SecureBytes> out =
      Decrypt(session, MechanismFor(quirks), private_key, ciphertext, what, &rv);
  if (!out.ok()) {
    if (!IsBadCiphertext(rv, quirks)) return out.status();
    return Status::InvalidArgument(DescribeCkRv("C_Decrypt", rv));
  }
  if (quirks.supports_rsa_oaep_sha256) return out;
  // `out` is EM, wiped when it goes (SecureBytes).
  return EmeOaepSha256Decode(out->view(), k);
}

}  // namespace tessera::hsm
