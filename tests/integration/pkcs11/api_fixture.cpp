#include "tests/integration/pkcs11/api_fixture.hpp"

#include <cstdlib>
#include <cstring>

namespace tessera::testing {

Bytes P256Params() { return HexOrDie("06082A8648CE3D030107"); }
Bytes P384Params() { return HexOrDie("06052B81040022"); }
Bytes Ed25519Params() { return HexOrDie("06032B6570"); }
Bytes X25519Params() { return HexOrDie("06032B656E"); }

AttrList& AttrList::Ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value) {
  Bytes b(sizeof value);
  std::memcpy(b.data(), &value, sizeof value);
  return Value(type, b);
}

AttrList& AttrList::Bool(CK_ATTRIBUTE_TYPE type, bool value) {
  const Bytes b{static_cast<std::uint8_t>(value ? CK_TRUE : CK_FALSE)};
  return Value(type, b);
}

AttrList& AttrList::Value(CK_ATTRIBUTE_TYPE type, ByteView value) {
  Bytes& stored = values_.emplace_back(value.begin(), value.end());
  attrs_.push_back({type, stored.empty() ? nullptr : stored.data(), stored.size()});
  return *this;
}

void ApiTest::SetUp() { ASSERT_NO_FATAL_FAILURE(StartWith({})); }

void ApiTest::TearDown() { ::unsetenv("TESSERA_SIM_DIR"); }

void ApiTest::StartWith(const std::vector<std::string>& sim_args) {
  ASSERT_NO_FATAL_FAILURE(StartSim(sim_args));
  ASSERT_EQ(::setenv("TESSERA_SIM_DIR", run_dir().c_str(), 1), 0);
  ASSERT_TRUE(module_.ok());
  ASSERT_EQ(module_->C_Initialize(nullptr), CKR_OK);
  CK_ULONG count = 0;
  ASSERT_EQ(module_->C_GetSlotList(CK_TRUE, nullptr, &count), CKR_OK);
  ASSERT_EQ(count, 1u);
  ASSERT_EQ(module_->C_GetSlotList(CK_TRUE, &slot_, &count), CKR_OK);
}

void ApiTest::Reinitialize() {
  ASSERT_EQ(module_->C_Finalize(nullptr), CKR_OK);
  ASSERT_EQ(module_->C_Initialize(nullptr), CKR_OK);
  CK_ULONG count = 1;
  ASSERT_EQ(module_->C_GetSlotList(CK_TRUE, &slot_, &count), CKR_OK);
  ASSERT_EQ(count, 1u);
}

CK_SESSION_HANDLE ApiTest::Open(bool read_write) {
  CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
  const CK_FLAGS flags = CKF_SERIAL_SESSION | (read_write ? CKF_RW_SESSION : 0);
  EXPECT_EQ(module_->C_OpenSession(slot_, flags, nullptr, nullptr, &h), CKR_OK);
  return h;
}

CK_RV ApiTest::Login(CK_SESSION_HANDLE session, CK_USER_TYPE type, std::string_view pin) {
  std::string copy(pin);
  return module_->C_Login(session, type, reinterpret_cast<CK_UTF8CHAR*>(copy.data()), copy.size());
}

CK_SESSION_HANDLE ApiTest::UserSession() {
  CK_SESSION_HANDLE h = Open();
  EXPECT_EQ(Login(h, CKU_USER, kUserPin), CKR_OK);
  return h;
}

KeyPair ApiTest::Generate(CK_SESSION_HANDLE session, CK_MECHANISM_TYPE mechanism,
                          AttrList public_template, std::uint8_t id) {
  const Bytes id_bytes{id};
  public_template.Value(CKA_ID, id_bytes).Bool(CKA_TOKEN, true);
  AttrList private_template;
  private_template.Value(CKA_ID, id_bytes).Bool(CKA_TOKEN, true);
  CK_MECHANISM m{mechanism, nullptr, 0};
  KeyPair pair;
  EXPECT_EQ(module_->C_GenerateKeyPair(session, &m, public_template.data(), public_template.size(),
                                       private_template.data(), private_template.size(),
                                       &pair.public_key, &pair.private_key),
            CKR_OK);
  EXPECT_NE(pair.public_key, CK_INVALID_HANDLE);
  EXPECT_NE(pair.private_key, CK_INVALID_HANDLE);
  return pair;
}

KeyPair ApiTest::GenerateEc(CK_SESSION_HANDLE session, const Bytes& params, std::uint8_t id) {
  CK_MECHANISM_TYPE mechanism = CKM_EC_KEY_PAIR_GEN;
  if (params == Ed25519Params()) mechanism = CKM_EC_EDWARDS_KEY_PAIR_GEN;
  if (params == X25519Params()) mechanism = CKM_EC_MONTGOMERY_KEY_PAIR_GEN;
  AttrList pub;
  pub.Value(CKA_EC_PARAMS, params);
  return Generate(session, mechanism, std::move(pub), id);
}

KeyPair ApiTest::GenerateRsa(CK_SESSION_HANDLE session, CK_ULONG bits, std::uint8_t id) {
  AttrList pub;
  pub.Ulong(CKA_MODULUS_BITS, bits).Value(CKA_PUBLIC_EXPONENT, Bytes{1, 0, 1});
  return Generate(session, CKM_RSA_PKCS_KEY_PAIR_GEN, std::move(pub), id);
}

TokenKeyObjects ApiTest::TokenKey(CK_SESSION_HANDLE session) {
  TokenKeyObjects own;
  auto one = [&](CK_OBJECT_CLASS cls, std::uint8_t id) {
    AttrList t;
    t.Ulong(CKA_CLASS, cls).Value(CKA_ID, Bytes{id});
    std::vector<CK_OBJECT_HANDLE> found = Find(session, std::move(t));
    return found.size() == 1 ? found[0] : CK_INVALID_HANDLE;
  };
  own.private_key = one(CKO_PRIVATE_KEY, 0xF0);
  own.public_key = one(CKO_PUBLIC_KEY, 0xF0);
  own.attestation = one(CKO_CERTIFICATE, 0xF0);
  own.attestation_certificate = one(CKO_CERTIFICATE, 0xF9);
  return own;
}

std::vector<CK_OBJECT_HANDLE> ApiTest::Find(CK_SESSION_HANDLE session, AttrList tmpl) {
  std::vector<CK_OBJECT_HANDLE> found;
  EXPECT_EQ(module_->C_FindObjectsInit(session, tmpl.data(), tmpl.size()), CKR_OK);
  for (;;) {
    CK_OBJECT_HANDLE batch[3];
    CK_ULONG n = 0;
    EXPECT_EQ(module_->C_FindObjects(session, batch, 3, &n), CKR_OK);
    if (n == 0) break;
    found.insert(found.end(), batch, batch + n);
  }
  EXPECT_EQ(module_->C_FindObjectsFinal(session), CKR_OK);
  return found;
}

Bytes ApiTest::Attribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                         CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE a{type, nullptr, 0};
  EXPECT_EQ(module_->C_GetAttributeValue(session, object, &a, 1), CKR_OK)
      << "attribute 0x" << std::hex << type;
  if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION) return {};
  Bytes value(a.ulValueLen);
  a.pValue = value.data();
  EXPECT_EQ(module_->C_GetAttributeValue(session, object, &a, 1), CKR_OK);
  value.resize(a.ulValueLen);
  return value;
}

CK_ULONG ApiTest::UlongAttribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                 CK_ATTRIBUTE_TYPE type) {
  Bytes v = Attribute(session, object, type);
  CK_ULONG out = CK_UNAVAILABLE_INFORMATION;
  EXPECT_EQ(v.size(), sizeof out) << "attribute 0x" << std::hex << type;
  if (v.size() == sizeof out) std::memcpy(&out, v.data(), sizeof out);
  return out;
}

bool ApiTest::BoolAttribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                            CK_ATTRIBUTE_TYPE type) {
  Bytes v = Attribute(session, object, type);
  EXPECT_EQ(v.size(), 1u) << "attribute 0x" << std::hex << type;
  return v.size() == 1 && v[0] != CK_FALSE;
}

ossl::PkeyPtr ApiTest::PublicKey(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key) {
  Bytes spki = Attribute(session, key, CKA_PUBLIC_KEY_INFO);
  auto parsed = ossl::PublicKeyFromDer(spki);
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  return parsed.ok() ? std::move(parsed).value() : nullptr;
}

Bytes ApiTest::Sign(CK_SESSION_HANDLE session, CK_MECHANISM* mechanism, CK_OBJECT_HANDLE key,
                    ByteView data) {
  EXPECT_EQ(module_->C_SignInit(session, mechanism, key), CKR_OK);
  Bytes in(data.begin(), data.end());
  CK_ULONG len = 0;
  EXPECT_EQ(module_->C_Sign(session, in.data(), in.size(), nullptr, &len), CKR_OK);
  Bytes sig(len);
  EXPECT_EQ(module_->C_Sign(session, in.data(), in.size(), sig.data(), &len), CKR_OK);
  EXPECT_EQ(len, sig.size()) << "the size query and the signature agree";
  sig.resize(len);
  return sig;
}

Bytes ApiTest::SignInParts(CK_SESSION_HANDLE session, CK_MECHANISM* mechanism, CK_OBJECT_HANDLE key,
                           ByteView data, std::size_t chunk) {
  EXPECT_EQ(module_->C_SignInit(session, mechanism, key), CKR_OK);
  Bytes in(data.begin(), data.end());
  for (std::size_t at = 0; at < in.size(); at += chunk) {
    const std::size_t n = std::min(chunk, in.size() - at);
    EXPECT_EQ(module_->C_SignUpdate(session, in.data() + at, n), CKR_OK);
  }
  CK_ULONG len = 0;
  EXPECT_EQ(module_->C_SignFinal(session, nullptr, &len), CKR_OK);
  Bytes sig(len);
  EXPECT_EQ(module_->C_SignFinal(session, sig.data(), &len), CKR_OK);
  sig.resize(len);
  return sig;
}

CK_RV ApiTest::Verify(CK_SESSION_HANDLE session, CK_MECHANISM* mechanism, CK_OBJECT_HANDLE key,
                      ByteView data, ByteView signature) {
  CK_RV rv = module_->C_VerifyInit(session, mechanism, key);
  if (rv != CKR_OK) return rv;
  Bytes in(data.begin(), data.end());
  Bytes sig(signature.begin(), signature.end());
  return module_->C_Verify(session, in.data(), in.size(), sig.data(), sig.size());
}

CK_RV ApiTest::VerifyInParts(CK_SESSION_HANDLE session, CK_MECHANISM* mechanism,
                             CK_OBJECT_HANDLE key, ByteView data, ByteView signature,
                             std::size_t chunk) {
  CK_RV rv = module_->C_VerifyInit(session, mechanism, key);
  if (rv != CKR_OK) return rv;
  Bytes in(data.begin(), data.end());
  for (std::size_t at = 0; at < in.size(); at += chunk) {
    const std::size_t n = std::min(chunk, in.size() - at);
    rv = module_->C_VerifyUpdate(session, in.data() + at, n);
    if (rv != CKR_OK) return rv;
  }
  Bytes sig(signature.begin(), signature.end());
  return module_->C_VerifyFinal(session, sig.data(), sig.size());
}

}  // namespace tessera::testing
