#include "hsm/agreement_key.hpp"

#include <openssl/ec.h>

#include <optional>
#include <utility>

#include "common/crypto/hash.hpp"
#include "common/ossl.hpp"
#include "common/piv/key_material.hpp"
#include "hsm/attribute_template.hpp"
#include "hsm/crypto_ops.hpp"
#include "hsm/key_object.hpp"
#include "hsm/key_ops.hpp"
#include "hsm/mechanism.hpp"
#include "hsm/pkcs11_types.hpp"

namespace tessera::hsm {
namespace {

constexpr Attr kAttrId = static_cast<Attr>(CKA_ID);
constexpr std::size_t kIdBytes = 16;
constexpr std::size_t kFieldBytes = 32;

std::string Describe(const HsmSession& session, std::string_view label) {
  return "registration key '" + std::string(label) + "' on HSM token '" + session.token_label() +
         "'";
}

AttributeTemplate PublicTemplate(std::string_view label, ByteView id) {
  AttributeTemplate t;
  t.Add(Attr::kClass, ObjectClass::kPublicKey)
      .Add(Attr::kKeyType, KeyType::kEc)
      .Add(Attr::kToken, true)
      .Add(Attr::kPrivate, false)
      .Add(Attr::kVerify, true)
      .Add(Attr::kEncrypt, false)
      .Add(Attr::kWrap, false)
      .Add(Attr::kDerive, false)
      .Add(Attr::kLabel, label)
      .Add(kAttrId, id)
      .Add(Attr::kEcParams, EcCurveParams(SigningKeyType::kP256));
  return t;
}

// Design §4.4: sensitive, never extractable, ECDH (CKA_DERIVE) and ES256
// (CKA_SIGN), nothing else.
AttributeTemplate PrivateTemplate(std::string_view label, ByteView id) {
  AttributeTemplate t;
  t.Add(Attr::kClass, ObjectClass::kPrivateKey)
      .Add(Attr::kKeyType, KeyType::kEc)
      .Add(Attr::kToken, true)
      .Add(Attr::kPrivate, true)
      .Add(Attr::kSensitive, true)
      .Add(Attr::kExtractable, false)
      .Add(Attr::kModifiable, false)
      .Add(Attr::kSign, true)
      .Add(Attr::kDerive, true)
      .Add(Attr::kDecrypt, false)
      .Add(Attr::kUnwrap, false)
      .Add(Attr::kLabel, label)
      .Add(kAttrId, id);
  return t;
}

}  // namespace

Result<SigningKey> GenerateAgreementKey(HsmSession& session, const std::string& label) {
  const std::string what = Describe(session, label);
  TESSERA_ASSIGN_OR_RETURN(std::optional<CK_OBJECT_HANDLE> existing,
                           FindTokenObject(session, ObjectClass::kPrivateKey, label));
  if (existing) return Status::AlreadyExists(what + " exists already");
  TESSERA_ASSIGN_OR_RETURN(SecureBytes id, GenerateRandom(session, kIdBytes));
  TESSERA_ASSIGN_OR_RETURN(
      KeyPair pair,
      GenerateKeyPair(session, MechanismSpec::Plain(Mechanism::kEcKeyPairGen),
                      PublicTemplate(label, id.view()), PrivateTemplate(label, id.view()), what));
  SigningKey key;
  key.type = SigningKeyType::kP256;
  key.label = label;
  key.public_key = std::move(pair.public_key).Keep();
  key.private_key = std::move(pair.private_key).Keep();
  return key;
}

Result<SigningKey> FindAgreementKey(HsmSession& session, const std::string& label) {
  const std::string what = Describe(session, label);
  Result<SigningKey> key = FindSigningKey(session, label);
  if (!key.ok()) {
    if (key.status().code() == Code::kNotFound) return Status::NotFound("no " + what);
    return key.status();
  }
  if (key->type != SigningKeyType::kP256) return Status::DataMismatch(what + " is not P-256");
  TESSERA_ASSIGN_OR_RETURN(bool derive, ReadBool(session, key->private_key, Attr::kDerive, what));
  if (!derive) {
    return Status::DataMismatch(what + " cannot derive (no CKA_DERIVE): a signing key, not " +
                                "a registration key");
  }
  return key;
}

Result<Bytes> AgreementPublicPoint(HsmSession& session, const SigningKey& key) {
  TESSERA_ASSIGN_OR_RETURN(Bytes spki, SigningPublicKeyInfo(session, key));
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr pkey, ossl::PublicKeyFromDer(spki));
  return piv::EcPublicPoint(pkey.get(), *piv::CurveOf(piv::Algorithm::kEccP256));
}

Result<Bytes> SignEs256(HsmSession& session, const SigningKey& key, ByteView data) {
  if (key.type != SigningKeyType::kP256) {
    return Status::InvalidArgument("ES256 needs a P-256 key; " + key.label + " is not");
  }
  TESSERA_ASSIGN_OR_RETURN(Bytes digest, crypto::DigestOnce(crypto::Hash::kSha256, data));
  // CKM_ECDSA returns r || s, each the field size (PKCS#11 3.0 §2.3.1): the
  // JWS form already (RFC 7518 §3.4).
  TESSERA_ASSIGN_OR_RETURN(SecureBytes raw,
                           Sign(session, MechanismSpec::Plain(Mechanism::kEcdsa), key.private_key,
                                digest, Describe(session, key.label)));
  if (raw.size() != 2 * kFieldBytes) {
    return Status::Internal("CKM_ECDSA returned " + std::to_string(raw.size()) +
                            " bytes, expected 64");
  }
  return Bytes(raw.data(), raw.data() + raw.size());
}

}  // namespace tessera::hsm
