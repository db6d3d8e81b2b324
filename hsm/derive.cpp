#include "hsm/derive.hpp"

#include <utility>

#include "hsm/key_ops.hpp"
#include "hsm/mechanism.hpp"

namespace tessera::hsm {

Status RequireEcbEncryptData(const HsmQuirks& quirks, std::string_view token_label) {
  if (quirks.supports_aes_ecb_encrypt_data) return Status::Ok();
  std::string msg = "HSM token '" + std::string(token_label) + "' (" + std::string(quirks.name) +
                    ") has no CKM_AES_ECB_ENCRYPT_DATA, which Tessera's key diversification "
                    "needs (docs/hsm-adapter.md \"Diversification\")";
  if (quirks.supports_aes_cbc_encrypt_data) {
    msg += "; CKM_AES_CBC_ENCRYPT_DATA derives different keys and is not used";
  }
  return Status::FunctionNotSupported(std::move(msg));
}

Result<KeyObject> DeriveByEcbEncryptData(HsmToken& token, CK_OBJECT_HANDLE base, ByteView data,
                                         AttributeTemplate key_template, std::string description) {
  TESSERA_RETURN_IF_ERROR(RequireEcbEncryptData(token.quirks(), token.label()));
  if (data.size() != kDerivationDataSize) {
    return Status::InvalidArgument("deriving " + description + ": derivation data is " +
                                   std::to_string(data.size()) + " bytes, not " +
                                   std::to_string(kDerivationDataSize));
  }
  return DeriveKey(token.session(), MechanismSpec::EncryptData(Mechanism::kAesEcbEncryptData, data),
                   base, std::move(key_template), std::move(description));
}

}  // namespace tessera::hsm
