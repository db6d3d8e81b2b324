#include "tests/integration/pkcs11/conformance/cipher_fixture.hpp"

#include <cstring>

#include "tests/integration/pkcs11/conformance/object_templates.hpp"

namespace tessera::testing::conformance {

CK_BYTE* Mechanism::Keep(ByteView bytes) {
  Bytes& kept = owned_.emplace_back(bytes.begin(), bytes.end());
  return kept.empty() ? nullptr : kept.data();
}

void Mechanism::SetParams(const void* data, std::size_t size) {
  Bytes& kept = owned_.emplace_back(size);
  if (size != 0) std::memcpy(kept.data(), data, size);
  m_.pParameter = kept.empty() ? nullptr : kept.data();
  m_.ulParameterLen = kept.size();
}

void GcmMechanism(Mechanism& m, ByteView iv, ByteView aad, CK_ULONG tag_bits) {
  CK_GCM_PARAMS p{};
  p.pIv = m.Keep(iv);
  p.ulIvLen = iv.size();
  p.ulIvBits = iv.size() * 8;
  p.pAAD = m.Keep(aad);
  p.ulAADLen = aad.size();
  p.ulTagBits = tag_bits;
  Bytes raw(sizeof p);
  std::memcpy(raw.data(), &p, sizeof p);
  CK_MECHANISM* mech = m.get();
  mech->pParameter = m.Keep(raw);
  mech->ulParameterLen = sizeof p;
}

void CipherTest::SetUp() {
  ConformanceTest::SetUp();
  if (!HasFatalFailure()) session_ = UserSession(true);
}

CK_OBJECT_HANDLE CipherTest::CipherKey(CK_KEY_TYPE type, const Bytes& value) {
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  EXPECT_THAT(
      Create(session_, SecretKey(type, value).Bool(CKA_ENCRYPT, true).Bool(CKA_DECRYPT, true), &h),
      IsRv(CKR_OK));
  return h;
}

Bytes CipherTest::Encrypt(Mechanism& m, CK_OBJECT_HANDLE key, const Bytes& plain) {
  Bytes in = plain;
  EXPECT_THAT(f()->C_EncryptInit(session_, m.get(), key), IsRv(CKR_OK));
  CK_ULONG len = 0;
  EXPECT_THAT(f()->C_Encrypt(session_, in.data(), in.size(), nullptr, &len), IsRv(CKR_OK));
  Bytes out(len);
  EXPECT_THAT(f()->C_Encrypt(session_, in.data(), in.size(), out.data(), &len), IsRv(CKR_OK));
  out.resize(std::min<std::size_t>(len, out.size()));
  return out;
}

Bytes CipherTest::EncryptInParts(Mechanism& m, CK_OBJECT_HANDLE key, const Bytes& plain,
                                 std::size_t chunk) {
  Bytes in = plain;
  Bytes out;
  EXPECT_THAT(f()->C_EncryptInit(session_, m.get(), key), IsRv(CKR_OK));
  for (std::size_t at = 0; at < in.size(); at += chunk) {
    const std::size_t n = std::min(chunk, in.size() - at);
    Bytes part(n + 32);
    CK_ULONG len = part.size();
    EXPECT_THAT(f()->C_EncryptUpdate(session_, in.data() + at, n, part.data(), &len), IsRv(CKR_OK));
    part.resize(std::min<std::size_t>(len, part.size()));
    Append(out, part);
  }
  Bytes last(64);
  CK_ULONG len = last.size();
  EXPECT_THAT(f()->C_EncryptFinal(session_, last.data(), &len), IsRv(CKR_OK));
  last.resize(std::min<std::size_t>(len, last.size()));
  Append(out, last);
  return out;
}

Bytes CipherTest::Decrypt(Mechanism& m, CK_OBJECT_HANDLE key, const Bytes& cipher) {
  Bytes in = cipher;
  EXPECT_THAT(f()->C_DecryptInit(session_, m.get(), key), IsRv(CKR_OK));
  CK_ULONG len = 0;
  EXPECT_THAT(f()->C_Decrypt(session_, in.data(), in.size(), nullptr, &len), IsRv(CKR_OK));
  Bytes out(len);
  EXPECT_THAT(f()->C_Decrypt(session_, in.data(), in.size(), out.data(), &len), IsRv(CKR_OK));
  out.resize(std::min<std::size_t>(len, out.size()));
  return out;
}

Bytes CipherTest::DecryptInParts(Mechanism& m, CK_OBJECT_HANDLE key, const Bytes& cipher,
                                 std::size_t chunk) {
  Bytes in = cipher;
  Bytes out;
  EXPECT_THAT(f()->C_DecryptInit(session_, m.get(), key), IsRv(CKR_OK));
  for (std::size_t at = 0; at < in.size(); at += chunk) {
    const std::size_t n = std::min(chunk, in.size() - at);
    Bytes part(n + 32);
    CK_ULONG len = part.size();
    EXPECT_THAT(f()->C_DecryptUpdate(session_, in.data() + at, n, part.data(), &len), IsRv(CKR_OK));
    part.resize(std::min<std::size_t>(len, part.size()));
    Append(out, part);
  }
  Bytes last(in.size() + 64);
  CK_ULONG len = last.size();
  EXPECT_THAT(f()->C_DecryptFinal(session_, last.data(), &len), IsRv(CKR_OK));
  last.resize(std::min<std::size_t>(len, last.size()));
  Append(out, last);
  return out;
}

CK_RV CipherTest::DecryptRv(Mechanism& m, CK_OBJECT_HANDLE key, const Bytes& cipher) {
  Bytes in = cipher;
  EXPECT_THAT(f()->C_DecryptInit(session_, m.get(), key), IsRv(CKR_OK));
  Bytes out(in.size() + 32);
  CK_ULONG len = out.size();
  return f()->C_Decrypt(session_, in.data(), in.size(), out.data(), &len);
}

}  // namespace tessera::testing::conformance
