// What Debian 12's libp11 0.4.12 engine cannot do with the module, pinned
// so that docs/pkcs11-clients.md ("OpenSSL with libp11's engine") stays
// true: it cannot enumerate a token's keys once the token holds an Ed25519
// key, so even the token's P-256 key is lost to it ("Unable to enumerate
// private keys"). SoftHSM2 fails the same way; GnuTLS and pkcs11-tool use
// the same token (gnutls_client_test.cpp).
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/clients/client_matrix.hpp"

namespace tessera::testing {
namespace {

using Libp11EngineTest = MatrixTest;

TEST_F(Libp11EngineTest, CannotEnumerateATokenThatHoldsAnEd25519Key) {
  ASSERT_NO_FATAL_FAILURE(GenerateKey(kAuthKeyId));
  // Before: the engine signs with the P-256 key.
  ASSERT_NO_FATAL_FAILURE(SelfSignWithEngine(kAuthKeyId, File("before.pem")));

  ASSERT_NO_FATAL_FAILURE(GenerateKey("04", "EC:edwards25519"));
  CommandResult r =
      RunWithEnv({"PKCS11_MODULE_PATH=" + ModulePath().string()},
                 {"openssl", "req", "-new", "-x509", "-days", "2", "-engine", "pkcs11", "-keyform",
                  "engine", "-key", ObjectUri(kAuthKeyId, "private", /*pin=*/true), "-subj",
                  "/CN=after", "-out", File("after.pem").string()});
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Unable to enumerate private keys"), std::string::npos) << r.output;

  // The module still lists and signs with both keys.
  r = Tool({"--sign", "--id", kAuthKeyId, "--mechanism", "ECDSA-SHA256", "--input-file",
            File("before.pem").string(), "--output-file", File("sig.bin").string()},
           /*login=*/true);
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace tessera::testing
