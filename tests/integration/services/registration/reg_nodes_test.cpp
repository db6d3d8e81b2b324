// Two tesserad nodes on one PostgreSQL directory (issue 14; docs/
// registration-api.md "Directory": the state changes are compare-and-set
// statements, so two nodes cannot both accept the same A3 or request
// number). The token logs in on node A (host::PivClient on the sim socket,
// the CLI's HttpsClient); the session's requests then alternate between A
// and B with increasing numbers and each answer opens under SES; request n
// replayed on the other node (and on its own) is 409 and changes nothing;
// one request sent to both nodes at once is taken by exactly one. A login
// may also begin on one node and finish on the other.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <nlohmann/json.hpp>

#include "common/registration/records.hpp"
#include "services/jose/jws.hpp"
#include "tests/integration/services/registration/reg_e2e_fixture.hpp"

namespace tessera::testing {
namespace {

using nlohmann::json;
using registration::Direction;

// A session opened with the token: its ID and record keys.
struct Session {
  std::string sid;
  std::string uidc;
  SecureBytes c2s, s2c;
};

// One sealed request as it goes on the wire, and what came back.
struct Sent {
  std::string method, path, body;
  cli::HttpsClient::Headers headers;
};
struct Reply {
  int status = 0;
  std::string plain;  // the opened answer of a 200
  std::string body;   // the raw body otherwise
};

Sent Seal(const Session& s, std::uint64_t seq, const std::string& method, const std::string& path,
          const std::string& plaintext, cli::HttpsClient::Headers headers = {}) {
  const Bytes sid = FromHex(s.sid).value();
  const Bytes ct =
      registration::SealRecord(s.c2s.view(), Direction::kClientToServer, seq,
                               registration::RequestAad(sid, seq, method, path), AsBytes(plaintext))
          .value();
  return {method, path, json{{"seq", seq}, {"ct", jose::Base64UrlEncode(ct)}}.dump(),
          std::move(headers)};
}

Reply Send(cli::HttpsClient& http, const Session& s, const Sent& sent) {
  Result<cli::HttpResponse> r =
      http.Send(sent.method, sent.path, "application/json", sent.body, sent.headers);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  Reply reply{r->status, "", r->body};
  if (r->status != 200) return reply;
  const json envelope = json::parse(r->body);
  const std::uint64_t seq = json::parse(sent.body)["seq"].get<std::uint64_t>();
  EXPECT_EQ(envelope["seq"].get<std::uint64_t>(), seq);
  const Bytes ct = jose::Base64UrlDecode(envelope["ct"].get<std::string>()).value();
  Result<SecureBytes> plain =
      registration::OpenRecord(s.s2c.view(), Direction::kServerToClient, seq,
                               registration::ResponseAad(FromHex(s.sid).value(), seq, 200), ct);
  EXPECT_TRUE(plain.ok()) << plain.status().ToString();
  if (plain.ok()) reply.plain.assign(plain->view().begin(), plain->view().end());
  return reply;
}

class RegNodes : public RegE2eTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(Bring(OnBackend(GetParam())));
    node_b_ = StartDaemon("tesserad-b");
    ASSERT_NE(node_b_, nullptr);
    for (const TesseradProcess* d : {daemon_.get(), node_b_.get()}) {
      Result<cli::HttpsClient> c = Client(d);
      ASSERT_TRUE(c.ok()) << c.status().ToString();
      clients_.push_back(std::make_unique<cli::HttpsClient>(std::move(c).value()));
    }
  }

  // A1 at node `begin`, A3 at node `finish`.
  Session LoginVia(std::uint32_t token, std::size_t begin, std::size_t finish) {
    Result<TokenLink> link = OpenToken(token, true);
    EXPECT_TRUE(link.ok()) << link.status().ToString();
    if (!link.ok()) return {};
    const auto keys = RegistrationKeys(token);
    EXPECT_EQ(keys.size(), 1u);
    if (keys.size() != 1) return {};
    Result<Bytes> a1 = link->piv->AuthBegin(keys[0].slot);
    EXPECT_TRUE(a1.ok()) << a1.status().ToString();
    if (!a1.ok()) return {};
    Result<json> challenge = clients_[begin]->Json(
        "POST", "/reg/sessions", {{"client_message", jose::Base64UrlEncode(*a1)}});
    EXPECT_TRUE(challenge.ok()) << challenge.status().ToString();
    if (!challenge.ok()) return {};
    Session s;
    s.sid = (*challenge)["session_id"].get<std::string>();
    const Bytes a2 =
        jose::Base64UrlDecode((*challenge)["server_message"].get<std::string>()).value();
    Result<host::AuthResult> finished = link->piv->AuthFinish(keys[0].slot, a2);
    EXPECT_TRUE(finished.ok()) << finished.status().ToString();
    if (!finished.ok()) return {};
    Result<json> opened =
        clients_[finish]->Json("POST", "/reg/sessions/" + s.sid + "/finish",
                               {{"client_message", jose::Base64UrlEncode(finished->finish)}});
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (!opened.ok()) return {};
    s.uidc = (*opened)["user_id_code"].get<std::string>();
    s.c2s =
        registration::RecordKey(finished->session_key.view(), Direction::kClientToServer).value();
    s.s2c =
        registration::RecordKey(finished->session_key.view(), Direction::kServerToClient).value();
    return s;
  }

  // Request `seq`: the entitlements on odd numbers, a call to echo on even ones.
  Sent Request(const Session& s, std::uint64_t seq) {
    if (seq % 2 == 1) {
      return Seal(s, seq, "POST", "/reg/sessions/" + s.sid + "/entitlements",
                  json{{"user_id_code", s.uidc}}.dump());
    }
    const json call = {{"method", "GET"},
                       {"query", "n=" + std::to_string(seq)},
                       {"headers", json::array()},
                       {"body", ""}};
    return Seal(s, seq, "POST", "/app/echo/echo", call.dump(), {{"Tessera-Session", s.sid}});
  }

  std::string C2sSeq(const Session& s) const {
    return Scalar("SELECT c2s_seq FROM reg_sessions WHERE id = '" + s.sid + "'");
  }

  std::unique_ptr<TesseradProcess> node_b_;
  std::vector<std::unique_ptr<cli::HttpsClient>> clients_;  // A, B
};

TEST_P(RegNodes, RequestsAlternateBetweenNodesAndReplaysAre409OnTheOther) {
  const std::uint32_t token = serials_[0];
  ASSERT_EQ(Register(token, "alice", Code("alice")).exit_code, 0);
  Ok({"reg", "entitlement", "grant", "alice", "echo", "--path", "/echo"});
  const Session s = LoginVia(token, 0, 0);
  ASSERT_FALSE(s.sid.empty());
  EXPECT_EQ(Scalar("SELECT state FROM reg_sessions WHERE id = '" + s.sid + "'"), "open");

  for (std::uint64_t seq = 1; seq <= 6; ++seq) {
    SCOPED_TRACE("request " + std::to_string(seq));
    const std::size_t node = (seq - 1) % 2;  // 1 on A, 2 on B, ...
    const Sent request = Request(s, seq);
    const Reply reply = Send(*clients_[node], s, request);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const json answer = json::parse(reply.plain);
    if (seq % 2 == 1) {
      EXPECT_TRUE(answer.contains("document")) << reply.plain;
    } else {
      EXPECT_EQ(answer["status"], 200) << reply.plain;
      const Bytes raw = jose::Base64UrlDecode(answer["body"].get<std::string>()).value();
      const json echoed = json::parse(std::string(raw.begin(), raw.end()));
      EXPECT_EQ(echoed["path"], "/echo") << echoed.dump();
      EXPECT_NE(echoed.dump().find("n=" + std::to_string(seq)), std::string::npos) << echoed.dump();
    }
    EXPECT_EQ(C2sSeq(s), std::to_string(seq));
    // Replayed on the other node, then on its own: 409, nothing changes.
    for (std::size_t replay_node : {1 - node, node}) {
      const Reply replay = Send(*clients_[replay_node], s, request);
      EXPECT_EQ(replay.status, 409) << replay.body;
      EXPECT_EQ(C2sSeq(s), std::to_string(seq));
    }
  }
  // Request 8 before 7, on either node: 409.
  for (auto& client : clients_) EXPECT_EQ(Send(*client, s, Request(s, 8)).status, 409);
  EXPECT_EQ(C2sSeq(s), "6");

  // Request 7 sent to both nodes at once: exactly one takes it.
  const Sent seven = Request(s, 7);
  auto on_a = std::async(std::launch::async, [&] { return Send(*clients_[0], s, seven).status; });
  auto on_b = std::async(std::launch::async, [&] { return Send(*clients_[1], s, seven).status; });
  std::vector<int> statuses = {on_a.get(), on_b.get()};
  std::sort(statuses.begin(), statuses.end());
  EXPECT_EQ(statuses, (std::vector<int>{200, 409}));
  EXPECT_EQ(C2sSeq(s), "7");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit WHERE action = 'reg.config.issue'"), "4");
}

TEST_P(RegNodes, LoginBegunOnOneNodeFinishesOnTheOther) {
  const std::uint32_t token = serials_[1];
  ASSERT_EQ(Register(token, "bob", Code("bob"), node_b_.get()).exit_code, 0);
  const Session s = LoginVia(token, 1, 0);
  ASSERT_FALSE(s.sid.empty());
  const Reply first = Send(*clients_[1], s, Request(s, 1));
  EXPECT_EQ(first.status, 200) << first.body;
  const Reply replay = Send(*clients_[0], s, Request(s, 1));
  EXPECT_EQ(replay.status, 409) << replay.body;
  EXPECT_NE(replay.body.find("2"), std::string::npos) << replay.body;  // names the next one
}

// Two nodes need a directory both reach: PostgreSQL.
INSTANTIATE_TEST_SUITE_P(Backends, RegNodes, ::testing::Values("postgresql"));

}  // namespace
}  // namespace tessera::testing
