#include "hsm/ecdh.hpp"

#include <openssl/crypto.h>

#include <string>
#include <utility>

#include "common/piv/key_material.hpp"
#include "hsm/attribute_template.hpp"
#include "hsm/key_object.hpp"
#include "hsm/key_ops.hpp"
#include "hsm/mechanism.hpp"
#include "hsm/pkcs11_types.hpp"

namespace tessera::hsm {
namespace {

constexpr KeyType kGenericSecret = static_cast<KeyType>(CKK_GENERIC_SECRET);

// Z as a session object the host may read: not sensitive, extractable, no
// usage at all (PKCS#11 3.0 §2.3.11: CKD_NULL gives the x-coordinate).
AttributeTemplate SharedSecretTemplate() {
  AttributeTemplate t;
  t.Add(Attr::kClass, ObjectClass::kSecretKey)
      .Add(Attr::kKeyType, kGenericSecret)
      .Add(Attr::kToken, false)
      .Add(Attr::kPrivate, true)
      .Add(Attr::kSensitive, false)
      .Add(Attr::kExtractable, true)
      .Add(Attr::kEncrypt, false)
      .Add(Attr::kDecrypt, false)
      .Add(Attr::kSign, false)
      .Add(Attr::kVerify, false)
      .Add(Attr::kWrap, false)
      .Add(Attr::kUnwrap, false)
      .Add(Attr::kDerive, false)
      .Add(Attr::kValueLen, static_cast<CK_ULONG>(kEcdhSecretBytes));
  return t;
}

}  // namespace

Result<SecureBytes> EcdhDerive(HsmSession& session, const HsmQuirks& quirks,
                               CK_OBJECT_HANDLE private_key, ByteView peer_point) {
  // SP 800-56A §5.6.2.3.3: the peer's public key is checked before use; an
  // off-curve point is the invalid-curve attack. OpenSSL checks it here, so
  // the HSM's own checks need not be trusted.
  if (!piv::EcPublicKeyFromPoint(*piv::CurveOf(piv::Algorithm::kEccP256), peer_point).ok()) {
    return Status::InvalidArgument("ECDH: the peer's key is not an uncompressed P-256 point");
  }
  const std::string what = "registration ECDH secret (" + std::string(quirks.name) +
                           ", no CKM_HKDF_DERIVE: the secret comes to the host)";
  TESSERA_ASSIGN_OR_RETURN(KeyObject z,
                           DeriveKey(session, MechanismSpec::Ecdh1Derive(CKD_NULL, {}, peer_point),
                                     private_key, SharedSecretTemplate(), what));
  // `z` is destroyed when it goes out of scope, on every path below.
  TESSERA_ASSIGN_OR_RETURN(Bytes value, ReadBytes(session, z.handle(), Attr::kValue, what));
  SecureBytes secret{ByteView(value)};
  OPENSSL_cleanse(value.data(), value.size());
  if (secret.size() != kEcdhSecretBytes) {
    return Status::Internal(what + " is " + std::to_string(secret.size()) + " bytes, not 32");
  }
  return secret;
}

}  // namespace tessera::hsm
