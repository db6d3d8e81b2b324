#include "pkcs11/model/attributes.hpp"

#include <cstring>

namespace tessera::p11 {

Bytes UlongValue(unsigned long v) {
  Bytes out(sizeof v);
  std::memcpy(out.data(), &v, sizeof v);
  return out;
}

Bytes BoolValue(bool v) { return Bytes{static_cast<std::uint8_t>(v ? 1 : 0)}; }

std::optional<unsigned long> AsUlong(ByteView value) {
  unsigned long v = 0;
  if (value.size() != sizeof v) return std::nullopt;
  std::memcpy(&v, value.data(), sizeof v);
  return v;
}

std::optional<bool> AsBool(ByteView value) {
  if (value.size() != 1) return std::nullopt;
  return value[0] != 0;
}

bool IsSecretKeyType(KeyType type) {
  return type == KeyType::kGenericSecret || type == KeyType::kAes || type == KeyType::kDes3;
}

std::string_view AttrName(Attr attr) {
  switch (attr) {
    case Attr::kClass: return "CKA_CLASS";
    case Attr::kToken: return "CKA_TOKEN";
    case Attr::kPrivate: return "CKA_PRIVATE";
    case Attr::kLabel: return "CKA_LABEL";
    case Attr::kValue: return "CKA_VALUE";
    case Attr::kKeyType: return "CKA_KEY_TYPE";
    case Attr::kId: return "CKA_ID";
    case Attr::kModulus: return "CKA_MODULUS";
    case Attr::kEcParams: return "CKA_EC_PARAMS";
    case Attr::kEcPoint: return "CKA_EC_POINT";
    default: return "CKA_(other)";
  }
}

}  // namespace tessera::p11
