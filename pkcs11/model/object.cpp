#include "pkcs11/model/object.hpp"

#include <openssl/crypto.h>

#include <algorithm>

#include "pkcs11/model/attribute_rules.hpp"

namespace tessera::p11 {

Object::~Object() {
  if (cls != ObjectClass::kSecretKey && cls != ObjectClass::kPrivateKey) return;
  for (auto& [attr, value] : attrs) {
    if (RuleFor(cls, attr, key_type()).secret) OPENSSL_cleanse(value.data(), value.size());
  }
}

std::optional<ByteView> Object::Get(Attr a) const {
  auto it = attrs.find(a);
  if (it == attrs.end()) return std::nullopt;
  return ByteView(it->second);
}

bool Object::Flag(Attr a) const {
  auto v = Get(a);
  return v && AsBool(*v).value_or(false);
}

std::optional<KeyType> Object::key_type() const {
  auto v = Get(Attr::kKeyType);
  if (!v) return std::nullopt;
  auto u = AsUlong(*v);
  if (!u) return std::nullopt;
  return static_cast<KeyType>(*u);
}

// A key the application made readable (CKA_SENSITIVE false, CKA_EXTRACTABLE
// true) shows its material; card keys are always sensitive.
bool IsHidden(const Object& object, Attr attr) {
  if (!RuleFor(object.cls, attr, object.key_type()).secret) return false;
  return object.Flag(Attr::kSensitive) || !object.Flag(Attr::kExtractable);
}

void Object::KeepPublicKey(EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_up_ref(key) != 1) return;
  public_key = std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

bool Matches(const Object& object, const Template& tmpl) {
  return std::all_of(tmpl.begin(), tmpl.end(), [&](const auto& wanted) {
    if (IsHidden(object, wanted.first)) return false;
    auto have = object.Get(wanted.first);
    return have &&
           std::equal(have->begin(), have->end(), wanted.second.begin(), wanted.second.end());
  });
}

std::optional<ByteView> FindIn(const Template& tmpl, Attr attr) {
  // A template that names an attribute twice means the last one, as
  // applying the template in order does.
  for (auto it = tmpl.rbegin(); it != tmpl.rend(); ++it) {
    if (it->first == attr) return ByteView(it->second);
  }
  return std::nullopt;
}

AttrRead ReadAttribute(const Object& object, Attr attr, ByteView* value) {
  if (IsHidden(object, attr) && object.Has(attr)) return AttrRead::kSensitive;
  auto v = object.Get(attr);
  if (!v) return AttrRead::kInvalid;
  *value = *v;
  return AttrRead::kValue;
}

}  // namespace tessera::p11
