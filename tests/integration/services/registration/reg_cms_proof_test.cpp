// The CMS-bound enrolment credential (seed 000 meets seed 001): a token the
// CMS bound to a user registers without a code by signing TH2 with the key
// whose certificate the CMS issued to that user for that token. The binding
// rows are written with the directory's own store functions, the
// certificate is issued by the real CA in SoftHSM2, and the 9C key is a
// software key standing for the token's. On SQLite and PostgreSQL.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <ctime>

#include "common/registration/key_schedule.hpp"
#include "services/directory/stores/cms_store.hpp"
#include "tests/integration/services/registration/reg_service_fixture.hpp"

namespace tessera::registration::testing {
namespace {

constexpr std::uint32_t kToken = 4242;

class RegCmsProof : public RegServiceTest {
 protected:
  // Token kToken bound to `user` by the CMS with a certificate for key_.
  void Bind(const std::string& user) {
    unsigned char* der = nullptr;
    const int size = i2d_PUBKEY(key_.get(), &der);
    ASSERT_GT(size, 0);
    const Bytes spki(der, der + size);
    OPENSSL_free(der);
    ca::KeyIssueRequest issue;
    issue.ca = kIssuer;
    issue.profile = "user-signature";
    issue.public_key = spki;
    issue.subject = {{"CN", user}};
    issue.user_id = user;
    issue.token_serial = kToken;
    Result<ca::PreparedCertificate> prepared = ca().PrepareForKey(issue, {"test", "req"});
    ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
    certificate_ = prepared->record.der;
    cert_serial_ = prepared->record.serial;
    const std::int64_t now = service().Now();
    Status s = db().Transact([&](directory::SqlTransaction& tx) -> Status {
      TESSERA_RETURN_IF_ERROR(ca().StoreIssued(tx, *prepared, now));
      directory::CmsTokenRecord token;
      token.serial = kToken;
      token.token_key = spki;
      token.attestation = certificate_;
      token.attestation_ca = certificate_;
      token.chuid = Bytes{0x30};
      token.transport = "sim";
      token.state = "active";
      token.user_id = user;
      token.registered_at = token.updated_at = now;
      TESSERA_RETURN_IF_ERROR(directory::InsertCmsToken(tx, token));
      directory::BindingRecord binding;
      binding.id = std::string(32, 'b');
      binding.user_id = user;
      binding.token_serial = kToken;
      binding.state = "active";
      binding.ca = kIssuer;
      binding.cert_serial = cert_serial_;
      binding.created_at = binding.updated_at = now;
      binding.activated_at = now;
      return directory::InsertBinding(tx, binding);
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  Bytes Sign(ByteView data) {
    ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()), 1);
    std::size_t size = 0;
    EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &size, data.data(), data.size()), 1);
    Bytes out(size);
    EXPECT_EQ(EVP_DigestSign(ctx.get(), out.data(), &size, data.data(), data.size()), 1);
    out.resize(size);
    return out;
  }

  // Start, R1 for `user` without a code, and the exchange with a proof that
  // signs `signed_th2` (the right TH2 unless a test says otherwise).
  Result<ExchangeAnswer> ExchangeWithProof(SoftToken& token, const std::string& user,
                                           bool sign_right_th2, std::string* id) {
    TESSERA_ASSIGN_OR_RETURN(StartAnswer start, service().Start(caller()));
    *id = start.registration_id;
    TESSERA_ASSIGN_OR_RETURN(
        Bytes r1, token.Begin(start.server_hello, static_cast<std::uint64_t>(std::time(nullptr)),
                              UserInfoOf(user, "")));
    TESSERA_ASSIGN_OR_RETURN(Bytes th2, TranscriptHash(kRegisterContext, {start.server_hello, r1}));
    if (!sign_right_th2) th2[0] ^= 1;
    const CmsProof proof{kToken, certificate_, Sign(th2)};
    return service().Exchange(start.registration_id, r1, proof, caller());
  }

  ossl::PkeyPtr key_{EVP_EC_gen("P-256")};
  Bytes certificate_, cert_serial_;
};

TEST_P(RegCmsProof, ABoundTokenRegistersWithoutACode) {
  Bring();
  Bind("alice");
  SoftToken token(issuer_point());
  std::string id;
  Result<ExchangeAnswer> exchanged = ExchangeWithProof(token, "alice", true, &id);
  ASSERT_TRUE(exchanged.ok()) << exchanged.status().ToString();
  Result<Bytes> r3 = token.Finish(exchanged->server_message);
  ASSERT_TRUE(r3.ok()) << r3.status().ToString();
  ASSERT_TRUE(service().Confirm(id, *r3, caller()).ok());
  EXPECT_EQ(Scalar("SELECT credential FROM reg_registrations WHERE id = '" + id + "'"), "cms");
  EXPECT_EQ(Count("SELECT token_serial FROM reg_registrations WHERE id = '" + id + "'"), kToken);
  EXPECT_EQ(Scalar("SELECT state FROM reg_registrations WHERE id = '" + id + "'"), "active");
}

TEST_P(RegCmsProof, ProofsForAnotherExchangeUserOrARevokedCertificateAreRefused) {
  Bring();
  Bind("alice");
  std::string id;
  SoftToken replayed(issuer_point());
  Result<ExchangeAnswer> other_th2 = ExchangeWithProof(replayed, "alice", false, &id);
  ASSERT_FALSE(other_th2.ok());
  EXPECT_EQ(other_th2.status().code(), Code::kSecurityStatus);
  EXPECT_NE(other_th2.status().message().find("does not verify"), std::string::npos)
      << other_th2.status().ToString();

  SoftToken bob(issuer_point());
  Result<ExchangeAnswer> for_bob = ExchangeWithProof(bob, "bob", true, &id);
  ASSERT_FALSE(for_bob.ok());
  EXPECT_NE(for_bob.status().message().find("no active CMS binding to user bob"), std::string::npos)
      << for_bob.status().ToString();

  Status revoked = db().Transact([&](directory::SqlTransaction& tx) -> Status {
    return ca().RevokeWithin(tx, {ca::RevokeRequest{kIssuer, cert_serial_, 1}}, {"test", "r"},
                             service().Now());
  });
  ASSERT_TRUE(revoked.ok()) << revoked.ToString();
  SoftToken after(issuer_point());
  Result<ExchangeAnswer> with_revoked = ExchangeWithProof(after, "alice", true, &id);
  ASSERT_FALSE(with_revoked.ok());
  EXPECT_NE(with_revoked.status().message().find("revoked"), std::string::npos)
      << with_revoked.status().ToString();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM reg_registrations WHERE state <> 'refused'"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, RegCmsProof, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace tessera::registration::testing
