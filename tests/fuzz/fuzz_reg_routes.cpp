// Fuzzes the registration gateway's HTTP endpoints (seed 001,
// services/registration/reg_routes.cpp; docs/registration-api.md) through
// tesserad's Dispatcher: the route and method, the ID in the path, the
// Tessera-Session header and the JSON body all come from the input.
//
// The service runs on a real SQLite directory (a file in /dev/shm when
// there is one) holding a CA row, the gateway's reg_servers row and fixture
// rows in every state a request can meet: registrations started, pending,
// active, refused and expired; sessions in their handshake, open, idle,
// closed, stale and a decoy's. An HSM is out of reach here: the HsmOpener
// answers kUnavailable, so the request decoding, the ID checks, the row
// lookups and state checks, the message decoders, the MAC comparisons and
// whatever runs without a key (the start, a finish) run for real, and a
// step that needs the HSM ends in 503. The fixtures are put back after each
// input that changed the directory, so every input meets the same rows.
//
// Input: byte 0 the route, byte 1 flags, byte 2 the fixture ID in the path
// and the Tessera-Session header (modulo their number). Past the fixtures,
// the input gives the path segment (an ID, an application's name or path,
// or the raw route's whole target) up to its first '\n'. The rest is the
// body, sent as it is or wrapped as the route's client_message / sealed ct
// in base64url (flag 1).
//
// Invariants: no crash, no sanitizer report, no hang, and every answer a
// status in 100..599 that the problem table does not keep for the server's
// own faults (500: kInternal, kCorrupt, kIoError are never the client's).
// FUZZ_REG_ROUTES_TRACE=1 in the environment prints every answer (to see
// how far an input gets).
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/crypto/hash.hpp"
#include "common/ossl.hpp"
#include "common/registration/codes.hpp"
#include "services/directory/stores/ca_store.hpp"
#include "services/directory/stores/reg_store.hpp"
#include "services/directory/stores/user_store.hpp"
#include "services/http/exchange.hpp"
#include "services/jose/jws.hpp"
#include "services/registration/reg_routes.hpp"

namespace {

using namespace tessera;

constexpr std::int64_t kNow = 1'800'000'000;

// The path IDs an input picks by number: registrations, then sessions.
constexpr const char* kFixtureIds[] = {
    "5a000000000000000000000000000001",  // registration: started
    "5a000000000000000000000000000002",  // pending (bob), R3's MAC kPendingMac
    "5a000000000000000000000000000003",  // active (alice, UIDC kUidcMac)
    "5a000000000000000000000000000004",  // refused
    "5a000000000000000000000000000005",  // started, expired
    "5e000000000000000000000000000001",  // session: handshake, A3's MAC kSessionMac
    "5e000000000000000000000000000002",  // open
    "5e000000000000000000000000000003",  // open, idle past session_idle
    "5e000000000000000000000000000004",  // closed
    "5e000000000000000000000000000005",  // handshake, expired
    "5e000000000000000000000000000006",  // handshake of a decoy (no registration)
};
// What the seeds' R3 and A3 carry (tests/fuzz/corpus/fuzz_registration_messages).
const Bytes kPendingMac(32, 0x00);
const Bytes kSessionMac(32, 0x07);
const Bytes kUidcMac(32, 0x33);

Bytes Sha256(ByteView data) { return crypto::DigestOnce(crypto::Hash::kSha256, data).value(); }

Bytes SelfSigned(const char* cn) {
  ossl::PkeyPtr key(EVP_EC_gen("P-256"));
  ossl::X509Ptr cert(X509_new());
  if (!key || !cert) std::abort();
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), kNow - 86400);
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), kNow + 365 * 86400);
  X509_set_pubkey(cert.get(), key.get());
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) std::abort();
  return ossl::CertToDer(cert.get()).value();
}

// What no input changes: the CA, the gateway, the users and an application.
Status InsertStatic(directory::SqlTransaction& tx) {
  TESSERA_RETURN_IF_ERROR(directory::InsertCa(tx, {"issuer",
                                                   std::nullopt,
                                                   "fuzz-hsm",
                                                   "ca-key",
                                                   "p256",
                                                   SelfSigned("issuer"),
                                                   "",
                                                   {},
                                                   kNow - 1000}));
  TESSERA_RETURN_IF_ERROR(directory::InsertRegServer(
      tx, {"default", "fuzz-hsm", "tessera-reg-server", "tessera-reg-kek", "tessera-reg-uidc",
           "issuer", Bytes{0x01}, SelfSigned("gateway"), kNow - 1000}));
  for (const char* id : {"alice", "bob"}) {
    directory::UserRecord user;
    user.id = user.display_name = id;
    user.created_at = kNow - 1000;
    TESSERA_RETURN_IF_ERROR(directory::InsertUser(tx, user));
  }
  return directory::InsertRegApp(tx,
                                 {"demo", "http://127.0.0.1:9", "{}", kNow - 1000, kNow - 1000});
}

Status InsertRegistration(directory::SqlTransaction& tx, int n, std::int64_t expires_at) {
  directory::RegistrationRecord r;
  r.id = kFixtureIds[n];
  r.server = "default";
  r.server_hello = Bytes{0xE1, 0x00};
  r.server_nonce = Bytes(32, static_cast<std::uint8_t>(n));
  r.created_at = r.updated_at = kNow - 400;
  r.expires_at = expires_at;
  return directory::InsertRegistration(tx, r);
}

Status MarkPending(directory::SqlTransaction& tx, int n, const char* user) {
  const directory::PendingRegistration pending{user,
                                               "open",
                                               std::nullopt,
                                               std::nullopt,
                                               Bytes(32, 0x10),
                                               Sha256(kPendingMac),
                                               Bytes(40, 0x11),
                                               kNow + 600};
  return directory::MarkRegistrationPending(tx, kFixtureIds[n], pending, kNow - 300);
}

Status InsertSession(directory::SqlTransaction& tx, int n, bool decoy, std::int64_t created_at,
                     std::int64_t expires_at) {
  directory::RegSessionRecord s;
  s.id = kFixtureIds[n];
  if (!decoy) s.registration_id = kFixtureIds[2];
  s.mac_hash = Sha256(kSessionMac);
  s.keys_wrapped = Bytes(60, 0x22);
  s.created_at = s.last_used_at = created_at;
  s.expires_at = expires_at;
  return directory::InsertRegSession(tx, s);
}

// The rows requests change, as they were.
Status ResetFixtures(directory::SqlTransaction& tx) {
  for (const char* table : {"reg_sessions", "reg_entitlements", "reg_codes", "reg_registrations",
                            "reg_users", "audit"}) {
    TESSERA_RETURN_IF_ERROR(tx.Execute(std::string("DELETE FROM ") + table).status());
  }
  for (int n = 0; n < 4; ++n) TESSERA_RETURN_IF_ERROR(InsertRegistration(tx, n, kNow + 300));
  TESSERA_RETURN_IF_ERROR(InsertRegistration(tx, 4, kNow - 1));
  TESSERA_RETURN_IF_ERROR(MarkPending(tx, 1, "bob"));
  TESSERA_RETURN_IF_ERROR(MarkPending(tx, 2, "alice"));
  TESSERA_ASSIGN_OR_RETURN(std::string uidc, registration::FormatUidc(kUidcMac));
  TESSERA_RETURN_IF_ERROR(
      directory::ConfirmRegistration(tx, kFixtureIds[2], uidc, kNow - 200).status());
  TESSERA_RETURN_IF_ERROR(directory::RefuseRegistration(tx, kFixtureIds[3], kNow - 300));
  TESSERA_RETURN_IF_ERROR(
      directory::GrantEntitlement(tx, {"alice", "demo", R"(["/"])", "fuzz", kNow - 100}).status());

  TESSERA_RETURN_IF_ERROR(InsertSession(tx, 5, false, kNow - 10, kNow + 300));
  TESSERA_RETURN_IF_ERROR(InsertSession(tx, 6, false, kNow - 10, kNow + 300));
  TESSERA_RETURN_IF_ERROR(directory::OpenRegSession(tx, kFixtureIds[6], kNow + 28800, kNow - 5));
  TESSERA_RETURN_IF_ERROR(InsertSession(tx, 7, false, kNow - 2000, kNow - 1700));
  TESSERA_RETURN_IF_ERROR(directory::OpenRegSession(tx, kFixtureIds[7], kNow + 28800, kNow - 2000));
  TESSERA_RETURN_IF_ERROR(InsertSession(tx, 8, false, kNow - 10, kNow + 300));
  TESSERA_RETURN_IF_ERROR(directory::CloseRegSession(tx, kFixtureIds[8], kNow - 5));
  TESSERA_RETURN_IF_ERROR(InsertSession(tx, 9, false, kNow - 400, kNow - 100));
  return InsertSession(tx, 10, true, kNow - 10, kNow + 300);
}

struct World {
  std::filesystem::path dir;
  std::shared_ptr<directory::Database> db;
  std::shared_ptr<registration::RegistrationService> service;
  http::Router router;
  http::Metrics metrics;
  http::Dispatcher dispatcher{router, metrics, nullptr};
  std::int64_t clean_changes = -1;  // SQLite's total_changes() after the last reset

  World() {
    const std::filesystem::path base =
        std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    dir = base / ("tessera-fuzz-reg-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto opened = directory::OpenDatabase("sqlite:" + (dir / "directory.db").string());
    if (!opened.ok()) Die(opened.status());
    db = std::shared_ptr<directory::Database>(std::move(opened).value());
    Check(db->Transact(InsertStatic));
    const ca::HsmOpener no_hsm = [](const std::string& name) -> Result<hsm::HsmToken> {
      return Status::Unavailable("fuzz: HSM '" + name + "' is not reachable");
    };
    auto ca_service =
        std::make_shared<ca::CaService>(db, no_hsm, ca::CaOptions{}, [] { return kNow; });
    registration::RegistrationOptions options;
    options.public_url = "https://gateway.test:8443";
    service = std::make_shared<registration::RegistrationService>(db, ca_service, no_hsm, options);
    registration::AddRegistrationRoutes(router, service);
    Reset();
  }
  ~World() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  static void Die(const Status& s) {
    std::fprintf(stderr, "fuzz_reg_routes setup: %s\n", s.ToString().c_str());
    std::abort();
  }
  static void Check(const Status& s) {
    if (!s.ok()) Die(s);
  }

  std::int64_t Changes() {
    std::int64_t n = -1;
    // The writer's connection: Read() runs on another.
    Check(db->Transact([&](directory::SqlTransaction& tx) -> Status {
      TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT total_changes()"));
      TESSERA_ASSIGN_OR_RETURN(n, rows.at(0).Int(0));
      return Status::Ok();
    }));
    return n;
  }

  // The fixture rows as they were, if the last input changed any row.
  void Reset() {
    if (clean_changes >= 0 && Changes() == clean_changes) return;
    Check(db->Transact(ResetFixtures));
    clean_changes = Changes();
  }
};

constexpr std::string_view kRoutes[] = {
    "POST /reg/registrations",
    "POST /reg/registrations/{}/exchange",
    "POST /reg/registrations/{}/confirm",
    "POST /reg/sessions",
    "POST /reg/sessions/{}/finish",
    "POST /reg/sessions/{}/entitlements",
    "DELETE /reg/sessions/{}",
    "POST /app/{}",
    "POST /app/demo/v1/{}",
    "GET /reg/openapi.json",
    "* {}",
};
constexpr std::string_view kRawMethods[] = {"GET", "POST", "DELETE", "PUT"};

enum Flags : std::uint8_t {
  kWrap = 0x01,           // the body is the client_message / sealed ct
  kSessionHeader = 0x02,  // Tessera-Session: the ID
  kTextPlain = 0x04,      // Content-Type text/plain, not JSON
  kQuery = 0x08,          // "?x=1" after the path
  kSeqShift = 4,          // bits 4-5: seq 1..4 of a wrapped sealed body;
                          // the raw route's method
};

std::string WrappedBody(std::string_view route, std::uint8_t flags, std::string_view rest) {
  const std::string b64 = jose::Base64UrlEncode(AsBytes(rest));
  const bool sealed = route.find("/entitlements") != std::string_view::npos ||
                      route.starts_with("DELETE") || route.find("/app/") != std::string_view::npos;
  if (sealed) {
    return R"({"seq":)" + std::to_string(1 + ((flags >> kSeqShift) & 3)) + R"(,"ct":")" + b64 +
           "\"}";
  }
  return R"({"client_message":")" + b64 + "\"}";
}

void CheckAnswer(const http::WireResponse& response, const std::string& target) {
  const unsigned status = response.result_int();
  static const bool trace = std::getenv("FUZZ_REG_ROUTES_TRACE") != nullptr;
  if (trace) std::fprintf(stderr, "%u %s %s\n", status, target.c_str(), response.body().c_str());
  if (status >= 100 && status <= 599 && status != 500) return;
  std::fprintf(stderr, "fuzz_reg_routes: %u for %s: %s\n", status, target.c_str(),
               response.body().c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  if (size < 3) return 0;
  const std::string_view route = kRoutes[data[0] % std::size(kRoutes)];
  const std::uint8_t flags = data[1];
  std::string_view rest(reinterpret_cast<const char*>(data + 3), size - 3);
  const std::string fixture = kFixtureIds[data[2] % std::size(kFixtureIds)];
  std::optional<std::string> segment;
  if (data[2] >= std::size(kFixtureIds)) {
    const std::size_t end = std::min(rest.find('\n'), std::min<std::size_t>(rest.size(), 256));
    segment = std::string(rest.substr(0, end));
    rest.remove_prefix(std::min(rest.size(), end + 1));
  }

  std::string method(route.substr(0, route.find(' ')));
  std::string target(route.substr(route.find(' ') + 1));
  if (method == "*") method = kRawMethods[(flags >> kSeqShift) & 3];
  // An application's name or path, else a registration or session ID.
  const bool app = target.starts_with("/app/");
  if (const std::size_t at = target.find("{}"); at != std::string::npos) {
    target.replace(at, 2, segment ? *segment : app ? "demo" : fixture);
  }
  if ((flags & kQuery) != 0) target += "?x=1";

  http::WireRequest wire{http::bhttp::string_to_verb(method), target, 11};
  if (wire.method() == http::bhttp::verb::unknown) wire.method_string(method);
  wire.set(http::bhttp::field::host, "gateway.test");
  wire.set(http::bhttp::field::content_type,
           (flags & kTextPlain) != 0 ? "text/plain" : "application/json");
  if ((flags & kSessionHeader) != 0) wire.set("Tessera-Session", fixture);
  wire.body() = (flags & kWrap) != 0 ? WrappedBody(route, flags, rest) : std::string(rest);
  wire.prepare_payload();

  world.Reset();
  CheckAnswer(world.dispatcher.Handle(std::move(wire),
                                      http::ConnectionInfo{"127.0.0.1:1", "", "", ""}, true),
              target);
  return 0;
}
