#include "hsm/cryptogram.hpp"

#include <string>

#include "hsm/crypto_ops.hpp"
#include "hsm/diversify.hpp"
#include "hsm/rsa_oaep.hpp"
#include "hsm/version_objects.hpp"

namespace tessera::hsm {

Result<NewKrkResult> NewKrk(HsmToken& token, std::uint8_t version) {
  TESSERA_RETURN_IF_ERROR(CheckVersion(version));
  const std::string key_label = CryptogramKeyLabel(version);
  TESSERA_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE public_key,
                           RequireTokenObject(token.session(), ObjectClass::kPublicKey, key_label));
  // R lives in this SecureBytes only, and is wiped when it goes.
  TESSERA_ASSIGN_OR_RETURN(SecureBytes r, GenerateRandom(token.session(), kRSize));
  TESSERA_ASSIGN_OR_RETURN(KeyObject krk, DeriveTokenKrk(token, version, r));
  TESSERA_ASSIGN_OR_RETURN(
      Bytes cryptogram,
      RsaOaepSha256Encrypt(token.session(), token.quirks(), public_key, kCryptogramSize, r.view(),
                           "public key '" + key_label + "'"));
  return NewKrkResult{std::move(krk), std::move(cryptogram)};
}

Result<KeyObject> RecoverKrk(HsmToken& token, std::uint8_t version, ByteView cryptogram) {
  TESSERA_RETURN_IF_ERROR(CheckVersion(version));
  const std::string key_label = CryptogramKeyLabel(version);
  TESSERA_ASSIGN_OR_RETURN(
      CK_OBJECT_HANDLE private_key,
      RequireTokenObject(token.session(), ObjectClass::kPrivateKey, key_label));
  Result<SecureBytes> r =
      RsaOaepSha256Decrypt(token.session(), token.quirks(), private_key, kCryptogramSize,
                           cryptogram, "private key '" + key_label + "'");
  const std::string bad = "cryptogram (" + std::to_string(cryptogram.size()) +
                          " bytes) does not decrypt under the cryptogram key of " +
                          VersionName(version) + " on HSM token '" + token.label() + "'";
  if (!r.ok()) {
    // Any other code is the HSM failing, not the cryptogram (rsa_oaep.hpp).
    if (r.status().code() != Code::kInvalidArgument) return r.status();
    return Status::InvalidArgument(bad + ": it is corrupt or belongs to another version (" +
                                   r.status().message() + ")");
  }
  if (r->size() != kRSize) {
    return Status::InvalidArgument(bad + " to a 32-byte R (it holds " + std::to_string(r->size()) +
                                   " bytes)");
  }
  return DeriveTokenKrk(token, version, *r);
}

}  // namespace tessera::hsm
