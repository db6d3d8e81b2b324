#include "pkcs11/core/object.hpp"

#include <openssl/crypto.h>

#include <algorithm>

namespace tessera::p11 {

Object::~Object() {
  if (cls != ObjectClass::kSecretKey) return;
  auto it = attrs.find(Attr::kValue);
  if (it != attrs.end()) OPENSSL_cleanse(it->second.data(), it->second.size());
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

namespace {

// A secret key the application made readable (CKA_SENSITIVE false,
// CKA_EXTRACTABLE true) shows its value; other key material never does.
bool Hidden(const Object& object, Attr attr) {
  if (!RuleFor(object.cls, attr).secret) return false;
  if (object.cls == ObjectClass::kSecretKey) {
    return object.Flag(Attr::kSensitive) || !object.Flag(Attr::kExtractable);
  }
  return true;
}

}  // namespace

void Object::KeepPublicKey(EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_up_ref(key) != 1) return;
  public_key = std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

bool Matches(const Object& object, const Template& tmpl) {
  return std::all_of(tmpl.begin(), tmpl.end(), [&](const auto& wanted) {
    if (Hidden(object, wanted.first)) return false;
    auto have = object.Get(wanted.first);
    return have &&
           std::equal(have->begin(), have->end(), wanted.second.begin(), wanted.second.end());
  });
}

std::optional<ByteView> FindIn(const Template& tmpl, Attr attr) {
  for (const auto& [a, v] : tmpl) {
    if (a == attr) return ByteView(v);
  }
  return std::nullopt;
}

AttrRead ReadAttribute(const Object& object, Attr attr, ByteView* value) {
  if (Hidden(object, attr) && object.Has(attr)) return AttrRead::kSensitive;
  auto v = object.Get(attr);
  if (!v) return AttrRead::kInvalid;
  *value = *v;
  return AttrRead::kValue;
}

}  // namespace tessera::p11
