// Message digesting (PKCS#11 3.0 §5.12): every digest mechanism the module
// lists against OpenSSL, single- and multi-part, and the call-order rules:
// which calls end the operation, which keep it, and what mixing C_Digest
// with C_DigestUpdate returns.
#include "tests/integration/pkcs11/api_openssl.hpp"
#include "tests/integration/pkcs11/conformance/conformance_fixture.hpp"
#include "tests/integration/pkcs11/conformance/object_templates.hpp"

namespace tessera::testing::conformance {
namespace {

class DigestTest : public ConformanceTest {
 protected:
  void SetUp() override {
    ConformanceTest::SetUp();
    session_ = Open(false);
  }
  CK_RV Init(CK_MECHANISM_TYPE type = CKM_SHA256) {
    CK_MECHANISM m{type, nullptr, 0};
    return f()->C_DigestInit(session_, &m);
  }
  CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
  Bytes data_ = BytesOf("The quick brown fox jumps over the lazy dog, twice or more.");
};

TEST_F(DigestTest, EveryListedDigestMatchesOpenSslInOneAndInManyParts) {
  int digests = 0;
  for (CK_MECHANISM_TYPE type : Mechanisms()) {
    CK_MECHANISM_INFO info{};
    ASSERT_THAT(f()->C_GetMechanismInfo(slot_, type, &info), IsRv(CKR_OK));
    if ((info.flags & CKF_DIGEST) == 0) continue;
    SCOPED_TRACE(MechName(type));
    const EVP_MD* md = MdOf(type);
    ASSERT_NE(md, nullptr) << "a digest this suite does not know";
    ++digests;
    const Bytes expected = Digest(md, data_);
    ASSERT_THAT(Init(type), IsRv(CKR_OK));
    Bytes out(64);
    CK_ULONG len = out.size();
    ASSERT_THAT(f()->C_Digest(session_, data_.data(), data_.size(), out.data(), &len),
                IsRv(CKR_OK));
    out.resize(len);
    EXPECT_EQ(out, expected);
    ASSERT_THAT(Init(type), IsRv(CKR_OK));
    for (std::size_t at = 0; at < data_.size(); at += 7) {
      const std::size_t n = std::min<std::size_t>(7, data_.size() - at);
      EXPECT_THAT(f()->C_DigestUpdate(session_, data_.data() + at, n), IsRv(CKR_OK));
    }
    out.assign(64, 0);
    len = out.size();
    ASSERT_THAT(f()->C_DigestFinal(session_, out.data(), &len), IsRv(CKR_OK));
    out.resize(len);
    EXPECT_EQ(out, expected);
  }
  EXPECT_GE(digests, 1);
}

TEST_F(DigestTest, DigestAfterDigestUpdateIsOperationActive) {
  // §5.12 (C_Digest): C_Digest cannot end a multi-part operation; pkcs11test
  // (DigestUpdateInvalid) expects CKR_OPERATION_ACTIVE.
  ASSERT_THAT(Init(), IsRv(CKR_OK));
  ASSERT_THAT(f()->C_DigestUpdate(session_, data_.data(), 5), IsRv(CKR_OK));
  Bytes out(32);
  CK_ULONG len = out.size();
  EXPECT_THAT(f()->C_Digest(session_, data_.data(), data_.size(), out.data(), &len),
              IsRv(CKR_OPERATION_ACTIVE));
}

TEST_F(DigestTest, ALengthQueryKeepsTheOperationForTheRealCall) {
  // §5.2 and §5.12 (C_Digest): a NULL output asks for the length; the
  // operation stays active and the next call computes the digest.
  ASSERT_THAT(Init(), IsRv(CKR_OK));
  CK_ULONG len = 0;
  ASSERT_THAT(f()->C_Digest(session_, data_.data(), data_.size(), nullptr, &len), IsRv(CKR_OK));
  EXPECT_EQ(len, 32u);
  Bytes out(len);
  ASSERT_THAT(f()->C_Digest(session_, data_.data(), data_.size(), out.data(), &len), IsRv(CKR_OK));
  EXPECT_EQ(out, Digest(EVP_sha256(), data_));
}

TEST_F(DigestTest, BufferTooSmallKeepsTheOperationAndLeavesTheBufferAlone) {
  ASSERT_THAT(Init(), IsRv(CKR_OK));
  Bytes out(32, 0xAB);
  CK_ULONG len = 2;
  ASSERT_THAT(f()->C_Digest(session_, data_.data(), data_.size(), out.data(), &len),
              IsRv(CKR_BUFFER_TOO_SMALL));
  EXPECT_EQ(len, 32u) << "§5.2: *pulBufLen is set to the length needed";
  EXPECT_EQ(out, Bytes(32, 0xAB));
  ASSERT_THAT(f()->C_Digest(session_, data_.data(), data_.size(), out.data(), &len), IsRv(CKR_OK));
  EXPECT_EQ(out, Digest(EVP_sha256(), data_));
}

TEST_F(DigestTest, DigestUpdateAfterASizeQueryFindsTheOperationStillActive) {
  // A NULL output (length query) and a CKR_BUFFER_TOO_SMALL keep the
  // operation (§5.12 C_Digest). What C_DigestUpdate then answers is not
  // spelled out: the operation is single-part (CKR_OPERATION_ACTIVE, as in
  // pkcs11test) or continues as multi-part (CKR_OK). It must not be gone
  // (CKR_OPERATION_NOT_INITIALIZED). After CKR_OPERATION_ACTIVE the operation
  // may also have ended, since "a call to C_DigestUpdate which results in an
  // error terminates the current digest operation" (§5.12 C_DigestUpdate):
  // both outcomes are accepted.
  for (bool null_output : {true, false}) {
    SCOPED_TRACE(null_output ? "after a NULL-output length query" : "after a short buffer");
    ASSERT_THAT(Init(), IsRv(CKR_OK));
    Bytes out(32);
    CK_ULONG len = 2;
    ASSERT_THAT(f()->C_Digest(session_, data_.data(), data_.size(),
                              null_output ? nullptr : out.data(), &len),
                IsRv(null_output ? CKR_OK : CKR_BUFFER_TOO_SMALL));
    const CK_RV rv = f()->C_DigestUpdate(session_, data_.data(), data_.size());
    EXPECT_THAT(rv, IsRvOneOf({CKR_OPERATION_ACTIVE, CKR_OK}));
    len = out.size();
    if (rv == CKR_OK) {
      EXPECT_THAT(f()->C_DigestFinal(session_, out.data(), &len), IsRv(CKR_OK));
      EXPECT_EQ(out, Digest(EVP_sha256(), data_));
      continue;
    }
    const CK_RV again = f()->C_Digest(session_, data_.data(), data_.size(), out.data(), &len);
    EXPECT_THAT(again, IsRvOneOf({CKR_OK, CKR_OPERATION_NOT_INITIALIZED}));
    if (again == CKR_OK) {
      EXPECT_EQ(out, Digest(EVP_sha256(), data_));
    }
  }
}

TEST_F(DigestTest, DigestFinalLengthQueryAndShortBufferKeepTheOperation) {
  ASSERT_THAT(Init(CKM_SHA384), IsRv(CKR_OK));
  ASSERT_THAT(f()->C_DigestUpdate(session_, data_.data(), data_.size()), IsRv(CKR_OK));
  CK_ULONG len = 0;
  ASSERT_THAT(f()->C_DigestFinal(session_, nullptr, &len), IsRv(CKR_OK));
  EXPECT_EQ(len, 48u);
  Bytes out(48);
  len = 1;
  ASSERT_THAT(f()->C_DigestFinal(session_, out.data(), &len), IsRv(CKR_BUFFER_TOO_SMALL));
  EXPECT_EQ(len, 48u);
  ASSERT_THAT(f()->C_DigestFinal(session_, out.data(), &len), IsRv(CKR_OK));
  EXPECT_EQ(out, Digest(EVP_sha384(), data_));
}

TEST_F(DigestTest, ASuccessfulDigestEndsTheOperation) {
  ASSERT_THAT(Init(), IsRv(CKR_OK));
  Bytes out(32);
  CK_ULONG len = out.size();
  ASSERT_THAT(f()->C_Digest(session_, data_.data(), data_.size(), out.data(), &len), IsRv(CKR_OK));
  len = out.size();
  EXPECT_THAT(f()->C_Digest(session_, data_.data(), data_.size(), out.data(), &len),
              IsRv(CKR_OPERATION_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_DigestUpdate(session_, data_.data(), 1), IsRv(CKR_OPERATION_NOT_INITIALIZED));
  EXPECT_THAT(f()->C_DigestFinal(session_, out.data(), &len), IsRv(CKR_OPERATION_NOT_INITIALIZED));
}

TEST_F(DigestTest, ASecondDigestInitIsOperationActive) {
  ASSERT_THAT(Init(), IsRv(CKR_OK));
  EXPECT_THAT(Init(CKM_SHA512), IsRv(CKR_OPERATION_ACTIVE));
}

TEST_F(DigestTest, AnUnknownOrNonDigestMechanismIsMechanismInvalid) {
  EXPECT_THAT(Init(0x7FFF1234), IsRv(CKR_MECHANISM_INVALID));
  EXPECT_THAT(Init(CKM_ECDSA), IsRv(CKR_MECHANISM_INVALID));
  EXPECT_THAT(Init(), IsRv(CKR_OK)) << "a refused init starts nothing";
}

TEST_F(DigestTest, AnEmptyMessageHasTheEmptyMessageDigest) {
  ASSERT_THAT(Init(), IsRv(CKR_OK));
  Bytes out(32);
  CK_ULONG len = out.size();
  CK_BYTE dummy = 0;
  ASSERT_THAT(f()->C_Digest(session_, &dummy, 0, out.data(), &len), IsRv(CKR_OK));
  EXPECT_EQ(out, HexOrDie("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
}

}  // namespace
}  // namespace tessera::testing::conformance
