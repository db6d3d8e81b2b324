// TokenP11's PIV key slots: generation, public keys, ECDSA signatures and
// certificates (docs/pkcs11-objects.md "Card objects: the PIV key slots",
// "Writing to the token", "Generating keys").
#include <openssl/sha.h>

#include "tools/tessera/client/token_p11.hpp"
#include "tools/tessera/client/token_p11_state.hpp"

namespace tessera::cli {
namespace {

// CKA_EC_PARAMS of P-256: the DER OID 1.2.840.10045.3.1.7.
const Bytes kP256Params = HexOrDie("06082A8648CE3D030107");

}  // namespace

Result<Bytes> TokenP11::GenerateP256(const std::string& slot) {
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t id, p11::CkaIdOfSlot(slot));
  const std::string step = state_->Step("generating a P-256 key in slot " + slot);
  p11::Template public_template;
  public_template.Value(CKA_EC_PARAMS, kP256Params)
      .Value(CKA_ID, ByteView(&id, 1))
      .Bool(CKA_TOKEN, true);
  p11::Template private_template;
  private_template.Value(CKA_ID, ByteView(&id, 1)).Bool(CKA_TOKEN, true);
  CK_MECHANISM mechanism{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
  TESSERA_RETURN_IF_ERROR(p11::Check(
      step, "C_GenerateKeyPair",
      state_->f().C_GenerateKeyPair(state_->session, &mechanism, public_template.data(),
                                    public_template.size(), private_template.data(),
                                    private_template.size(), &public_key, &private_key)));
  return p11::Attribute(state_->f(), state_->session, public_key, CKA_PUBLIC_KEY_INFO, step);
}

Result<Bytes> TokenP11::PublicKey(const std::string& slot) {
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t id, p11::CkaIdOfSlot(slot));
  const std::string step = "reading the public key of slot " + slot;
  TESSERA_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE key, state_->FindOne(CKO_PUBLIC_KEY, id, step));
  return p11::Attribute(state_->f(), state_->session, key, CKA_PUBLIC_KEY_INFO, state_->Step(step));
}

Result<Bytes> TokenP11::SignDigest(const std::string& slot, ByteView digest,
                                   const SecureBytes* pin) {
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t id, p11::CkaIdOfSlot(slot));
  const std::string what = "signing with slot " + slot;
  const std::string step = state_->Step(what);
  TESSERA_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE key, state_->FindOne(CKO_PRIVATE_KEY, id, what));
  const CK_FUNCTION_LIST& f = state_->f();
  CK_MECHANISM mechanism{CKM_ECDSA, nullptr, 0};
  TESSERA_RETURN_IF_ERROR(
      p11::Check(step, "C_SignInit", f.C_SignInit(state_->session, &mechanism, key)));
  if (pin != nullptr) {
    // 9C's key has CKA_ALWAYS_AUTHENTICATE: the PIN again for this operation
    // (docs/pkcs11-module.md "Sessions and logins", PKCS#11 2.40 §5.6).
    SecureBytes copy = pin->Clone();
    TESSERA_RETURN_IF_ERROR(
        p11::Check(step, "C_Login (CKU_CONTEXT_SPECIFIC)",
                   f.C_Login(state_->session, CKU_CONTEXT_SPECIFIC,
                             copy.empty() ? nullptr : copy.data(), copy.size())));
  }
  Bytes in(digest.begin(), digest.end());
  Bytes signature(2 * 66);  // r || s of the largest curve the token holds
  auto length = static_cast<CK_ULONG>(signature.size());
  TESSERA_RETURN_IF_ERROR(p11::Check(
      step, "C_Sign", f.C_Sign(state_->session, in.data(), in.size(), signature.data(), &length)));
  signature.resize(length);
  return signature;
}

Result<Bytes> TokenP11::SignEs256(const std::string& slot, ByteView data, const SecureBytes* pin) {
  Bytes digest(SHA256_DIGEST_LENGTH);
  SHA256(data.data(), data.size(), digest.data());
  return SignDigest(slot, digest, pin);
}

Result<std::optional<Bytes>> TokenP11::Certificate(const std::string& slot) {
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t id, p11::CkaIdOfSlot(slot));
  const std::string what = "reading the certificate of slot " + slot;
  auto found = state_->FindOne(CKO_CERTIFICATE, id, what);
  if (!found.ok()) {
    if (found.status().code() == Code::kNotFound) return std::optional<Bytes>();
    return found.status();
  }
  TESSERA_ASSIGN_OR_RETURN(Bytes der, p11::Attribute(state_->f(), state_->session, *found,
                                                     CKA_VALUE, state_->Step(what)));
  return std::optional<Bytes>(std::move(der));
}

Status TokenP11::WriteCertificate(const std::string& slot, ByteView der) {
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t id, p11::CkaIdOfSlot(slot));
  // A certificate with the slot's CKA_ID replaces the container's contents
  // (docs/pkcs11-objects.md "Writing to the token").
  p11::Template object;
  object.Ulong(CKA_CLASS, CKO_CERTIFICATE)
      .Ulong(CKA_CERTIFICATE_TYPE, CKC_X_509)
      .Bool(CKA_TOKEN, true)
      .Value(CKA_ID, ByteView(&id, 1))
      .Value(CKA_VALUE, der);
  CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
  return p11::Check(
      state_->Step("writing the certificate of slot " + slot), "C_CreateObject",
      state_->f().C_CreateObject(state_->session, object.data(), object.size(), &handle));
}

}  // namespace tessera::cli
