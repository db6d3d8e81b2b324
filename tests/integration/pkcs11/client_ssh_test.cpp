// OpenSSH's ssh-keygen -D: the token's public keys in OpenSSH format.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/pkcs11/client_support.hpp"

namespace tessera::testing {
namespace {

class SshKeygenTest : public ClientTest {
 protected:
  // "<type> <base64>" of the token's key `id_hex`, from its SPKI read
  // through the engine and converted by ssh-keygen -i.
  std::string ExpectedKey(std::string_view id_hex) {
    const auto pem = File("pub" + std::string(id_hex) + ".pem");
    ReadPublicKeyWithEngine(id_hex, pem);
    CommandResult r = Run({"ssh-keygen", "-i", "-m", "PKCS8", "-f", pem.string()});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return KeyOf(r.output);
  }

  // A line's key, "<type> <base64>", without its comment.
  static std::string KeyOf(const std::string& line) {
    std::istringstream in(line);
    std::string type, blob;
    in >> type >> blob;
    return type + " " + blob;
  }
  // The lines of ssh-keygen -D's output that hold a key.
  static std::vector<std::string> KeyLines(const std::string& output) {
    std::vector<std::string> lines;
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("ecdsa-sha2-", 0) == 0 || line.rfind("ssh-rsa ", 0) == 0) {
        lines.push_back(line);
      }
    }
    return lines;
  }
  // The key lines without the token's own: every Tessera token has the token
  // key F0 (seed 000) and the attestation certificate F9, and OpenSSH lists
  // every public key and certificate, signing or not.
  static std::vector<std::string> UserKeyLines(const std::string& output) {
    std::vector<std::string> lines = KeyLines(output);
    std::erase_if(lines, [](const std::string& l) {
      return l.find(kTokenKeyLabel) != l.npos || l.find(kAttestationSubject) != l.npos;
    });
    return lines;
  }
  static constexpr std::string_view kTokenKeyLabel = "Public key for Token Key";
  static constexpr std::string_view kAttestationSubject = "Tessera PIV Attestation";
};

TEST_F(SshKeygenTest, ListsEveryKeyOnTheTokenWithoutALogin) {
  ASSERT_NO_FATAL_FAILURE(GenerateKey(kAuthKeyId, "EC:secp384r1"));  // 9A
  ASSERT_NO_FATAL_FAILURE(GenerateKey("04"));                        // 9E, Card Authentication

  CommandResult r = Run({"ssh-keygen", "-D", ModulePath().string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(KeyLines(r.output).size(), 4u)
      << "the two keys, the token key F0 and the F9 certificate's key\n"
      << r.output;
  const std::vector<std::string> lines = UserKeyLines(r.output);
  ASSERT_EQ(lines.size(), 2u) << r.output;
  // In object order, each commented with its public key object's label.
  EXPECT_EQ(KeyOf(lines[0]), ExpectedKey(kAuthKeyId));
  EXPECT_NE(lines[0].find(kAuthPublicKeyLabel), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].rfind("ecdsa-sha2-nistp384 ", 0), 0u) << lines[0];
  EXPECT_EQ(KeyOf(lines[1]), ExpectedKey("04"));
  EXPECT_NE(lines[1].find("Public key for Card Authentication"), std::string::npos) << lines[1];
}

TEST_F(SshKeygenTest, ListsAKeyWithACertificateOnce) {
  ASSERT_NO_FATAL_FAILURE(ProvisionAuthKeyWithCertificate(File("cert.pem")));

  CommandResult r = Run({"ssh-keygen", "-D", ModulePath().string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<std::string> lines = UserKeyLines(r.output);
  ASSERT_EQ(lines.size(), 1u) << r.output;
  EXPECT_EQ(KeyOf(lines[0]), ExpectedKey(kAuthKeyId));
}

// A new token holds only its own keys: the token key F0 (listed once with
// its attestation statement) and the F9 certificate's key. Neither signs
// for SSH; a server never sees them unless they are in authorized_keys.
TEST_F(SshKeygenTest, ListsOnlyTheTokensOwnKeysOnAFreshToken) {
  CommandResult r = Run({"ssh-keygen", "-D", ModulePath().string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(KeyLines(r.output).size(), 2u) << r.output;
  EXPECT_TRUE(UserKeyLines(r.output).empty()) << r.output;
  EXPECT_NE(r.output.find(kTokenKeyLabel), std::string::npos) << r.output;
}

}  // namespace
}  // namespace tessera::testing
