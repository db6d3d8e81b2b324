#include "hsm/key_ops.hpp"

#include <utility>

#include "hsm/pkcs11_error.hpp"

namespace tessera::hsm {
namespace {

std::string Doing(const HsmSession& session, std::string_view verb, std::string_view what,
                  const MechanismSpec& mechanism) {
  return std::string(verb) + " " + std::string(what) + " with " + mechanism.Name() +
         " on HSM token '" + session.token_label() + "'";
}

}  // namespace

Result<KeyObject> GenerateKey(HsmSession& session, MechanismSpec mechanism,
                              AttributeTemplate key_template, std::string description) {
  CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
  CK_RV rv = session.library().functions().C_GenerateKey(
      session.handle(), mechanism.get(), key_template.data(), key_template.size(), &key);
  if (rv != CKR_OK) {
    return CkRvStatus(Doing(session, "generating", description, mechanism), "C_GenerateKey", rv);
  }
  return KeyObject(session, key, std::move(description));
}

Result<KeyPair> GenerateKeyPair(HsmSession& session, MechanismSpec mechanism,
                                AttributeTemplate public_template,
                                AttributeTemplate private_template, std::string_view description) {
  CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
  CK_RV rv = session.library().functions().C_GenerateKeyPair(
      session.handle(), mechanism.get(), public_template.data(), public_template.size(),
      private_template.data(), private_template.size(), &public_key, &private_key);
  if (rv != CKR_OK) {
    return CkRvStatus(Doing(session, "generating", description, mechanism), "C_GenerateKeyPair",
                      rv);
  }
  return KeyPair{KeyObject(session, public_key, std::string(description) + " (public)"),
                 KeyObject(session, private_key, std::string(description) + " (private)")};
}

Result<KeyObject> CreateObject(HsmSession& session, AttributeTemplate object_template,
                               std::string description) {
  CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
  CK_RV rv = session.library().functions().C_CreateObject(session.handle(), object_template.data(),
                                                          object_template.size(), &object);
  if (rv != CKR_OK) {
    return CkRvStatus(
        "importing " + description + " into HSM token '" + session.token_label() + "'",
        "C_CreateObject", rv);
  }
  return KeyObject(session, object, std::move(description));
}

Result<KeyObject> DeriveKey(HsmSession& session, MechanismSpec mechanism, CK_OBJECT_HANDLE base,
                            AttributeTemplate key_template, std::string description) {
  CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
  CK_RV rv = session.library().functions().C_DeriveKey(
      session.handle(), mechanism.get(), base, key_template.data(), key_template.size(), &key);
  if (rv != CKR_OK) {
    return CkRvStatus(Doing(session, "deriving", description, mechanism), "C_DeriveKey", rv);
  }
  return KeyObject(session, key, std::move(description));
}

Result<Bytes> WrapKey(HsmSession& session, MechanismSpec mechanism, CK_OBJECT_HANDLE wrapping_key,
                      CK_OBJECT_HANDLE key, std::string_view what) {
  const CK_FUNCTION_LIST& f = session.library().functions();
  // PKCS#11 3.0 §5.2: a null buffer asks for the length.
  CK_ULONG size = 0;
  CK_RV rv = f.C_WrapKey(session.handle(), mechanism.get(), wrapping_key, key, nullptr, &size);
  Bytes wrapped;
  if (rv == CKR_OK) {
    wrapped.resize(size);
    rv = f.C_WrapKey(session.handle(), mechanism.get(), wrapping_key, key, wrapped.data(), &size);
  }
  if (rv != CKR_OK) {
    return CkRvStatus(Doing(session, "wrapping", what, mechanism), "C_WrapKey", rv);
  }
  wrapped.resize(size);
  return wrapped;
}

Result<KeyObject> UnwrapKey(HsmSession& session, MechanismSpec mechanism,
                            CK_OBJECT_HANDLE unwrapping_key, ByteView wrapped,
                            AttributeTemplate key_template, std::string description) {
  CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
  // PKCS#11 takes a non-const pointer but only reads the wrapped key.
  CK_RV rv = session.library().functions().C_UnwrapKey(
      session.handle(), mechanism.get(), unwrapping_key,
      const_cast<CK_BYTE*>(wrapped.data()),  // NOLINT
      static_cast<CK_ULONG>(wrapped.size()), key_template.data(), key_template.size(), &key);
  if (rv != CKR_OK) {
    return CkRvStatus(Doing(session, "unwrapping", description, mechanism), "C_UnwrapKey", rv);
  }
  return KeyObject(session, key, std::move(description));
}

}  // namespace tessera::hsm
