// The registration gateway's limits through the real tesserad (issue 14):
// a body over limits.body_bytes is 413 before any handler runs; a cut R1,
// A1 or A3 (base64url of a truncated TLV) is 400 with the message named; a
// user identification over its limits (a user ID of 129 characters, a
// whole identification of 2000 bytes) is 400, closes the registration and
// stores nothing. The messages are made by SoftToken, which seals whatever
// it is given (the token itself refuses more than 1024 bytes in F3 01,
// checked here too). SQLite and PostgreSQL.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/ossl.hpp"
#include "common/piv/key_material.hpp"
#include "common/registration/messages.hpp"
#include "common/registration/user_info.hpp"
#include "common/tlv.hpp"
#include "services/jose/jws.hpp"
#include "tests/integration/services/registration/reg_e2e_fixture.hpp"
#include "tests/integration/services/registration/soft_token.hpp"

namespace tessera::testing {
namespace {

using nlohmann::json;

constexpr int kBodyLimit = 4096;

struct Answer {
  int status = 0;
  json body;
};

Answer Post(cli::HttpsClient& client, const std::string& target, const std::string& body) {
  Result<cli::HttpResponse> r = client.Send("POST", target, "application/json", body);
  EXPECT_TRUE(r.ok()) << target << ": " << r.status().ToString();
  if (!r.ok()) return {};
  return {r->status, json::parse(r->body, nullptr, false)};
}

std::string Detail(const Answer& a) {
  return a.body.is_object() ? a.body.value("detail", "") : std::string();
}

std::string ClientMessage(ByteView message) {
  return json{{"client_message", jose::Base64UrlEncode(message)}}.dump();
}

Bytes UserInfoOf(const std::string& user, const std::string& code) {
  return registration::Encode(registration::UserInfo{user, code, ""}).value();
}

Bytes Cut(const Bytes& message, std::size_t drop) {
  return Bytes(message.begin(), message.end() - static_cast<std::ptrdiff_t>(drop));
}

class RegLimits : public RegE2eTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(
        Bring({GetParam(), {}, {"--limits-body-bytes", std::to_string(kBodyLimit)}, "sim"}));
    std::FILE* f = std::fopen(issuer_pem_.c_str(), "r");
    ASSERT_NE(f, nullptr);
    ossl::X509Ptr issuer(PEM_read_X509(f, nullptr, nullptr, nullptr));
    std::fclose(f);
    ASSERT_TRUE(issuer);
    Result<Bytes> point =
        piv::EcPublicPoint(X509_get0_pubkey(issuer.get()), *piv::CurveOf(piv::Algorithm::kEccP256));
    ASSERT_TRUE(point.ok()) << point.status().ToString();
    issuer_point_ = *point;
    Result<cli::HttpsClient> client = Client();
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = std::make_unique<cli::HttpsClient>(std::move(client).value());
  }

  // POST /reg/registrations: the ID and R0.
  std::pair<std::string, Bytes> Start() {
    const Answer a = Post(*client_, "/reg/registrations", "{}");
    EXPECT_EQ(a.status, 201) << a.body.dump();
    if (a.status != 201) return {};
    return {a.body["registration_id"].get<std::string>(),
            jose::Base64UrlDecode(a.body["server_hello"].get<std::string>()).value()};
  }
  std::string StateOf(const std::string& id) {
    return Scalar("SELECT state FROM reg_registrations WHERE id = '" + id + "'");
  }

  Bytes issuer_point_;
  std::unique_ptr<cli::HttpsClient> client_;
};

TEST_P(RegLimits, BodyOverTheLimitIs413) {
  const std::string big(kBodyLimit + 1, ' ');
  // Whitespace is valid JSON around {}: only the size can refuse it.
  const Answer start = Post(*client_, "/reg/registrations", "{}" + big);
  EXPECT_EQ(start.status, 413) << start.body.dump();
  auto [id, r0] = Start();
  ASSERT_FALSE(id.empty());
  const std::string huge = ClientMessage(Bytes(kBodyLimit, 0xE2));  // base64url: 4/3 of the limit
  const Answer exchange = Post(*client_, "/reg/registrations/" + id + "/exchange", huge);
  EXPECT_EQ(exchange.status, 413) << exchange.body.dump();
  EXPECT_EQ(exchange.body.value("title", ""), "Request body too large") << exchange.body.dump();
  const Answer login = Post(*client_, "/reg/sessions", huge);
  EXPECT_EQ(login.status, 413) << login.body.dump();
  // The handler never ran: the registration is still waiting for its R1.
  EXPECT_EQ(StateOf(id), "started");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reg_sessions"), "0");
  // Just under the limit, the same route answers with the handler's 400.
  const Answer fits = Post(*client_, "/reg/sessions", ClientMessage(Bytes(2048, 0xE5)));
  EXPECT_EQ(fits.status, 400) << fits.body.dump();
}

TEST_P(RegLimits, TruncatedMessagesAre400NamingTheMessage) {
  // R1 cut by one byte, and by half.
  for (std::size_t drop : {std::size_t{1}, std::size_t{60}}) {
    auto [id, r0] = Start();
    ASSERT_FALSE(id.empty());
    registration::testing::SoftToken token(issuer_point_);
    Result<Bytes> r1 = token.Begin(r0, static_cast<std::uint64_t>(std::time(nullptr)),
                                   UserInfoOf("alice", Code("alice")));
    ASSERT_TRUE(r1.ok()) << r1.status().ToString();
    const Answer a =
        Post(*client_, "/reg/registrations/" + id + "/exchange", ClientMessage(Cut(*r1, drop)));
    EXPECT_EQ(a.status, 400) << a.body.dump();
    EXPECT_NE(Detail(a).find("R1 (RegRequest)"), std::string::npos) << a.body.dump();
    // One attempt per hello: the registration is closed.
    EXPECT_EQ(StateOf(id), "refused");
  }

  registration::testing::SoftToken stranger(issuer_point_);
  stranger.set_uidc("UAAAAAAAAAAAAAAA");
  const Bytes a1 = stranger.AuthBegin().value();
  const Answer cut_a1 = Post(*client_, "/reg/sessions", ClientMessage(Cut(a1, 3)));
  EXPECT_EQ(cut_a1.status, 400) << cut_a1.body.dump();
  EXPECT_NE(Detail(cut_a1).find("A1 (AuthHello)"), std::string::npos) << cut_a1.body.dump();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reg_sessions"), "0");

  // A3 of a (decoy) handshake, cut: 400 naming A3.
  const Answer opened = Post(*client_, "/reg/sessions", ClientMessage(a1));
  ASSERT_EQ(opened.status, 201) << opened.body.dump();
  const std::string sid = opened.body["session_id"].get<std::string>();
  const Bytes a3 = registration::Encode(registration::AuthFinish{Bytes(32, 0x5A)});
  const Answer cut_a3 =
      Post(*client_, "/reg/sessions/" + sid + "/finish", ClientMessage(Cut(a3, 2)));
  EXPECT_EQ(cut_a3.status, 400) << cut_a3.body.dump();
  EXPECT_NE(Detail(cut_a3).find("A3 (AuthFinish)"), std::string::npos) << cut_a3.body.dump();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reg_sessions WHERE state = 'open'"), "0");
  // Not base64url at all: 400 naming the field.
  const Answer junk = Post(*client_, "/reg/sessions", R"({"client_message":"***"})");
  EXPECT_EQ(junk.status, 400) << junk.body.dump();
  EXPECT_NE(Detail(junk).find("client_message"), std::string::npos) << junk.body.dump();
}

TEST_P(RegLimits, OversizedUserIdentificationIs400AndStoresNothing) {
  const std::string code = Code("alice");
  // A user ID of 129 characters (the limit is 128), in an identification
  // well under 1024 bytes: the gateway opens C1 and refuses what is inside.
  const Bytes long_id = EncodeTlv(0xC0, AsBytes(std::string(129, 'a')));
  // 2000 bytes of identification: more than tag 85 may hold (1024).
  Bytes huge = EncodeTlv(0xC0, AsBytes("alice"));
  AppendTlv(huge, 0xC1, AsBytes(code));
  AppendTlv(huge, 0xC2, AsBytes("{\"x\":\"" + std::string(1950, 'x') + "\"}"));
  struct Case {
    Bytes info;
    std::string expect;
  };
  for (const Case& c : {Case{long_id, "the user identification"}, Case{huge, "R1 (RegRequest)"}}) {
    auto [id, r0] = Start();
    ASSERT_FALSE(id.empty());
    registration::testing::SoftToken token(issuer_point_);
    Result<Bytes> r1 = token.Begin(r0, static_cast<std::uint64_t>(std::time(nullptr)), c.info);
    ASSERT_TRUE(r1.ok()) << r1.status().ToString();
    const Answer a = Post(*client_, "/reg/registrations/" + id + "/exchange", ClientMessage(*r1));
    EXPECT_EQ(a.status, 400) << a.body.dump();
    EXPECT_NE(Detail(a).find(c.expect), std::string::npos) << a.body.dump();
    EXPECT_EQ(StateOf(id), "refused");
  }
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reg_users"), "0");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reg_codes WHERE used_at IS NOT NULL"), "0");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM reg_registrations WHERE k_wrapped IS NOT NULL"), "0");

  // The token itself takes at most 1024 bytes of identification (F3 01).
  auto [id, r0] = Start();
  ASSERT_FALSE(id.empty());
  Result<TokenLink> link = OpenToken(serials_[0], true);
  ASSERT_TRUE(link.ok()) << link.status().ToString();
  Result<Bytes> refused = link->piv->RegisterBegin(
      r0, static_cast<std::uint64_t>(std::time(nullptr)), Bytes(1025, 0x41));
  EXPECT_FALSE(refused.ok());
  EXPECT_TRUE(RegistrationKeys(serials_[0]).empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, RegLimits, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace tessera::testing
