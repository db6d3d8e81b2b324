// The OCSP responder (CaService::AnswerOcsp) against requests made and
// answers checked by `openssl ocsp`: good, then revoked with its reason;
// nonce echoed; unknown serial; another issuer's CertID; malformed bytes;
// cached answers reused until the status changes.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "services/ca/issuance.hpp"
#include "services/ca/ocsp_request.hpp"
#include "tests/integration/services/ca/ca_fixture.hpp"

namespace tessera::ca::testing {
namespace {

using tessera::testing::ToolResult;

class CaOcspTest : public CaTest {
 protected:
  void SetUp() override {
    CaTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(InitCa("root"));
    ASSERT_NO_FATAL_FAILURE(InitCa("issuing", "root"));
    WriteFile(Work("chain.pem"),
              AsBytes(ReadFile(Work("issuing.pem")) + ReadFile(Work("root.pem"))));
    leaf_ = Issue("issuing", "user-signature", MakeCsr("user", "/CN=Alice Example"), "user");
  }

  // openssl ocsp -reqout with `args` (-issuer, -cert/-serial, -no_nonce...).
  Bytes Request(std::vector<std::string> args) {
    std::vector<std::string> argv = {"openssl", "ocsp", "-reqout", Work("req.der")};
    argv.insert(argv.end(), args.begin(), args.end());
    ToolResult made = Run(argv);
    EXPECT_EQ(made.exit_code, 0) << made.Describe();
    const std::string der = ReadFile(Work("req.der"));
    return Bytes(der.begin(), der.end());
  }

  Bytes Answer(const std::string& ca, ByteView request) {
    auto answer = Service().AnswerOcsp(ca, request);
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    if (!answer.ok()) return {};
    WriteFile(Work("resp.der"), answer->der);
    return answer->der;
  }

  // openssl ocsp -respin resp.der, verified against chain.pem.
  ToolResult Check(std::vector<std::string> args) {
    std::vector<std::string> argv = {"openssl",        "ocsp",    "-respin",
                                     Work("resp.der"), "-CAfile", Work("chain.pem")};
    argv.insert(argv.end(), args.begin(), args.end());
    return Run(argv);
  }

  std::string leaf_;
};

TEST_F(CaOcspTest, AnswersGoodThenRevokedWithReasonAfterRevocation) {
  const Bytes request = Request({"-issuer", Work("issuing.pem"), "-cert", leaf_, "-no_nonce"});
  Answer("issuing", request);
  ToolResult good = Check({"-issuer", Work("issuing.pem"), "-cert", leaf_, "-no_nonce"});
  EXPECT_EQ(good.exit_code, 0) << good.Describe();
  EXPECT_NE(good.err.find("Response verify OK"), std::string::npos) << good.Describe();
  EXPECT_NE(good.out.find(leaf_ + ": good"), std::string::npos) << good.Describe();

  ToolResult revoked = Tessera({"ca", "revoke", "--ca", "issuing", "--serial", SerialOf(leaf_),
                                "--reason", "keyCompromise"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.Describe();
  Answer("issuing", request);
  ToolResult after = Check({"-issuer", Work("issuing.pem"), "-cert", leaf_, "-no_nonce"});
  EXPECT_EQ(after.exit_code, 0) << after.Describe();
  EXPECT_NE(after.err.find("Response verify OK"), std::string::npos) << after.Describe();
  EXPECT_NE(after.out.find(leaf_ + ": revoked"), std::string::npos) << after.Describe();
  EXPECT_NE(after.out.find("Reason: keyCompromise"), std::string::npos) << after.Describe();
}

TEST_F(CaOcspTest, CachedAnswerIsReusedUntilTheStatusChanges) {
  const Bytes request = Request({"-issuer", Work("issuing.pem"), "-cert", leaf_, "-no_nonce"});
  const Bytes first = Answer("issuing", request);
  const Bytes second = Answer("issuing", request);
  EXPECT_EQ(first, second);  // the same signed bytes: no second HSM signature
  auto revoked = Service().Revoke(RevokeRequest{"issuing", *ParseSerialHex(SerialOf(leaf_)), 4},
                                  Actor{"test", "t1"});
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  const Bytes third = Answer("issuing", request);
  EXPECT_NE(third, first);
  ToolResult after = Check({"-issuer", Work("issuing.pem"), "-cert", leaf_, "-no_nonce"});
  EXPECT_NE(after.out.find("Reason: superseded"), std::string::npos) << after.Describe();
}

TEST_F(CaOcspTest, NonceIsEchoedAndAnswersWithANonceAreFresh) {
  const Bytes request = Request({"-issuer", Work("issuing.pem"), "-cert", leaf_});
  const Bytes first = Answer("issuing", request);
  ToolResult checked = Run({"openssl", "ocsp", "-reqin", Work("req.der"), "-respin",
                            Work("resp.der"), "-CAfile", Work("chain.pem"), "-resp_text"});
  EXPECT_EQ(checked.exit_code, 0) << checked.Describe();
  EXPECT_NE(checked.err.find("Response verify OK"), std::string::npos) << checked.Describe();
  EXPECT_EQ(checked.err.find("WARNING"), std::string::npos) << checked.Describe();
  EXPECT_NE(checked.out.find("OCSP Nonce"), std::string::npos) << checked.Describe();
  EXPECT_NE(Answer("issuing", request), first);
}

TEST_F(CaOcspTest, SerialThisCaNeverIssuedIsUnknown) {
  Answer("issuing",
         Request({"-issuer", Work("issuing.pem"), "-serial", "0x1234abcd", "-no_nonce"}));
  ToolResult checked =
      Check({"-issuer", Work("issuing.pem"), "-serial", "0x1234abcd", "-no_nonce"});
  EXPECT_EQ(checked.exit_code, 0) << checked.Describe();
  EXPECT_NE(checked.out.find("0x1234abcd: unknown"), std::string::npos) << checked.Describe();
}

TEST_F(CaOcspTest, CertIdOfAnotherIssuerIsUnauthorized) {
  // The root's name and key hashes, sent to the issuing CA's responder.
  Answer("issuing", Request({"-issuer", Work("root.pem"), "-cert", leaf_, "-no_nonce"}));
  ToolResult checked = Check({"-no_nonce"});
  EXPECT_NE(checked.out.find("unauthorized (6)"), std::string::npos) << checked.Describe();
}

TEST_F(CaOcspTest, MalformedRequestIsAnsweredMalformedRequest) {
  Answer("issuing", AsBytes("not an OCSP request"));
  ToolResult checked = Check({"-no_nonce"});
  EXPECT_NE(checked.out.find("malformedrequest (1)"), std::string::npos) << checked.Describe();
  auto unknown_ca = Service().AnswerOcsp("nobody", AsBytes("x"));
  // Malformed bytes are answered before the CA is looked up; a good request
  // to an unknown CA is kNotFound (404 on the route).
  EXPECT_TRUE(unknown_ca.ok());
  auto request = Request({"-issuer", Work("issuing.pem"), "-cert", leaf_, "-no_nonce"});
  EXPECT_EQ(Service().AnswerOcsp("nobody", request).status().code(), Code::kNotFound);
}

TEST_F(CaOcspTest, GetRequestSegmentDecodesToTheSameRequest) {
  const Bytes request = Request({"-issuer", Work("issuing.pem"), "-cert", leaf_, "-no_nonce"});
  std::string base64(4 * ((request.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(base64.data()), request.data(),
                                static_cast<int>(request.size()));
  base64.resize(static_cast<std::size_t>(n));
  auto decoded = DecodeOcspGetSegment(base64);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, request);
  while (!base64.empty() && base64.back() == '=') base64.pop_back();
  EXPECT_EQ(*DecodeOcspGetSegment(base64), request);  // padding optional
  EXPECT_FALSE(DecodeOcspGetSegment("!!!not base64").ok());
}

}  // namespace
}  // namespace tessera::ca::testing
