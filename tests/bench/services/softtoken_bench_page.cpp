// softtoken_bench's page under load (softtoken_bench.hpp): --users threads,
// each with its own kept-alive mTLS connection to tesserad. The client
// certificates are the cards' 9A certificates (user i uses card i mod the
// cards given); each connection makes one full handshake, signed on its
// card, before the clock starts (the handshakes are serialised per card,
// as the card serialises them), and then only kept-alive requests: the
// signatures the cards make during the phases are counted and printed
// (0 means no connection was made again). TLS session resumption is not
// used. Each user cycles through three requests, all of them answered by
// the card's status check first (docs/softtoken-api.md "Channel 2"):
//   GET  /softtoken/                     200, the password form;
//   POST /softtoken/ otp=12              400, a malformed password (the
//                                        form again; a refusal audit record);
//   POST /softtoken/ otp=<10 random>     404, a well-formed wrong password
//                                        that names no pending request (no
//                                        try is spent: none is pending).
// The baseline is GET /healthz on the same connections, the same threads.
#include <random>

#include "tests/bench/services/softtoken_bench.hpp"

namespace tessera::stbench {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

struct Kind {
  const char* name;
  const char* method;
  int status;
};
constexpr Kind kKinds[] = {{"page-get", "GET", 200},
                           {"page-post-malformed", "POST", 400},
                           {"page-post-wrong", "POST", 404}};

struct User {
  std::optional<cli::HttpsClient> http;
  std::mt19937 random{std::random_device{}()};
  std::size_t next = 0;
  std::vector<double> ms[3];  // by kind
};

Result<bool> PageRequest(User& u) {
  const std::size_t kind = u.next++ % 3;
  std::string body;
  if (kind == 1) body = "otp=12";
  if (kind == 2) {
    body = "otp=";
    for (int i = 0; i < 10; ++i) body += kCrockford[u.random() % 32];
  }
  const auto start = Clock::now();
  TESSERA_ASSIGN_OR_RETURN(
      cli::HttpResponse r,
      u.http->Send(kKinds[kind].method, "/softtoken/",
                   kind == 0 ? "" : "application/x-www-form-urlencoded", body));
  u.ms[kind].push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  if (r.status != kKinds[kind].status) {
    return Status::Internal(std::string(kKinds[kind].name) + ": HTTP " + std::to_string(r.status) +
                            ", not " + std::to_string(kKinds[kind].status));
  }
  return true;
}

long Handshakes(const std::vector<std::unique_ptr<Card>>& cards) {
  long n = 0;
  for (const auto& c : cards) n += c->handshakes.load();
  return n;
}

}  // namespace

std::vector<Figure> PageLoad(const Options& o) {
  std::vector<Figure> out{Figure("page"), Figure("https-healthz")};
  auto fail = [&](const Status& s) {
    for (Figure& f : out) f.Failed(s);
    return out;
  };
  std::vector<std::unique_ptr<Card>> cards;
  for (std::uint32_t serial : o.cards) {
    auto card = OpenCard(o, serial);
    if (!card.ok()) return fail(card.status().Prefixed("card " + std::to_string(serial) + ": "));
    cards.push_back(std::move(*card));
  }
  std::vector<User> users(o.users);
  for (std::size_t i = 0; i < users.size(); ++i) {
    auto http =
        cli::HttpsClient::Connect({o.server, o.ca_file, cards[i % cards.size()]->certificate, 60});
    if (!http.ok()) return fail(http.status());
    users[i].http.emplace(std::move(*http));
    auto warm = users[i].http->Send("GET", "/healthz", "", "");  // the handshake
    if (!warm.ok()) return fail(warm.status().Prefixed("user " + std::to_string(i) + ": "));
  }
  const long before = Handshakes(cards);
  std::printf("softtoken-bench page-connections users=%zu cards=%zu handshakes=%ld\n", users.size(),
              cards.size(), before);

  Run(out[0], users.size(), o.seconds,
      [&](std::size_t w, Split&) -> Result<bool> { return PageRequest(users[w]); });
  Run(out[1], users.size(), o.seconds, [&](std::size_t w, Split&) -> Result<bool> {
    TESSERA_ASSIGN_OR_RETURN(cli::HttpResponse r, users[w].http->Send("GET", "/healthz", "", ""));
    if (r.status != 200) return Status::Unavailable("GET /healthz: " + std::to_string(r.status));
    return true;
  });
  std::printf("softtoken-bench page-connections handshakes_during_phases=%ld\n",
              Handshakes(cards) - before);

  // The page's requests by kind: their share of the rate, their latencies.
  for (std::size_t k = 0; k < 3; ++k) {
    Figure f(kKinds[k].name);
    f.threads = out[0].threads;
    f.seconds = out[0].seconds;
    for (User& u : users) f.latency_ms.insert(f.latency_ms.end(), u.ms[k].begin(), u.ms[k].end());
    f.ops = static_cast<long>(f.latency_ms.size());
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace tessera::stbench
