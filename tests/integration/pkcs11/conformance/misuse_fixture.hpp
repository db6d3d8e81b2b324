// MisuseTest: NULL pointers and absurd lengths, as tables. Each row calls
// one function wrongly in a fresh session of its own (so a row that leaves
// an operation behind cannot disturb the next) and names the CK_RVs the
// spec allows; the dev preset's ASan and UBSan turn any crash or stray
// read or write into a failure of the whole binary. The fixture holds a
// card P-256 key in 9A (CKA_ID 01) and session keys created by the user.
// One test thread.
#pragma once

#include <functional>
#include <vector>

#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"

namespace tessera::testing::conformance {

struct MisuseCase {
  const char* what;
  std::function<CK_RV(CK_SESSION_HANDLE)> call;
  std::vector<CK_RV> accepted;
};

class MisuseTest : public ConformanceTest {
 protected:
  void SetUp() override;
  // Runs every row in a new R/W session (the user stays logged in).
  void Run(const std::vector<MisuseCase>& cases);

  CK_SESSION_HANDLE keeper_ = CK_INVALID_HANDLE;  // owns the session keys
  CK_OBJECT_HANDLE ec_priv_ = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE ec_pub_ = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE aes_ = CK_INVALID_HANDLE;     // CKA_ENCRYPT, CKA_WRAP, CKA_UNWRAP
  CK_OBJECT_HANDLE secret_ = CK_INVALID_HANDLE;  // generic, CKA_DERIVE, extractable
  Bytes cert_;                                   // a certificate the test may offer the token
};

}  // namespace tessera::testing::conformance
