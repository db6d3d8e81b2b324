// Signatures made with `pkcs11-tool --sign` verify with the openssl CLI, and
// `pkcs11-tool --decrypt` recovers what openssl encrypted with RSA-OAEP: the
// module's padding and encodings agree with an independent implementation.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/pkcs11/tool_fixture.hpp"

namespace tessera::testing {
namespace {

enum class Check { kDgst, kDgstPss, kEd25519 };

struct SignCase {
  const char* name;
  const char* key_type;
  CK_BYTE id;
  const char* mechanism;  // pkcs11-tool -m
  bool der_signature;     // --signature-format openssl: ECDSA as DER, as openssl wants it
  Check check;
};

const SignCase kSignCases[] = {
    {"EcdsaSha256P256", "EC:prime256v1", 0x01, "ECDSA-SHA256", true, Check::kDgst},
    // 9C: pkcs11-tool gives the PIN again (CKU_CONTEXT_SPECIFIC) before the signature.
    {"EcdsaSha256P384InTheSignatureSlot", "EC:secp384r1", 0x02, "ECDSA-SHA256", true, Check::kDgst},
    {"Sha256RsaPkcs", "rsa:2048", 0x03, "SHA256-RSA-PKCS", false, Check::kDgst},
    {"Sha256RsaPkcsPss", "rsa:3072", 0x04, "SHA256-RSA-PKCS-PSS", false, Check::kDgstPss},
    {"Eddsa", "EC:edwards25519", 0x05, "EDDSA", false, Check::kEd25519},
};

std::string CaseName(const ::testing::TestParamInfo<SignCase>& param) { return param.param.name; }

class ToolSignTest : public ToolTest, public ::testing::WithParamInterface<SignCase> {
 protected:
  // openssl's verification of `signature` over `message` with `pem`.
  CommandResult Verify(const SignCase& c, const std::filesystem::path& pem,
                       const std::filesystem::path& message,
                       const std::filesystem::path& signature) {
    if (c.check == Check::kEd25519) {
      return Openssl({"pkeyutl", "-verify", "-pubin", "-inkey", pem, "-rawin", "-in", message,
                      "-sigfile", signature});
    }
    std::vector<std::string> args = {"dgst", "-sha256", "-verify", pem, "-signature", signature};
    if (c.check == Check::kDgstPss) {
      // pkcs11-tool's PSS salt is the hash's length; -1 says the same.
      args.insert(args.end(), {"-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1",
                               "-sigopt", "rsa_mgf1_md:sha256"});
    }
    args.push_back(message);
    return Openssl(args);
  }
};

TEST_P(ToolSignTest, SignsWhatTheOpensslCliVerifies) {
  const SignCase& c = GetParam();
  ASSERT_NO_FATAL_FAILURE(GenerateKey(c.key_type, c.id));
  const std::string text = "Tessera: the quick brown fox signs with " + std::string(c.name);
  const std::filesystem::path message = File("message.txt");
  ASSERT_NO_FATAL_FAILURE(WriteFile(
      message, ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())));
  const std::filesystem::path signature = File("signature.bin");

  std::vector<std::string> sign = {"--sign",       "-m",    c.mechanism,     "--id",   IdHex(c.id),
                                   "--input-file", message, "--output-file", signature};
  if (c.der_signature) sign.insert(sign.end(), {"--signature-format", "openssl"});
  CommandResult sign_run = UserTool(sign);
  ASSERT_EQ(sign_run.exit_code, 0) << sign_run.output;
  ASSERT_FALSE(ReadBytes(signature).empty());

  const std::filesystem::path pem = PublicKeyPem(c.id);
  ASSERT_FALSE(pem.empty());
  CommandResult verified = Verify(c, pem, message, signature);
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(verified.output.find(c.check == Check::kEd25519 ? "Signature Verified Successfully"
                                                            : "Verified OK"),
            std::string::npos)
      << verified.output;

  // The same signature over another message must fail: the check above is real.
  const std::filesystem::path other = File("other.txt");
  ASSERT_NO_FATAL_FAILURE(WriteFile(other, Bytes{'n', 'o', 't', ' ', 'i', 't'}));
  CommandResult forged = Verify(c, pem, other, signature);
  EXPECT_NE(forged.exit_code, 0) << forged.output;
}

INSTANTIATE_TEST_SUITE_P(Mechanisms, ToolSignTest, ::testing::ValuesIn(kSignCases), CaseName);

TEST_F(ToolTest, DecryptsWhatOpensslEncryptedWithOaepSha256) {
  ASSERT_NO_FATAL_FAILURE(GenerateKey("rsa:2048", 0x03));
  const std::filesystem::path pem = PublicKeyPem(0x03);
  ASSERT_FALSE(pem.empty());
  const std::string text = "key transport for the Tessera token";
  const Bytes plain(text.begin(), text.end());
  ASSERT_NO_FATAL_FAILURE(WriteFile(File("plain.bin"), plain));

  CommandResult encrypted =
      Openssl({"pkeyutl", "-encrypt", "-pubin", "-inkey", pem, "-in", File("plain.bin"), "-out",
               File("cipher.bin"), "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt",
               "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256"});
  ASSERT_EQ(encrypted.exit_code, 0) << encrypted.output;
  ASSERT_EQ(ReadBytes(File("cipher.bin")).size(), 256u);

  CommandResult decrypted = UserTool(
      {"--decrypt", "-m", "RSA-PKCS-OAEP", "--hash-algorithm", "SHA256", "--mgf", "MGF1-SHA256",
       "--id", "03", "--input-file", File("cipher.bin"), "--output-file", File("decrypted.bin")});
  ASSERT_EQ(decrypted.exit_code, 0) << decrypted.output;
  EXPECT_EQ(ReadBytes(File("decrypted.bin")), plain) << decrypted.output;
}

}  // namespace
}  // namespace tessera::testing
