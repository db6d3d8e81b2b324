#include "hsm/version_record.hpp"

#include <string>

#include "hsm/attribute_template.hpp"
#include "hsm/derive.hpp"
#include "hsm/key_templates.hpp"
#include "hsm/scp03_keys.hpp"
#include "hsm/version_objects.hpp"

namespace tessera::hsm {

Result<RsaPublicKey> ReadRsaPublicKey(HsmSession& session, CK_OBJECT_HANDLE key,
                                      std::string_view what) {
  RsaPublicKey out;
  TESSERA_ASSIGN_OR_RETURN(out.modulus, ReadBytes(session, key, Attr::kModulus, what));
  TESSERA_ASSIGN_OR_RETURN(out.public_exponent,
                           ReadBytes(session, key, Attr::kPublicExponent, what));
  return out;
}

Result<Bytes> BlockCheckValue(HsmToken& token, CK_OBJECT_HANDLE block, std::string_view what) {
  const Bytes zeros(kDerivationDataSize, 0x00);
  TESSERA_ASSIGN_OR_RETURN(KeyObject check,
                           DeriveByEcbEncryptData(token, block, zeros, CheckKeyTemplate(),
                                                  "check key of " + std::string(what)));
  return KeyCheckValue(token, check);
}

Result<VersionRecord> ReadVersionRecord(HsmToken& token, std::uint8_t version) {
  TESSERA_ASSIGN_OR_RETURN(VersionHandles handles, RequireVersion(token.session(), version));
  VersionRecord record;
  record.version = version;
  TESSERA_ASSIGN_OR_RETURN(record.mk_block_check,
                           BlockCheckValue(token, handles.mk_block, MkBlockLabel(version)));
  TESSERA_ASSIGN_OR_RETURN(record.krk_block_check,
                           BlockCheckValue(token, handles.krk_block, KrkBlockLabel(version)));
  TESSERA_ASSIGN_OR_RETURN(record.cryptogram_key,
                           ReadRsaPublicKey(token.session(), handles.public_key,
                                            "public key '" + CryptogramKeyLabel(version) + "'"));
  return record;
}

}  // namespace tessera::hsm
