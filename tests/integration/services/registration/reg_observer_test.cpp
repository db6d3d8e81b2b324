// A passive observer of the registration protocol (issue 14; docs/
// registration-protocol.md "What changes from the seed"). The gateway runs
// in process (RegServiceTest: SoftHSM2, the issuer CA, SQLite or
// PostgreSQL) behind its own route layer (http::Router with
// AddRegistrationRoutes, real http::Request objects), SoftToken plays the
// token, and every byte that crosses the wire is recorded: each request
// target and JSON body, each answer body, for a registration (R0..R3), a
// login (A1..A3) and four session requests (entitlements twice, a refused
// replay, the logout).
//
// The observer takes from that every byte string of 16 bytes or more: the
// bodies, each JSON string, its base64url or hex decoding, and inside the
// decoded bytes each BER-TLV value, recursively (R0's certificate, Ns, the
// IDs, R1's Ec and C1, C2, Mconf, A1's UIDC, Nc and Ec, A2's session ID, Ns,
// Es and Ms, Mc, each record's ct), each point's X and Y. It then tries to
// reach K, SES and the two record keys:
//   - every 16- and 32-byte window of every string, and each of their XORs
//     (window by window, at every pair of offsets: all pairwise XORs
//     truncated to the shorter, and more);
//   - SHA-256 of every string and window;
//   - for every pair of whole strings, SHA-256 of the concatenation (both
//     orders) and HMAC-SHA-256 keyed by either;
//   - the seed's own combinations, named: Ns xor Nc, and each ciphertext
//     (C1, C2, Ms, Mc, the records) xor each nonce.
// None may equal a secret.
//
// What the seed's observer would get: its SES is E_K(N1) xor N2 with both
// E_K(N1) (sent as "the number encrypted under the shared secret") and N2
// crossing the network, so an observer XORs two recorded strings and holds
// the session key. The positive control below puts such a pair into a copy
// of the recording and shows that the same search finds that SES: the
// search would catch the seed's construction, and does not find Tessera's
// (SES comes from an ephemeral ECDH secret Z that never crosses the wire).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <unordered_set>

#include "common/registration/messages.hpp"
#include "common/registration/records.hpp"
#include "common/tlv.hpp"
#include "services/http/router.hpp"
#include "services/jose/jws.hpp"
#include "services/registration/reg_routes.hpp"
#include "tests/integration/services/registration/reg_service_fixture.hpp"

namespace tessera::registration::testing {
namespace {

using nlohmann::json;

std::string Key(ByteView b) { return {b.begin(), b.end()}; }

// What the observer holds: whole strings (for the pairs) and every window.
class Observation {
 public:
  // A byte string seen on the wire, and what it decodes to.
  void Add(ByteView bytes, const std::string& where, int depth = 0) {
    if (bytes.size() >= 16) Insert(bytes, where);
    if (depth > 6 || bytes.size() < 2) return;
    // BER-TLV inside (the messages, the certificate's DER): each value.
    Result<std::vector<Tlv>> tlvs = ParseTlvs(bytes);
    if (!tlvs.ok() || tlvs->empty()) return;
    for (const Tlv& t : *tlvs) {
      const std::string at = where + "/" + TagHex(t.tag);
      Add(t.value, at, depth + 1);
      if (t.value.size() == kPointSize && t.value[0] == 0x04) {  // X and Y of a point
        Insert(t.value.subspan(1, 32), at + ".x");
        Insert(t.value.subspan(33, 32), at + ".y");
      }
    }
  }
  // A JSON body: itself, and each string in it, decoded where it decodes.
  void AddJson(const std::string& body, const std::string& where) {
    Add(AsBytes(body), where);
    const json j = json::parse(body, nullptr, false);
    if (!j.is_discarded()) Walk(j, where);
  }

  const std::map<std::string, std::string>& wholes() const { return wholes_; }
  const std::unordered_set<std::string>& w16() const { return w16_; }
  const std::unordered_set<std::string>& w32() const { return w32_; }
  // The first recorded value at a path ending in `suffix`.
  Bytes Find(const std::string& suffix) const {
    for (const auto& [bytes, where] : wholes_) {
      if (where.size() >= suffix.size() &&
          where.compare(where.size() - suffix.size(), suffix.size(), suffix) == 0) {
        return Bytes(bytes.begin(), bytes.end());
      }
    }
    return {};
  }
  std::vector<Bytes> All(const std::string& suffix) const {
    std::vector<Bytes> out;
    for (const auto& [bytes, where] : wholes_) {
      if (where.ends_with(suffix)) out.emplace_back(bytes.begin(), bytes.end());
    }
    return out;
  }
  void Insert(ByteView bytes, const std::string& where) {
    wholes_.emplace(Key(bytes), where);
    for (std::size_t n : {std::size_t{16}, std::size_t{32}}) {
      for (std::size_t i = 0; i + n <= bytes.size(); ++i) {
        (n == 16 ? w16_ : w32_).insert(Key(bytes.subspan(i, n)));
      }
    }
  }

 private:
  void Walk(const json& j, const std::string& where) {
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) Walk(v, where + "." + k);
    } else if (j.is_array()) {
      for (std::size_t i = 0; i < j.size(); ++i) Walk(j[i], where + "[" + std::to_string(i) + "]");
    } else if (j.is_string()) {
      const std::string s = j.get<std::string>();
      Add(AsBytes(s), where);
      if (Result<Bytes> b = jose::Base64UrlDecode(s); b.ok()) Add(*b, where + "~b64");
      if (Result<Bytes> h = FromHex(s); h.ok()) Add(*h, where + "~hex");
    }
  }

  std::map<std::string, std::string> wholes_;  // bytes -> where first seen
  std::unordered_set<std::string> w16_, w32_;
};

Bytes Xor(ByteView a, ByteView b) {
  Bytes out(std::min(a.size(), b.size()));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = a[i] ^ b[i];
  return out;
}

// SHA-256 of a || b, on one context and one fetched digest: hundreds of
// thousands of calls.
std::string Sha256(ByteView a, ByteView b = {}) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                                 &EVP_MD_CTX_free);
  unsigned char d[SHA256_DIGEST_LENGTH];
  unsigned int n = 0;
  EVP_DigestInit_ex(ctx.get(), md, nullptr);
  EVP_DigestUpdate(ctx.get(), a.data(), a.size());
  EVP_DigestUpdate(ctx.get(), b.data(), b.size());
  EVP_DigestFinal_ex(ctx.get(), d, &n);
  return std::string(reinterpret_cast<char*>(d), n);
}

Bytes Plain(const SecureBytes& s) { return Bytes(s.view().begin(), s.view().end()); }

// Every way above in which the observer might reach `secret` (32 bytes);
// the findings, each naming how.
std::vector<std::string> Search(const Observation& o, const Bytes& secret) {
  std::vector<std::string> found;
  const std::string s = Key(secret);
  const std::string halves[2] = {s.substr(0, 16), s.substr(16)};
  // Plainly present, or as the XOR of two windows at any offsets.
  if (o.w32().contains(s)) found.push_back("a 32-byte window");
  for (const std::string& w : o.w32()) {
    if (o.w32().contains(Key(Xor(AsBytes(w), secret)))) found.push_back("XOR of 32-byte windows");
  }
  for (const std::string& w : o.w16()) {
    for (const std::string& h : halves) {
      if (o.w16().contains(Key(Xor(AsBytes(w), AsBytes(h))))) {
        found.push_back("XOR of 16-byte windows gives a half");
      }
    }
  }
  // SHA-256 of each string and window.
  for (const auto& [w, where] : o.wholes()) {
    if (Sha256(AsBytes(w)) == s) found.push_back("SHA-256 of " + where);
  }
  for (const auto* set : {&o.w16(), &o.w32()}) {
    for (const std::string& w : *set) {
      if (Sha256(AsBytes(w)) == s) found.push_back("SHA-256 of a window");
    }
  }
  // Each pair of whole strings (both orders): SHA-256 of a || b, HMAC(a, b).
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  for (const auto& [a, wa] : o.wholes()) {
    for (const auto& [b, wb] : o.wholes()) {
      if (Sha256(AsBytes(a), AsBytes(b)) == s) found.push_back("SHA-256(" + wa + " || " + wb + ")");
      HMAC(EVP_sha256(), a.data(), static_cast<int>(a.size()),
           reinterpret_cast<const unsigned char*>(b.data()), b.size(), mac, &mac_len);
      if (std::string(reinterpret_cast<char*>(mac), mac_len) == s) {
        found.push_back("HMAC(" + wa + ", " + wb + ")");
      }
    }
  }
  return found;
}

class RegObserver : public RegServiceTest {
 protected:
  void SetUp() override {
    RegServiceTest::SetUp();
    if (HasFatalFailure()) return;
    Bring();
    if (HasFatalFailure()) return;
    // The routes on a non-owning pointer: the fixture owns the service.
    AddRegistrationRoutes(router_, std::shared_ptr<RegistrationService>(&service(), [](auto*) {}));
  }

  // One request through the routes; the target and both bodies recorded.
  json Call(const std::string& method, const std::string& target, const std::string& body,
            int expect = 200, std::vector<std::pair<std::string, std::string>> headers = {}) {
    const std::string tag = method + " " + target.substr(0, 40);
    http::Request request;
    request.method = method;
    request.target = target;
    request.path = target.substr(0, target.find('?'));
    request.headers = std::move(headers);
    request.headers.emplace_back("content-type", "application/json");
    request.body = body;
    request.request_id = "observer-" + std::to_string(++calls_);
    request.remote = "127.0.0.1:40000";
    Result<http::Router::Match> match = router_.Find(method, request.path);
    EXPECT_TRUE(match.ok()) << tag << ": " << match.status().ToString();
    if (!match.ok()) return nullptr;
    request.params = match->params;
    seen_.Add(AsBytes(target), "target");
    seen_.AddJson(body, tag + " request");
    Result<http::Response> response = (*match->handler)(request);
    if (!response.ok()) {
      EXPECT_EQ(expect, 0) << tag << ": " << response.status().ToString();
      return nullptr;
    }
    EXPECT_EQ(response->status, expect) << tag << ": " << response->body;
    seen_.AddJson(response->body, tag + " answer");
    return json::parse(response->body, nullptr, false);
  }
  static std::string Message(ByteView bytes) {
    return json{{"client_message", jose::Base64UrlEncode(bytes)}}.dump();
  }
  std::string SealedBody(const Bytes& ses, const std::string& sid, std::uint64_t seq,
                         const std::string& method, const std::string& path,
                         const std::string& plaintext) {
    const SecureBytes key = RecordKey(ses, Direction::kClientToServer).value();
    const Bytes ct =
        SealRecord(key.view(), Direction::kClientToServer, seq,
                   RequestAad(FromHex(sid).value(), seq, method, path), AsBytes(plaintext))
            .value();
    return json{{"seq", seq}, {"ct", jose::Base64UrlEncode(ct)}}.dump();
  }

  // Registration, login and four session requests, all through the routes.
  void Record(SoftToken& token) {
    const json started = Call("POST", "/reg/registrations", "{}", 201);
    ASSERT_TRUE(started.is_object());
    const std::string id = started["registration_id"].get<std::string>();
    const Bytes r0 = jose::Base64UrlDecode(started["server_hello"].get<std::string>()).value();
    const Bytes r1 = token.Begin(r0, service().Now(), UserInfoOf("alice", Code("alice"))).value();
    const json exchanged = Call("POST", "/reg/registrations/" + id + "/exchange", Message(r1));
    ASSERT_TRUE(exchanged.is_object());
    const Bytes r3 =
        token.Finish(jose::Base64UrlDecode(exchanged["server_message"].get<std::string>()).value())
            .value();
    ASSERT_TRUE(Call("POST", "/reg/registrations/" + id + "/confirm", Message(r3)).is_object());

    const json challenge = Call("POST", "/reg/sessions", Message(token.AuthBegin().value()), 201);
    ASSERT_TRUE(challenge.is_object());
    sid_ = challenge["session_id"].get<std::string>();
    const Bytes a3 =
        token
            .AuthFinish(
                jose::Base64UrlDecode(challenge["server_message"].get<std::string>()).value())
            .value();
    ASSERT_TRUE(Call("POST", "/reg/sessions/" + sid_ + "/finish", Message(a3)).is_object());

    const std::string path = "/reg/sessions/" + sid_ + "/entitlements";
    const std::string request = json{{"user_id_code", token.uidc()}}.dump();
    for (std::uint64_t seq : {1, 2}) {
      ASSERT_TRUE(Call("POST", path, SealedBody(token.ses(), sid_, seq, "POST", path, request))
                      .is_object());
    }
    // A replayed record: refused (409) before any answer is sealed.
    Call("POST", path, SealedBody(token.ses(), sid_, 2, "POST", path, request), 0);
    const std::string session = "/reg/sessions/" + sid_;
    Call("DELETE", session, SealedBody(token.ses(), sid_, 3, "DELETE", session, "{}"), 204);
  }

  http::Router router_;
  Observation seen_;
  std::string sid_;
  int calls_ = 0;
};

TEST_P(RegObserver, NothingOnTheWireGivesKSesOrTheRecordKeys) {
  SoftToken token(issuer_point());
  ASSERT_NO_FATAL_FAILURE(Record(token));
  ASSERT_EQ(token.k().size(), 32u);
  ASSERT_EQ(token.ses().size(), 32u);
  EXPECT_EQ(Scalar("SELECT state FROM reg_sessions WHERE id = '" + sid_ + "'"), "closed");
  EXPECT_EQ(Count("SELECT c2s_seq FROM reg_sessions WHERE id = '" + sid_ + "'"), 3);

  // The recording holds what the protocol sends (the decoders found them).
  const Bytes ns = seen_.Find("server_hello~b64/e1/80");
  const Bytes nc = seen_.Find("request.client_message~b64/e5/8e");
  const Bytes ns_login = seen_.Find("answer.server_message~b64/e6/80");
  ASSERT_EQ(ns.size(), 32u);
  ASSERT_EQ(nc.size(), 32u);
  ASSERT_EQ(ns_login.size(), 32u);
  std::vector<Bytes> ciphertexts = seen_.All("/e2/87");                  // C1
  for (const Bytes& c : seen_.All("/e3/88")) ciphertexts.push_back(c);   // C2
  for (const Bytes& c : seen_.All("/91")) ciphertexts.push_back(c);      // Ms
  for (const Bytes& c : seen_.All("/e7/92")) ciphertexts.push_back(c);   // Mc
  for (const Bytes& c : seen_.All(".ct~b64")) ciphertexts.push_back(c);  // records
  // C1, C2, Ms, Mc; three sealed requests (the replay is request 2's bytes)
  // and two sealed answers (the logout's 204 has no body).
  EXPECT_EQ(ciphertexts.size(), 4u + 3u + 2u);

  struct Secret {
    const char* name;
    Bytes value;
  };
  const std::vector<Secret> secrets = {
      {"K", token.k()},
      {"SES", token.ses()},
      {"c2s record key", Plain(RecordKey(token.ses(), Direction::kClientToServer).value())},
      {"s2c record key", Plain(RecordKey(token.ses(), Direction::kServerToClient).value())},
  };
  for (const Secret& secret : secrets) {
    SCOPED_TRACE(secret.name);
    ASSERT_EQ(secret.value.size(), 32u);
    // The seed's combinations, by name.
    EXPECT_NE(Xor(ns_login, nc), secret.value) << "Ns xor Nc";
    EXPECT_NE(Xor(ns, nc), secret.value);
    for (const Bytes& c : ciphertexts) {
      for (const Bytes* n : {&ns, &nc, &ns_login}) {
        EXPECT_NE(Xor(c, *n), secret.value) << "a ciphertext xor a nonce";
      }
    }
    // Everything else the observer can compute.
    const std::vector<std::string> found = Search(seen_, secret.value);
    EXPECT_TRUE(found.empty()) << secret.name << " reached by " << found.front();
  }
  RecordProperty("strings", static_cast<int>(seen_.wholes().size()));
  RecordProperty("windows", static_cast<int>(seen_.w16().size() + seen_.w32().size()));
}

// The positive control: the seed's SES = E_K(N1) xor N2, with E_K(N1) and
// N2 on the wire, is what the search finds.
TEST_P(RegObserver, TheSearchFindsTheSeedsSessionKey) {
  SoftToken token(issuer_point());
  ASSERT_NO_FATAL_FAILURE(Record(token));
  Observation seed = seen_;
  const Bytes n1 = seen_.Find("request.client_message~b64/e5/8e");  // the token's number
  const Bytes n2 = seen_.Find("answer.server_message~b64/e6/80");   // the server's number
  ASSERT_EQ(n1.size(), 32u);
  // E_K(N1): AES-256 of N1 under K (two ECB blocks, the seed names no mode).
  Bytes e(48);
  int len = 0, tail = 0;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ASSERT_EQ(EVP_EncryptInit_ex(ctx, EVP_aes_256_ecb(), nullptr, token.k().data(), nullptr), 1);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  ASSERT_EQ(EVP_EncryptUpdate(ctx, e.data(), &len, n1.data(), 32), 1);
  ASSERT_EQ(EVP_EncryptFinal_ex(ctx, e.data() + len, &tail), 1);
  EVP_CIPHER_CTX_free(ctx);
  e.resize(32);
  seed.Add(EncodeTlv(0x5E, e), "seed: E_K(N1)");
  const Bytes seed_ses = Xor(e, n2);
  const std::vector<std::string> found = Search(seed, seed_ses);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.front(), "XOR of 32-byte windows");
  // And the same search over Tessera's recording alone does not.
  EXPECT_TRUE(Search(seen_, seed_ses).empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, RegObserver, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace tessera::registration::testing
