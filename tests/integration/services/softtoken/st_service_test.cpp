// The soft-token service's happy path (seed 002; docs/softtoken-api.md) for
// every deliver (device, computer, both) and format (sd-jwt-vc, x509):
// challenge, request, poll, match, poll, approve, poll; then the soft token
// checked as a verifier would, with the jose library AND independently with
// plain OpenSSL, and a presentation signed by the device's token. Also: a
// used password names no request any more. SQLite and PostgreSQL.
#include <gtest/gtest.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "services/directory/stores/ca_store.hpp"
#include "services/jose/jws.hpp"
#include "services/jose/sd_jwt.hpp"
#include "tests/integration/services/softtoken/st_service_fixture.hpp"

namespace tessera::softtoken::testing {
namespace {

const std::regex kOtpShape("^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$");
const std::regex kComparisonShape("^[0-9A-HJKMNP-TV-Z]{3}-[0-9A-HJKMNP-TV-Z]{3}$");

// base64url without padding, decoded by OpenSSL's plain base64 (not jose's).
Bytes B64UrlByOpenSsl(std::string text) {
  for (char& c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  const std::size_t pad = (4 - text.size() % 4) % 4;
  text.append(pad, '=');
  Bytes out(text.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  EXPECT_GE(n, 0);
  out.resize(static_cast<std::size_t>(std::max(n, 0)) - pad);
  return out;
}

// The issuer-signed JWT's ES256 signature checked with EVP_DigestVerify
// against the leaf certificate's key: r || s rebuilt as DER by hand.
void VerifyIssuerJwtWithOpenSsl(const std::string& sd_jwt, X509* leaf) {
  const std::string jwt = sd_jwt.substr(0, sd_jwt.find('~'));
  const std::size_t dot1 = jwt.find('.');
  const std::size_t dot2 = jwt.find('.', dot1 + 1);
  ASSERT_NE(dot2, std::string::npos);
  const std::string signing_input = jwt.substr(0, dot2);
  const Bytes rs = B64UrlByOpenSsl(jwt.substr(dot2 + 1));
  ASSERT_EQ(rs.size(), 64u);
  const auto header =
      nlohmann::json::parse(AsString(B64UrlByOpenSsl(jwt.substr(0, dot1))), nullptr, false);
  ASSERT_TRUE(header.is_object());
  EXPECT_EQ(header.value("alg", ""), "ES256");
  EXPECT_EQ(header.value("typ", ""), "dc+sd-jwt");
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(rs.data(), 32, nullptr), BN_bin2bn(rs.data() + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  ASSERT_GT(der_len, 0);
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  ASSERT_EQ(EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, X509_get0_pubkey(leaf)),
            1);
  EXPECT_EQ(EVP_DigestVerify(ctx.get(), der, static_cast<std::size_t>(der_len),
                             reinterpret_cast<const unsigned char*>(signing_input.data()),
                             signing_input.size()),
            1)
      << "the issuer's signature does not verify with plain OpenSSL";
  // The same check fails on one flipped byte of the signing input.
  std::string altered = signing_input;
  altered[altered.size() / 2] ^= 1;
  ASSERT_EQ(EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, X509_get0_pubkey(leaf)),
            1);
  EXPECT_NE(
      EVP_DigestVerify(ctx.get(), der, static_cast<std::size_t>(der_len),
                       reinterpret_cast<const unsigned char*>(altered.data()), altered.size()),
      1);
  OPENSSL_free(der);
}

std::string NameEntry(X509_NAME* name, int nid) {
  const int at = X509_NAME_get_index_by_NID(name, nid, -1);
  if (at < 0) return {};
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                     static_cast<std::size_t>(ASN1_STRING_length(data)));
}

class StHappyPath : public StServiceTest {
 protected:
  void CheckSdJwt(const std::string& token, const ApproveAnswer& approved, const MatchAnswer& match,
                  const Card& card) {
    const std::vector<Bytes> chain = IssuerChain();
    ASSERT_EQ(chain.size(), 2u);
    Result<std::vector<Bytes>> x5c = jose::SdJwtIssuerChain(token);
    ASSERT_TRUE(x5c.ok()) << x5c.status().ToString();
    EXPECT_EQ(*x5c, chain);
    auto leaf = ossl::CertFromDer(chain[0]);
    auto root = ossl::CertFromDer(chain[1]);
    ASSERT_TRUE(leaf.ok() && root.ok());
    EXPECT_EQ(X509_verify(leaf->get(), X509_get0_pubkey(root->get())), 1);
    Result<Bytes> ca_cert = ca().Certificate(kIssuer);
    ASSERT_TRUE(ca_cert.ok());
    EXPECT_EQ(chain[1], *ca_cert);

    jose::SdJwtVerifyOptions options;
    options.now = service().Now();
    options.require_key_binding = false;
    Result<jose::VerifiedSdJwt> verified =
        jose::VerifySdJwt(token, *X509_get0_pubkey(leaf->get()), options);
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_EQ(verified->iss, std::string(kPublicUrl) + "/softtoken");
    EXPECT_EQ(verified->vct, jose::kSoftTokenVct);
    EXPECT_EQ(verified->cnf_spki, device_key(0)) << "cnf is not the device key";
    ASSERT_TRUE(verified->status.has_value());
    EXPECT_EQ(verified->status->idx, static_cast<std::uint64_t>(approved.status_index));
    EXPECT_EQ(verified->status->uri, approved.status_uri);
    EXPECT_EQ(verified->exp, approved.expires_at);
    std::optional<directory::CertificateRecord> id_cert;
    ASSERT_TRUE(db().Read([&](directory::SqlTransaction& tx) -> Status {
                      TESSERA_ASSIGN_OR_RETURN(
                          id_cert, directory::FindCertificate(tx, kIssuer, card.cert_serial));
                      return Status::Ok();
                    })
                    .ok());
    ASSERT_TRUE(id_cert.has_value());
    EXPECT_LE(verified->exp, id_cert->not_after) << "the soft token outlives its ID certificate";
    ASSERT_EQ(verified->disclosed.size(), match.attributes.size());
    for (const auto& [name, value] : match.attributes) {
      ASSERT_TRUE(verified->disclosed.count(name)) << name;
      if (name == "card_serial") {
        EXPECT_EQ(verified->disclosed.at(name), nlohmann::json(card.serial));
      } else {
        EXPECT_EQ(verified->disclosed.at(name), nlohmann::json(value)) << name;
      }
    }
    ASSERT_NO_FATAL_FAILURE(VerifyIssuerJwtWithOpenSsl(token, leaf->get()));

    // A presentation: two claims, a KB-JWT signed on the device's token.
    jose::KeyBinding kb;
    kb.aud = "https://verifier.test";
    kb.nonce = "n-0123456789";
    kb.iat = service().Now();
    kb.signer = [this](const std::string& input) {
      return device(0).SignEs256(kSlot, AsBytes(input));
    };
    Result<std::string> presented = jose::PresentSdJwt(token, {"name", "email"}, kb);
    ASSERT_TRUE(presented.ok()) << presented.status().ToString();
    jose::SdJwtVerifyOptions with_kb;
    with_kb.now = service().Now();
    with_kb.expected_aud = kb.aud;
    with_kb.expected_nonce = kb.nonce;
    Result<jose::VerifiedSdJwt> bound =
        jose::VerifySdJwt(*presented, *X509_get0_pubkey(leaf->get()), with_kb);
    ASSERT_TRUE(bound.ok()) << bound.status().ToString();
    EXPECT_TRUE(bound->key_bound);
    EXPECT_EQ(bound->disclosed.size(), 2u);
    EXPECT_EQ(bound->disclosed.at("name"), "Alice Example");
    with_kb.expected_nonce = "another";
    EXPECT_FALSE(jose::VerifySdJwt(*presented, *X509_get0_pubkey(leaf->get()), with_kb).ok());
  }

  void CheckX509(const std::string& pem, const Card& card) {
    ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    std::vector<ossl::X509Ptr> certs;
    while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) certs.emplace_back(c);
    ASSERT_EQ(certs.size(), 2u) << pem;
    X509* leaf = certs[0].get();
    Result<Bytes> ca_der = ca().Certificate(kIssuer);
    ASSERT_TRUE(ca_der.ok());
    auto ca_cert = ossl::CertFromDer(*ca_der);
    ASSERT_TRUE(ca_cert.ok());
    EXPECT_EQ(*ossl::CertToDer(certs[1].get()), *ca_der);
    EXPECT_EQ(X509_verify(leaf, X509_get0_pubkey(ca_cert->get())), 1) << "does not chain";
    X509_NAME* subject = X509_get_subject_name(leaf);
    EXPECT_EQ(NameEntry(subject, NID_commonName), "Alice Example");
    EXPECT_EQ(NameEntry(subject, NID_organizationName), "Example Org");
    EXPECT_EQ(NameEntry(subject, NID_userId), "alice");
    EXPECT_EQ(*ossl::PublicKeyToDer(X509_get0_pubkey(leaf)), device_key(0));
    auto id_cert = ossl::CertFromDer(card.certificate);
    ASSERT_TRUE(id_cert.ok());
    EXPECT_LE(ASN1_TIME_compare(X509_get0_notAfter(leaf), X509_get0_notAfter(id_cert->get())), 0);
    const std::optional<directory::SoftTokenRecord> row = TokenRow(last_token_);
    ASSERT_TRUE(row.has_value());
    ASSERT_TRUE(row->cert_ca.has_value());
    EXPECT_EQ(*row->cert_ca, kIssuer);
    const ASN1_INTEGER* serial = X509_get0_serialNumber(leaf);
    ossl::BnPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
    EXPECT_EQ(ossl::BnToBytes(bn.get()), *row->cert_serial);
  }

  std::string last_token_;
};

TEST_P(StHappyPath, EveryDeliverAndFormatIssuesTheSoftToken) {
  Bring();
  const Card card = IssueCard("alice", 1001);
  int round = 0;
  for (const std::string format : {"sd-jwt-vc", "x509"}) {
    for (const std::string deliver : {"device", "computer", "both"}) {
      SCOPED_TRACE(format + " / " + deliver);
      ++round;
      const Bytes ch1 = Exporter(static_cast<std::uint8_t>(0x10 * round));
      const Bytes ch1_poll = Exporter(static_cast<std::uint8_t>(0x10 * round + 1));
      const Bytes ch2 = Exporter(static_cast<std::uint8_t>(0x10 * round + 2));
      Result<RequestCreated> created = Request(0, ch1, deliver, format);
      ASSERT_TRUE(created.ok()) << created.status().ToString();
      EXPECT_TRUE(std::regex_match(created->otp, kOtpShape)) << created->otp;
      EXPECT_EQ(created->tries, 5);
      EXPECT_EQ(created->id.size(), 32u);
      std::optional<directory::SoftTokenRequestRecord> row = Row(created->id);
      ASSERT_TRUE(row.has_value());
      EXPECT_EQ(row->state, "pending");
      EXPECT_EQ(row->deliver, deliver);
      EXPECT_EQ(row->format, format);
      EXPECT_EQ(row->device_serial, device(0).serial());
      EXPECT_EQ(row->device_slot, "9e");
      EXPECT_EQ(row->device_key, device_key(0));
      EXPECT_EQ(row->handle, created->otp.substr(0, 3));
      EXPECT_FALSE(row->user_id.has_value()) << "nothing about the user before the match";
      EXPECT_FALSE(row->attributes.has_value());

      Result<PollAnswer> pending = PollAs(0, created->id, ch1_poll);
      ASSERT_TRUE(pending.ok()) << pending.status().ToString();
      EXPECT_EQ(pending->state, "pending");
      EXPECT_EQ(pending->tries_left, 5);
      EXPECT_TRUE(pending->comparison.empty());
      EXPECT_TRUE(pending->soft_token.empty());

      // Typed as a user might: lower case, spaces instead of the dash.
      std::string typed = created->otp;
      for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      typed[5] = ' ';
      Result<MatchAnswer> match = service().Match(typed, Id(card, ch2), caller());
      ASSERT_TRUE(match.ok()) << match.status().ToString();
      EXPECT_EQ(match->request_id, created->id);
      EXPECT_TRUE(std::regex_match(match->comparison, kComparisonShape)) << match->comparison;
      EXPECT_EQ(match->format, format);
      EXPECT_EQ(match->deliver, deliver);
      std::map<std::string, std::string> attributes(match->attributes.begin(),
                                                    match->attributes.end());
      EXPECT_EQ(attributes["user_id"], "alice");
      EXPECT_EQ(attributes["name"], "Alice Example");
      EXPECT_EQ(attributes["organization"], "Example Org");
      EXPECT_EQ(attributes["email"], "alice@example.org");
      EXPECT_EQ(attributes["document"], "P1234567");
      EXPECT_NE(attributes["subject"].find("CN=Card of alice"), std::string::npos);
      EXPECT_NE(attributes["subject"].find("UID=alice"), std::string::npos);
      EXPECT_EQ(attributes["card_serial"], "1001");
      EXPECT_EQ(attributes.size(), 7u);
      row = Row(created->id);
      ASSERT_TRUE(row.has_value());
      EXPECT_EQ(row->state, "matched");
      EXPECT_EQ(row->user_id.value_or(""), "alice");
      EXPECT_EQ(row->card_serial.value_or(0), 1001u);

      Result<PollAnswer> matched = PollAs(0, created->id, ch1_poll);
      ASSERT_TRUE(matched.ok()) << matched.status().ToString();
      EXPECT_EQ(matched->state, "matched");
      EXPECT_EQ(matched->comparison, match->comparison);

      Result<ApproveAnswer> approved = service().Approve(
          created->id, match->confirmation, match->comparison, Id(card, ch2), caller());
      ASSERT_TRUE(approved.ok()) << approved.status().ToString();
      EXPECT_EQ(approved->format, format);
      EXPECT_EQ(approved->status_uri, std::string(kPublicUrl) + "/softtoken/v1/status/default");
      last_token_ = approved->token_id;
      const bool to_device = deliver != "computer";
      const bool to_computer = deliver != "device";
      EXPECT_EQ(!approved->soft_token.empty(), to_computer);

      Result<PollAnswer> issued = PollAs(0, created->id, ch1_poll);
      ASSERT_TRUE(issued.ok()) << issued.status().ToString();
      EXPECT_EQ(issued->state, "issued");
      EXPECT_EQ(issued->comparison, match->comparison);
      EXPECT_EQ(!issued->soft_token.empty(), to_device);
      if (to_device && to_computer) {
        EXPECT_EQ(issued->soft_token, approved->soft_token);
      }
      const std::string token = to_device ? issued->soft_token : approved->soft_token;

      row = Row(created->id);
      ASSERT_TRUE(row.has_value());
      EXPECT_EQ(row->state, "issued");
      EXPECT_EQ(row->token_id.value_or(""), approved->token_id);
      EXPECT_EQ(row->delivered_device, to_device);
      EXPECT_EQ(row->delivered_computer, to_computer);
      std::optional<directory::SoftTokenRecord> stored = TokenRow(approved->token_id);
      ASSERT_TRUE(stored.has_value());
      EXPECT_EQ(stored->format, format);
      EXPECT_EQ(stored->user_id, "alice");
      EXPECT_EQ(stored->card_serial, 1001u);
      EXPECT_EQ(stored->source_serial, card.cert_serial);
      EXPECT_EQ(stored->status_index, static_cast<std::uint32_t>(approved->status_index));
      EXPECT_FALSE(stored->revoked_at.has_value());

      if (format == "sd-jwt-vc") {
        ASSERT_NO_FATAL_FAILURE(CheckSdJwt(token, *approved, *match, card));
      } else {
        ASSERT_NO_FATAL_FAILURE(CheckX509(token, card));
      }
    }
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_tokens"), 6);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT status_index) FROM st_tokens"), 6);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit WHERE action = 'softtoken.request'"), 6);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit WHERE action = 'softtoken.match'"), 6);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit WHERE action = 'softtoken.issue'"), 6);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit WHERE action = 'softtoken.deliver'"), 4);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit WHERE action LIKE '%.refused'"), 0);
}

TEST_P(StHappyPath, APasswordUsedOnceNamesNoRequestAgain) {
  Bring();
  const Card card = IssueCard("alice", 1001);
  Result<RequestCreated> created = Request(0, Exporter(1));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Result<MatchAnswer> match = service().Match(created->otp, Id(card, Exporter(2)), caller());
  ASSERT_TRUE(match.ok()) << match.status().ToString();
  Result<MatchAnswer> again = service().Match(created->otp, Id(card, Exporter(3)), caller());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kNotFound) << again.status().ToString();
  EXPECT_NE(again.status().message().find("used already"), std::string::npos);
  ASSERT_TRUE(service()
                  .Approve(created->id, match->confirmation, "", Id(card, Exporter(2)), caller())
                  .ok());
  Result<MatchAnswer> after = service().Match(created->otp, Id(card, Exporter(4)), caller());
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.status().code(), Code::kNotFound);
  EXPECT_EQ(State(created->id), "issued");
  EXPECT_EQ(Tries(created->id), 5);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_tokens"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit WHERE action = 'softtoken.match.refused'"), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, StHappyPath, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace tessera::softtoken::testing
