// CipherTest: a user session and the encrypt/decrypt calls the cipher tests
// repeat, each following the §5.2 two-call pattern (length, then data) and
// reporting every CK_RV through GoogleTest. Mechanism parameters are built
// by the Mechanism helpers, which own their bytes. One test thread.
#pragma once

#include <deque>

#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"

namespace tessera::testing::conformance {

// A CK_MECHANISM with owned parameter bytes (copy the struct into `params`).
class Mechanism {
 public:
  explicit Mechanism(CK_MECHANISM_TYPE type) : m_{type, nullptr, 0} {}
  template <typename T>
  Mechanism(CK_MECHANISM_TYPE type, const T& params) : m_{type, nullptr, 0} {
    SetParams(&params, sizeof params);
  }
  Mechanism(CK_MECHANISM_TYPE type, ByteView raw) : m_{type, nullptr, 0} {
    SetParams(raw.data(), raw.size());
  }
  Mechanism(const Mechanism&) = delete;
  Mechanism& operator=(const Mechanism&) = delete;
  CK_MECHANISM* get() { return &m_; }
  // Keeps `bytes` alive as long as the mechanism (GCM IV and AAD pointers).
  CK_BYTE* Keep(ByteView bytes);

 private:
  void SetParams(const void* data, std::size_t size);
  CK_MECHANISM m_;
  std::deque<Bytes> owned_;
};

// CK_GCM_PARAMS for a 12-byte IV, the AAD and a 128-bit tag.
void GcmMechanism(Mechanism& m, ByteView iv, ByteView aad, CK_ULONG tag_bits = 128);

// A read-write user session: the tests here are about the cryptography, and
// read-only sessions have their own tests (session_object_test.cpp).
class CipherTest : public ConformanceTest {
 protected:
  void SetUp() override;

  // A session secret key with the given value and CKA_ENCRYPT/DECRYPT true.
  CK_OBJECT_HANDLE CipherKey(CK_KEY_TYPE type, const Bytes& value);
  // C_EncryptInit + C_Encrypt (length query first).
  Bytes Encrypt(Mechanism& m, CK_OBJECT_HANDLE key, const Bytes& plain);
  // C_EncryptInit + C_EncryptUpdate in `chunk`-byte parts + C_EncryptFinal.
  Bytes EncryptInParts(Mechanism& m, CK_OBJECT_HANDLE key, const Bytes& plain, std::size_t chunk);
  Bytes Decrypt(Mechanism& m, CK_OBJECT_HANDLE key, const Bytes& cipher);
  Bytes DecryptInParts(Mechanism& m, CK_OBJECT_HANDLE key, const Bytes& cipher, std::size_t chunk);
  // The CK_RV of a one-shot C_Decrypt after a successful init.
  CK_RV DecryptRv(Mechanism& m, CK_OBJECT_HANDLE key, const Bytes& cipher);

  CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
};

}  // namespace tessera::testing::conformance
