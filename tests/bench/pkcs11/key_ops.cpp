#include "tests/bench/pkcs11/key_ops.hpp"

#include <deque>
#include <vector>

namespace tessera::bench {
namespace {

// An attribute template that owns its scalar values.
class Template {
 public:
  Template& Bool(CK_ATTRIBUTE_TYPE type, bool value) {
    bools_.push_back(value ? CK_TRUE : CK_FALSE);
    return Add(type, &bools_.back(), sizeof(CK_BBOOL));
  }
  Template& Ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value) {
    ulongs_.push_back(value);
    return Add(type, &ulongs_.back(), sizeof(CK_ULONG));
  }
  Template& Value(CK_ATTRIBUTE_TYPE type, ByteView value) {
    return Add(type, const_cast<std::uint8_t*>(value.data()), value.size());
  }
  CK_ATTRIBUTE* data() { return attrs_.data(); }
  CK_ULONG size() const { return attrs_.size(); }

 private:
  Template& Add(CK_ATTRIBUTE_TYPE type, void* value, CK_ULONG len) {
    attrs_.push_back(CK_ATTRIBUTE{type, value, len});
    return *this;
  }
  // Deques: the attributes point into them, and push_back moves nothing.
  std::deque<CK_BBOOL> bools_;
  std::deque<CK_ULONG> ulongs_;
  std::vector<CK_ATTRIBUTE> attrs_;
};

void AddUse(Template& t, SecretUse use) {
  switch (use) {
    case SecretUse::kMac: t.Bool(CKA_SIGN, true).Bool(CKA_VERIFY, true); break;
    case SecretUse::kCipher: t.Bool(CKA_ENCRYPT, true).Bool(CKA_DECRYPT, true); break;
    case SecretUse::kUnwrap: t.Bool(CKA_UNWRAP, true); break;
  }
}

}  // namespace

Result<CK_OBJECT_HANDLE> CreateSecretKey(P11Session& s, CK_KEY_TYPE type, ByteView value,
                                         bool token, SecretUse use) {
  Template t;
  t.Ulong(CKA_CLASS, CKO_SECRET_KEY)
      .Ulong(CKA_KEY_TYPE, type)
      .Bool(CKA_TOKEN, token)
      .Bool(CKA_PRIVATE, true)
      .Bool(CKA_SENSITIVE, true)
      .Bool(CKA_EXTRACTABLE, false)
      .Value(CKA_VALUE, value);
  AddUse(t, use);
  CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
  if (CK_RV rv = s.fn()->C_CreateObject(s.handle(), t.data(), t.size(), &key); rv != CKR_OK) {
    return P11Error("C_CreateObject", rv);
  }
  return key;
}

Result<CK_OBJECT_HANDLE> FindById(P11Session& s, CK_OBJECT_CLASS cls, ByteView id) {
  Template t;
  t.Ulong(CKA_CLASS, cls).Value(CKA_ID, id);
  if (CK_RV rv = s.fn()->C_FindObjectsInit(s.handle(), t.data(), t.size()); rv != CKR_OK) {
    return P11Error("C_FindObjectsInit", rv);
  }
  CK_OBJECT_HANDLE found[2] = {CK_INVALID_HANDLE, CK_INVALID_HANDLE};
  CK_ULONG count = 0;
  CK_RV rv = s.fn()->C_FindObjects(s.handle(), found, 2, &count);
  (void)s.fn()->C_FindObjectsFinal(s.handle());
  if (rv != CKR_OK) return P11Error("C_FindObjects", rv);
  if (count != 1) {
    return Status::NotFound("C_FindObjects: " + std::to_string(count) + " objects with CKA_ID " +
                            ToHex(id) + ", expected one");
  }
  return found[0];
}

Result<Bytes> GetAttribute(P11Session& s, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE a{type, nullptr, 0};
  if (CK_RV rv = s.fn()->C_GetAttributeValue(s.handle(), object, &a, 1); rv != CKR_OK) {
    return P11Error("C_GetAttributeValue", rv);
  }
  Bytes value(a.ulValueLen);
  a.pValue = value.data();
  if (CK_RV rv = s.fn()->C_GetAttributeValue(s.handle(), object, &a, 1); rv != CKR_OK) {
    return P11Error("C_GetAttributeValue", rv);
  }
  value.resize(a.ulValueLen);
  return value;
}

Result<std::string> TokenSerial(const P11Module& module, CK_SLOT_ID slot) {
  CK_TOKEN_INFO info{};
  if (CK_RV rv = module.fn()->C_GetTokenInfo(slot, &info); rv != CKR_OK) {
    return P11Error("C_GetTokenInfo", rv);
  }
  std::string serial(reinterpret_cast<const char*>(info.serialNumber), sizeof info.serialNumber);
  serial.erase(serial.find_last_not_of(' ') + 1);
  return serial;
}

Status Mac(P11Session& s, CK_MECHANISM_TYPE mechanism, CK_OBJECT_HANDLE key, ByteView data,
           Bytes& out) {
  CK_MECHANISM m{mechanism, nullptr, 0};
  if (CK_RV rv = s.fn()->C_SignInit(s.handle(), &m, key); rv != CKR_OK) {
    return P11Error("C_SignInit", rv);
  }
  out.resize(64);
  CK_ULONG len = out.size();
  CK_RV rv = s.fn()->C_Sign(s.handle(), const_cast<CK_BYTE_PTR>(data.data()), data.size(),
                            out.data(), &len);
  if (rv != CKR_OK) return P11Error("C_Sign", rv);
  out.resize(len);
  return Status::Ok();
}

Status AesGcmEncrypt(P11Session& s, CK_OBJECT_HANDLE key, ByteView iv, ByteView data, Bytes& out) {
  CK_GCM_PARAMS params{};
  params.pIv = const_cast<CK_BYTE_PTR>(iv.data());
  params.ulIvLen = iv.size();
  params.ulIvBits = 8 * iv.size();
  params.ulTagBits = 128;
  CK_MECHANISM m{CKM_AES_GCM, &params, sizeof params};
  if (CK_RV rv = s.fn()->C_EncryptInit(s.handle(), &m, key); rv != CKR_OK) {
    return P11Error("C_EncryptInit", rv);
  }
  out.resize(data.size() + 16);
  CK_ULONG len = out.size();
  CK_RV rv = s.fn()->C_Encrypt(s.handle(), const_cast<CK_BYTE_PTR>(data.data()), data.size(),
                               out.data(), &len);
  if (rv != CKR_OK) return P11Error("C_Encrypt", rv);
  out.resize(len);
  return Status::Ok();
}

Result<CK_OBJECT_HANDLE> UnwrapPrivateKey(P11Session& s, CK_MECHANISM mechanism,
                                          CK_OBJECT_HANDLE unwrapping_key, ByteView blob,
                                          CK_KEY_TYPE key_type, ByteView id) {
  Template t;
  t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY)
      .Ulong(CKA_KEY_TYPE, key_type)
      .Bool(CKA_TOKEN, true)
      .Bool(CKA_PRIVATE, true)
      .Bool(CKA_SENSITIVE, true)
      .Bool(CKA_SIGN, true)
      .Value(CKA_ID, id);
  CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
  CK_RV rv = s.fn()->C_UnwrapKey(s.handle(), &mechanism, unwrapping_key,
                                 const_cast<CK_BYTE_PTR>(blob.data()), blob.size(), t.data(),
                                 t.size(), &key);
  if (rv != CKR_OK) return P11Error("C_UnwrapKey", rv);
  return key;
}

Status DestroyObject(P11Session& s, CK_OBJECT_HANDLE object) {
  if (CK_RV rv = s.fn()->C_DestroyObject(s.handle(), object); rv != CKR_OK) {
    return P11Error("C_DestroyObject", rv);
  }
  return Status::Ok();
}

}  // namespace tessera::bench
