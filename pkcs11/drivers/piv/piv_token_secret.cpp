// PivToken: secret keys on the card (Tessera F4, F5). docs/piv-extensions.md
// has the commands; unwrapping (F2) is in piv_token_unwrap.cpp.
#include "host/card/piv_client.hpp"
#include "pkcs11/drivers/piv/piv_objects.hpp"
#include "pkcs11/drivers/piv/piv_secret_objects.hpp"
#include "pkcs11/drivers/piv/piv_token.hpp"
#include "pkcs11/model/fault.hpp"

namespace tessera::p11::piv {
namespace {

namespace secret = tessera::piv::secret;

// A card that answers F5 with "no such instruction" is not a Tessera token:
// it has no secret keys to list.
bool NotATesseraToken(const Status& s) {
  return s.code() == Code::kInsNotSupported || s.code() == Code::kFunctionNotSupported;
}

// The card derives with HKDF over SHA-256 only.
Status CheckHkdf(const HkdfParams& p) {
  if (p.hash != crypto::Hash::kSha256 || p.salt_key != 0 || !p.expand) {
    return Refuse(Fault::kMechanismParamInvalid,
                  "the card's HKDF is SHA-256, expanding, with a salt given as data");
  }
  return Status::Ok();
}

}  // namespace

ObjectHandle PivToken::AddSecretKey(const host::SecretKeyInfo& info) {
  objects_.RemoveAt(info.slot, ObjectClass::kSecretKey);
  return objects_.Add(SecretKeyObject(info));
}

Result<const Object*> PivToken::SecretKey(ObjectHandle handle) {
  const Object* o = objects_.Find(handle);
  if (o == nullptr || o->cls != ObjectClass::kSecretKey) {
    return Refuse(Fault::kKeyHandleInvalid, "no such secret key");
  }
  return o;
}

Status PivToken::EnsureSecretKeysLoaded(host::ApduChannel& channel) {
  if (secret_keys_loaded_) return Status::Ok();
  host::PivClient client(channel);
  auto listed = client.ListSecretKeys();
  if (!listed.ok()) {
    if (NotATesseraToken(listed.status())) {
      secret_keys_loaded_ = true;
      return Status::Ok();
    }
    return listed.status();
  }
  for (const host::SecretKeyInfo& info : *listed) AddSecretKey(info);
  secret_keys_loaded_ = true;
  return Status::Ok();
}

Result<ObjectHandle> PivToken::ImportSecretKey(host::ApduChannel& channel, const Template& tmpl,
                                               KeyType type, ByteView value) {
  TESSERA_ASSIGN_OR_RETURN(secret::KeyType card_type, CardSecretType(type, value.size()));
  TESSERA_ASSIGN_OR_RETURN(host::SecretKeyAttributes attributes, CardSecretAttributes(tmpl, type));
  host::PivClient client(channel);
  TESSERA_ASSIGN_OR_RETURN(
      host::SecretKeyInfo info,
      client.ImportSecretKey(secret::kAnyFreeSlot, card_type, value, attributes));
  return AddSecretKey(info);
}

Result<ObjectHandle> PivToken::GenerateSecretKey(host::ApduChannel& channel, const Template& tmpl,
                                                 KeyType type, std::size_t length) {
  TESSERA_ASSIGN_OR_RETURN(secret::KeyType card_type, CardSecretType(type, length));
  TESSERA_ASSIGN_OR_RETURN(host::SecretKeyAttributes attributes, CardSecretAttributes(tmpl, type));
  host::PivClient client(channel);
  TESSERA_ASSIGN_OR_RETURN(
      host::SecretKeyInfo info,
      client.GenerateSecretKey(secret::kAnyFreeSlot, card_type, length, attributes));
  return AddSecretKey(info);
}

Result<ObjectHandle> PivToken::DeriveFromPrivateKey(host::ApduChannel& channel, ObjectHandle base,
                                                    ByteView peer, const Template& tmpl,
                                                    KeyType type, std::size_t length) {
  const Object* o = objects_.Find(base);
  if (o == nullptr || o->cls != ObjectClass::kPrivateKey) {
    return Refuse(Fault::kKeyHandleInvalid, "no such private key");
  }
  host::EcdhDeriveRequest request;
  TESSERA_ASSIGN_OR_RETURN(request.type, CardSecretType(type, length));
  TESSERA_ASSIGN_OR_RETURN(request.attributes, CardSecretAttributes(tmpl, type));
  request.length = length;
  request.base = o->where.key_ref;
  request.peer_public.assign(peer.begin(), peer.end());
  request.kdf = secret::EcdhKdf::kNone;  // CKD_NULL: the key is Z's first bytes
  host::PivClient client(channel);
  TESSERA_ASSIGN_OR_RETURN(host::SecretKeyInfo info, client.DeriveSecretKeyEcdh(request));
  return AddSecretKey(info);
}

Result<ObjectHandle> PivToken::DeriveFromSecretKey(host::ApduChannel& channel, ObjectHandle base,
                                                   const HkdfParams& params, const Template& tmpl,
                                                   KeyType type, std::size_t length) {
  TESSERA_RETURN_IF_ERROR(CheckHkdf(params));
  TESSERA_ASSIGN_OR_RETURN(const Object* o, SecretKey(base));
  host::HkdfDeriveRequest request;
  TESSERA_ASSIGN_OR_RETURN(request.type, CardSecretType(type, length));
  TESSERA_ASSIGN_OR_RETURN(request.attributes, CardSecretAttributes(tmpl, type));
  request.length = length;
  request.base = o->where.key_ref;
  request.mode = params.extract ? secret::HkdfMode::kExtractExpand : secret::HkdfMode::kExpandOnly;
  if (params.salt) request.salt = *params.salt;
  request.info = params.info;
  host::PivClient client(channel);
  TESSERA_ASSIGN_OR_RETURN(host::SecretKeyInfo info, client.DeriveSecretKeyHkdf(request));
  return AddSecretKey(info);
}

Result<SecureBytes> PivToken::HkdfToHost(host::ApduChannel& channel, ObjectHandle base,
                                         const HkdfParams& params, std::size_t length) {
  TESSERA_RETURN_IF_ERROR(CheckHkdf(params));
  TESSERA_ASSIGN_OR_RETURN(const Object* o, SecretKey(base));
  std::optional<ByteView> salt;
  // RFC 5869 §2.2: extracting with no salt uses HashLen zeros, which is what
  // the card does with an empty salt given.
  static const Bytes kNoSalt;
  if (params.extract) salt = params.salt ? ByteView(*params.salt) : ByteView(kNoSalt);
  host::PivClient client(channel);
  return client.HkdfToHost(o->where.key_ref, salt, params.info, length);
}

Result<SecureBytes> PivToken::SecretOperation(host::ApduChannel& channel, ObjectHandle key,
                                              const SecretOp& op, ByteView data) {
  TESSERA_ASSIGN_OR_RETURN(const Object* o, SecretKey(key));
  const std::uint8_t slot = o->where.key_ref;
  host::PivClient client(channel);
  switch (op.kind) {
    case SecretOp::Kind::kMac: {
      TESSERA_ASSIGN_OR_RETURN(Bytes mac, client.SecretKeyMac(slot, op.mac, data, op.mac_length));
      return SecureBytes(mac);
    }
    case SecretOp::Kind::kVerify:
      TESSERA_RETURN_IF_ERROR(client.SecretKeyVerify(slot, op.mac, data, op.mac_value));
      return SecureBytes();
    case SecretOp::Kind::kGcmEncrypt: {
      TESSERA_ASSIGN_OR_RETURN(Bytes sealed,
                               client.GcmEncrypt(slot, op.iv, op.aad, data, op.tag_len));
      return SecureBytes(sealed);
    }
    case SecretOp::Kind::kGcmDecrypt:
      return client.GcmDecrypt(slot, op.iv, op.aad, data, op.tag_len);
  }
  return Status::Internal("unknown secret-key operation");
}

}  // namespace tessera::p11::piv
