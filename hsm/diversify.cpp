#include "hsm/diversify.hpp"

#include <string>

#include "hsm/derive.hpp"
#include "hsm/key_templates.hpp"
#include "hsm/version_objects.hpp"

namespace tessera::hsm {

Result<Bytes> MkDiversificationData(ByteView uid) {
  if (uid.size() != kUidSize) {
    return Status::InvalidArgument("a token UID is 16 bytes, not " + std::to_string(uid.size()));
  }
  Bytes data(uid.begin(), uid.end());
  for (std::uint8_t b : uid) data.push_back(static_cast<std::uint8_t>(b ^ 0xFF));
  return data;
}

Result<KeyObject> DeriveTokenMk(HsmToken& token, std::uint8_t version, ByteView uid) {
  TESSERA_RETURN_IF_ERROR(CheckVersion(version));
  TESSERA_ASSIGN_OR_RETURN(Bytes data, MkDiversificationData(uid));
  TESSERA_ASSIGN_OR_RETURN(
      CK_OBJECT_HANDLE block,
      RequireTokenObject(token.session(), ObjectClass::kSecretKey, MkBlockLabel(version)));
  return DeriveByEcbEncryptData(
      token, block, data, PerTokenKeyTemplate(),
      "per-token MK of " + VersionName(version) + " for UID " + ToHex(uid));
}

Result<KeyObject> DeriveTokenKrk(HsmToken& token, std::uint8_t version, const SecureBytes& r) {
  TESSERA_RETURN_IF_ERROR(CheckVersion(version));
  if (r.size() != kRSize) {
    return Status::InvalidArgument("R is 32 bytes, not " + std::to_string(r.size()));
  }
  TESSERA_ASSIGN_OR_RETURN(
      CK_OBJECT_HANDLE block,
      RequireTokenObject(token.session(), ObjectClass::kSecretKey, KrkBlockLabel(version)));
  return DeriveByEcbEncryptData(token, block, r.view(), PerTokenKeyTemplate(),
                                "per-token KRK of " + VersionName(version));
}

}  // namespace tessera::hsm
