#include "pkcs11/core/object_requests.hpp"

#include <openssl/crypto.h>

#include "pkcs11/core/crypto/key_import.hpp"
#include "pkcs11/drivers/soft/object_builder.hpp"

namespace tessera::p11 {
namespace {

ByteView Or(std::optional<ByteView> v) { return v.value_or(ByteView()); }

Result<ObjectHandle> CreateSessionObject(Session& session, const Template& tmpl) {
  Slot& slot = session.slot();
  TESSERA_ASSIGN_OR_RETURN(Object object,
                           soft::BuildObject(tmpl, slot.login_state() == LoginState::kSo));
  // §4.4.1: a private object exists only for a logged-in user.
  if (object.Flag(Attr::kPrivate) && slot.login_state() != LoginState::kUser) {
    return Refuse(Fault::kUserNotLoggedIn, "a private object needs the user's login");
  }
  object.session = session.handle();
  return slot.AddSessionObject(std::move(object));
}

Result<ObjectHandle> CreateTokenObject(Slot& slot, const Template& tmpl) {
  TESSERA_ASSIGN_OR_RETURN(Object probe, soft::BuildObject(tmpl, false));
  const ByteView id = Or(FindIn(tmpl, Attr::kId));
  const ByteView label = Or(FindIn(tmpl, Attr::kLabel));
  switch (probe.cls) {
    case ObjectClass::kCertificate:
      return slot.CreateCertificate(id, label, *probe.Get(Attr::kValue));
    case ObjectClass::kPrivateKey:
      if (!probe.Flag(Attr::kPrivate)) {
        return Refuse(Fault::kTemplateInconsistent,
                      "a key on the card is a private object (visible after login)");
      }
      return slot.ImportPrivateKey(id, label, probe.private_key.get());
    case ObjectClass::kSecretKey:
      return slot.ImportSecretKey(tmpl, *probe.key_type(), *probe.Get(Attr::kValue));
    case ObjectClass::kData: return slot.CreateDataObject(probe);
    default:
      return Refuse(Fault::kTemplateInconsistent,
                    "the card stores certificates, private keys, secret keys and the key package");
  }
}

}  // namespace

bool WantsTokenObject(const Template& tmpl) {
  auto token = FindIn(tmpl, Attr::kToken);
  return token && AsBool(*token).value_or(false);
}

Result<ObjectHandle> CreateObject(Session& session, const Template& tmpl) {
  if (!WantsTokenObject(tmpl)) return CreateSessionObject(session, tmpl);
  if (!session.read_write()) return Refuse(Fault::kSessionReadOnly, "a token object needs RW");
  return CreateTokenObject(session.slot(), tmpl);
}

void WipeTemplate(Template& tmpl) {
  for (auto& [attr, value] : tmpl) OPENSSL_cleanse(value.data(), value.size());
}

}  // namespace tessera::p11
