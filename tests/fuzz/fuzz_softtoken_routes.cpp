// Fuzzes the soft-token service's HTTP endpoints (seed 002, issue 15;
// services/softtoken/st_routes.cpp and st_page.cpp, docs/softtoken-api.md)
// through tesserad's Dispatcher: channel 1's JSON API, channel 2's JSON API
// and the page's form posts; the route, the path segment, the client
// certificate, the TLS exporter and the body all come from the input.
//
// The service runs on a real SQLite directory (a file in /dev/shm when
// there is one) holding an issuing CA with the soft-token issuer's row and
// certificate, a user whose name is markup, a CMS card with an active
// binding and its 9A certificates (valid, revoked, expired), a second card
// whose binding is revoked, and fixture rows in every state the service
// meets: requests pending (with known passwords), pending past their time,
// matched (with a known confirmation, by this card or another), issued,
// burned, refused, expired; soft tokens kept, delivered to the device, and
// revoked; nonces fresh, used and expired. The device key of the requests
// and a manufacturer chain that attests it are the harness's, so an input
// can ask the harness to sign a proof of possession (flag kSign) and get
// past the attestation and signature to the nonce, the handle and the row.
// An HSM is out of reach: the HsmOpener answers kUnavailable, so issuing and
// the status list end in 503. The fixtures are put back after each input
// that changed the directory, so every input meets the same rows.
//
// Input: byte 0 the route, byte 1 flags, byte 2 the fixture in the path
// (past the fixtures: the path segment is the input's, up to its first
// '\n'), byte 3 which member of the body the rest replaces and how. The rest
// is the body: sent as it is, or as one member of a JSON object or one field
// of a form whose other members are the fixtures' right values.
//
// Invariants: no crash, no sanitizer report, no hang; every answer a status
// in 100..599 and never 500 (kInternal, kCorrupt, kIoError are never the
// client's); a text/html answer carries the page's Content-Security-Policy
// and never the bytes "<script" in any case (every value from outside is
// escaped, and the fixture user's name is a script element).
// FUZZ_SOFTTOKEN_ROUTES_TRACE=1 in the environment prints every answer.
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "common/crypto/hash.hpp"
#include "common/ossl.hpp"
#include "services/directory/stores/ca_store.hpp"
#include "services/directory/stores/cms_store.hpp"
#include "services/directory/stores/softtoken_store.hpp"
#include "services/directory/stores/user_store.hpp"
#include "services/http/exchange.hpp"
#include "services/jose/jws.hpp"
#include "services/softtoken/device_proof.hpp"
#include "services/softtoken/otp.hpp"
#include "services/softtoken/st_routes.hpp"

namespace {

using namespace tessera;

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::int64_t kDay = 86400;
constexpr std::uint32_t kCard = 12345678;     // alice's ID card, bound and active
constexpr std::uint32_t kOldCard = 87654321;  // bob's, its binding revoked
constexpr std::uint32_t kDevice = 42424242;   // the attested device token
constexpr const char* kCa = "issuing";

// Requests (5f...), soft tokens (7f...), the status list, an unknown ID.
constexpr const char* kFixtureIds[] = {
    "5f000000000000000000000000000001",  // 0 pending, OTP ABCDE-FGHJK, 5 tries, sd-jwt-vc, both
    "5f000000000000000000000000000002",  // 1 pending, OTP MNPQR-STVWX, 1 try, x509, device
    "5f000000000000000000000000000003",  // 2 pending past expires_at, OTP XYZ01-23456
    "5f000000000000000000000000000004",  // 3 matched by alice's card, kConfirm, ABC-DEF
    "5f000000000000000000000000000005",  // 4 matched by the revoked certificate
    "5f000000000000000000000000000006",  // 5 matched, x509, computer
    "5f000000000000000000000000000007",  // 6 issued, token 7f..01, both, not yet polled
    "5f000000000000000000000000000008",  // 7 issued, token 7f..02, device
    "5f000000000000000000000000000009",  // 8 burned
    "5f00000000000000000000000000000a",  // 9 refused
    "5f00000000000000000000000000000b",  // 10 expired
    "5f00000000000000000000000000000c",  // 11 matched, past expires_at
    "7f000000000000000000000000000001",  // 12 token of request 6
    "7f000000000000000000000000000002",  // 13 token of request 7 (device only)
    "7f000000000000000000000000000003",  // 14 token revoked, its request gone
    "default",                           // 15 the status list
    "5f0000000000000000000000000000ff",  // 16 no such request
};
struct OtpFixture {
  const char* handle;
  const char* secret;
};
constexpr OtpFixture kOtps[] = {{"ABC", "DEFGHJK"}, {"MNP", "QRSTVWX"}, {"XYZ", "0123456"}};
const Bytes kConfirm(32, 0x44);
const Bytes kExporter(32, 0x5A);
const Bytes kFreshNonce(32, 0xA1), kUsedNonce(32, 0xA2), kExpiredNonce(32, 0xA3);

Bytes Sha256(ByteView data) { return crypto::DigestOnce(crypto::Hash::kSha256, data).value(); }

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "fuzz_softtoken_routes setup: %s\n", what.c_str());
  std::abort();
}
void Check(const Status& s) {
  if (!s.ok()) Die(s.ToString());
}
template <typename T>
T Value(Result<T> r) {
  if (!r.ok()) Die(r.status().ToString());
  return std::move(r).value();
}

ossl::PkeyPtr NewKey() {
  ossl::PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) Die("EVP_EC_gen");
  return key;
}

void AddName(X509_NAME* name, const char* field, const std::string& value) {
  X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(value.data()),
                             static_cast<int>(value.size()), -1, 0);
}

void AddExtension(X509* cert, int nid, const char* value) {
  ossl::X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, nullptr, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) Die("X509V3_EXT_conf_nid");
}

// A certificate for `key` named CN=`cn` (O=`o`), signed by `signer` as
// `issuer` (itself when null), valid `not_before`..`not_after`.
ossl::X509Ptr MakeCert(EVP_PKEY* key, const std::string& cn, const std::string& o, long serial,
                       X509* issuer, EVP_PKEY* signer, bool ca, std::int64_t not_before,
                       std::int64_t not_after) {
  ossl::X509Ptr cert(X509_new());
  if (!cert) Die("X509_new");
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_NAME* name = X509_get_subject_name(cert.get());
  AddName(name, "CN", cn);
  if (!o.empty()) AddName(name, "O", o);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), not_before);
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), not_after);
  X509_set_pubkey(cert.get(), key);
  if (ca) AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  if (X509_sign(cert.get(), signer ? signer : key, EVP_sha256()) <= 0) Die("X509_sign");
  return cert;
}

Bytes Der(X509* cert) { return Value(ossl::CertToDer(cert)); }

// ES256 r || s by the harness's device key (device_proof.hpp).
Bytes SignEs256(EVP_PKEY* key, ByteView message) {
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, message.data(), message.size()) != 1) {
    Die("EVP_DigestSign");
  }
  Bytes der(size);
  if (EVP_DigestSign(ctx.get(), der.data(), &size, message.data(), message.size()) != 1) {
    Die("EVP_DigestSign");
  }
  der.resize(size);
  return Value(jose::EcdsaDerToJose(der, 32));
}

// The client certificates an input may present (flags bits 0-2).
enum class Card { kNone, kAlice, kRevoked, kUnbound, kExpired, kForeign, kGarbage, kAlice2 };

struct Pki {
  ossl::PkeyPtr ca_key = NewKey(), device_key = NewKey();
  ossl::X509Ptr ca_cert;
  Bytes issuer_cert, manufacturer, f9, statement, device_spki;
  Bytes alice, revoked, unbound, expired, foreign;

  Pki() {
    ca_cert = MakeCert(ca_key.get(), "Fuzz Issuing CA", "Tessera", 1, nullptr, nullptr, true,
                       kNow - 10 * kDay, kNow + 3650 * kDay);
    ossl::PkeyPtr issuer_key = NewKey(), card_key = NewKey();
    issuer_cert = Der(MakeCert(issuer_key.get(), "Tessera soft-token issuer default", "", 0x10,
                               ca_cert.get(), ca_key.get(), false, kNow - kDay, kNow + 365 * kDay)
                          .get());
    // The 9A certificates: the subject's markup shows on every page.
    const std::string cn = "Alice <script>alert(1)</script>";
    const std::string o = "Example\"><script>x</script>";
    auto card_cert = [&](long serial, std::int64_t not_after) {
      return Der(MakeCert(card_key.get(), cn, o, serial, ca_cert.get(), ca_key.get(), false,
                          kNow - 30 * kDay, not_after)
                     .get());
    };
    alice = card_cert(0x20, kNow + 365 * kDay);
    revoked = card_cert(0x21, kNow + 365 * kDay);
    unbound = card_cert(0x22, kNow + 365 * kDay);
    expired = card_cert(0x23, kNow - kDay);
    foreign = Der(MakeCert(card_key.get(), "Stranger", "", 0x20, nullptr, nullptr, false,
                           kNow - kDay, kNow + kDay)
                      .get());

    // The device: manufacturer CA -> F9 -> ATTEST 9e statement with the
    // serial extension (services/trust/attestation.hpp).
    ossl::PkeyPtr maker_key = NewKey(), f9_key = NewKey();
    ossl::X509Ptr maker = MakeCert(maker_key.get(), "Fuzz Manufacturer CA", "", 1, nullptr, nullptr,
                                   true, kNow - 10 * kDay, kNow + 3650 * kDay);
    ossl::X509Ptr f9_cert = MakeCert(f9_key.get(), "Tessera PIV Attestation", "", 2, maker.get(),
                                     maker_key.get(), true, kNow - 10 * kDay, kNow + 3650 * kDay);
    ossl::X509Ptr st =
        MakeCert(device_key.get(), "Tessera PIV Attestation 9e", "", 3, f9_cert.get(), f9_key.get(),
                 false, kNow - kDay, kNow + 3650 * kDay);
    const unsigned char serial_der[] = {0x02, 0x04, 0x02, 0x87, 0x57, 0xB2};  // 42424242
    ossl::Asn1OctetPtr value(ASN1_OCTET_STRING_new());
    ossl::Asn1ObjectPtr oid(OBJ_txt2obj("1.3.6.1.4.1.41482.3.7", 1));
    ASN1_OCTET_STRING_set(value.get(), serial_der, sizeof serial_der);
    ossl::X509ExtPtr ext(X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), 0, value.get()));
    if (!ext || X509_add_ext(st.get(), ext.get(), -1) != 1 ||
        X509_sign(st.get(), f9_key.get(), EVP_sha256()) <= 0) {
      Die("attestation statement");
    }
    manufacturer = Der(maker.get());
    f9 = Der(f9_cert.get());
    statement = Der(st.get());
    device_spki = Value(ossl::PublicKeyToDer(device_key.get()));
  }

  Bytes CertificateOf(Card card) const {
    switch (card) {
      case Card::kNone: return {};
      case Card::kRevoked: return revoked;
      case Card::kUnbound: return unbound;
      case Card::kExpired: return expired;
      case Card::kForeign: return foreign;
      case Card::kGarbage: return Bytes{0x30, 0x03, 0x02, 0x01, 0x00};
      default: return alice;
    }
  }
};

directory::CertificateRecord CertRecord(const Bytes& der, std::uint8_t serial, const char* profile,
                                        std::optional<std::string> user,
                                        std::optional<std::uint32_t> card, std::int64_t not_after) {
  directory::CertificateRecord r;
  r.ca = kCa;
  r.serial = Bytes{serial};
  r.profile = profile;
  r.subject = "CN=fixture";
  r.not_before = kNow - 30 * kDay;
  r.not_after = not_after;
  r.der = der;
  r.user_id = std::move(user);
  r.token_serial = card;
  r.issued_at = kNow - 30 * kDay;
  return r;
}

directory::BindingRecord Binding(const char* id, const char* user, std::uint32_t card,
                                 bool active) {
  directory::BindingRecord b;
  b.id = id;
  b.user_id = user;
  b.token_serial = card;
  b.state = active ? "active" : "revoked";
  b.ca = kCa;
  b.cert_serial = Bytes{0x30};
  b.created_at = b.updated_at = kNow - 30 * kDay;
  if (active) {
    b.activated_at = kNow - 29 * kDay;
  } else {
    b.revoked_at = kNow - 2 * kDay;
    b.revoked_reason = 4;  // superseded
  }
  return b;
}

// What no input changes: the CA, its certificates and revocations, the
// issuer, the users, the cards and their bindings.
Status InsertStatic(directory::SqlTransaction& tx, const Pki& pki) {
  TESSERA_RETURN_IF_ERROR(directory::InsertCa(tx, {kCa,
                                                   std::nullopt,
                                                   "fuzz-hsm",
                                                   "ca-key",
                                                   "p256",
                                                   Der(pki.ca_cert.get()),
                                                   "",
                                                   {},
                                                   kNow - 10 * kDay}));
  const std::int64_t year = kNow + 365 * kDay;
  for (const auto& r :
       {CertRecord(pki.issuer_cert, 0x10, "softtoken-issuer", {}, {}, year),
        CertRecord(pki.alice, 0x20, "piv-authentication", "alice", kCard, year),
        CertRecord(pki.revoked, 0x21, "piv-authentication", "alice", kCard, year),
        CertRecord(pki.unbound, 0x22, "piv-authentication", "bob", kOldCard, year),
        CertRecord(pki.expired, 0x23, "piv-authentication", "alice", kCard, kNow - kDay)}) {
    TESSERA_RETURN_IF_ERROR(directory::InsertCertificate(tx, r));
  }
  TESSERA_RETURN_IF_ERROR(directory::InsertRevocation(tx, {kCa, Bytes{0x21}, kNow - kDay, 1}));
  TESSERA_RETURN_IF_ERROR(directory::InsertStIssuer(
      tx, {"default", "fuzz-hsm", Bytes(32, 0x01), kCa, Bytes{0x10}, kNow - 10 * kDay}));

  directory::UserRecord alice;
  alice.id = "alice";
  alice.display_name = "<script>alert(1)</script>";
  alice.email = "alice@example.org\"><script>";
  alice.organization = "Example & Co <b>bold</b>";
  alice.document = "P1234567'<script>";
  alice.created_at = kNow - 40 * kDay;
  TESSERA_RETURN_IF_ERROR(directory::InsertUser(tx, alice));
  directory::UserRecord bob;
  bob.id = bob.display_name = "bob";
  bob.created_at = kNow - 40 * kDay;
  TESSERA_RETURN_IF_ERROR(directory::InsertUser(tx, bob));

  for (const auto& [serial, user, active] :
       {std::tuple{kCard, "alice", true}, std::tuple{kOldCard, "bob", false}}) {
    directory::CmsTokenRecord token;
    token.serial = serial;
    token.token_key = token.attestation = token.attestation_ca = token.chuid = Bytes{0x30, 0x00};
    token.transport = "sim";
    token.state = active ? "active" : "revoked";
    if (active) {
      token.user_id = user;
    } else {
      token.revoked_at = kNow - 2 * kDay;
      token.revoked_reason = 4;
    }
    token.registered_at = token.updated_at = kNow - 30 * kDay;
    TESSERA_RETURN_IF_ERROR(directory::InsertCmsToken(tx, token));
  }
  TESSERA_RETURN_IF_ERROR(directory::InsertBinding(
      tx, Binding("b0000000000000000000000000000001", "alice", kCard, true)));
  return directory::InsertBinding(
      tx, Binding("b0000000000000000000000000000002", "bob", kOldCard, false));
}

directory::SoftTokenRequestRecord StRequest(const Pki& pki, int n, const char* state) {
  directory::SoftTokenRequestRecord r;
  r.id = kFixtureIds[n];
  const OtpFixture& otp = kOtps[n < 3 ? n : 0];
  r.handle = otp.handle;
  r.otp_hash = softtoken::OtpHash(r.id, otp.secret);
  r.state = state;
  r.tries_left = r.state == "burned" ? 0 : n == 1 ? 1 : 5;
  r.device_serial = kDevice;
  r.device_slot = "9e";
  r.device_key = pki.device_spki;
  r.manufacturer = "CN=Fuzz Manufacturer CA";
  r.channel1 = Sha256(kExporter);
  r.created_at = r.updated_at = kNow - 100;
  r.expires_at = n == 2 || n == 11 ? kNow - 1 : kNow + 200;
  if (r.state == "matched" || r.state == "issued" || n == 9) {
    r.id_ca = kCa;
    r.id_cert_serial = Bytes{static_cast<std::uint8_t>(n == 4 ? 0x21 : 0x20)};
    r.user_id = "alice";
    r.card_serial = kCard;
    r.attributes =
        R"({"user_id":"alice","name":"<script>alert(1)</script>","card_serial":"12345678"})";
    r.comparison = "ABCDEF";
    r.confirm_hash = Sha256(kConfirm);
  }
  return r;
}

directory::SoftTokenRecord StToken(const Pki& pki, int n, std::optional<int> request) {
  directory::SoftTokenRecord t;
  t.id = kFixtureIds[n];
  if (request) t.request_id = kFixtureIds[*request];
  t.issuer = "default";
  t.format = n == 14 ? "x509" : "sd-jwt-vc";
  t.status_list = "default";
  t.status_index = static_cast<std::uint32_t>(n - 12);
  t.user_id = "alice";
  t.card_serial = kCard;
  t.source_ca = kCa;
  t.source_serial = Bytes{0x20};
  t.device_key_sha256 = Sha256(pki.device_spki);
  t.issued_at = kNow - 50;
  t.expires_at = kNow + 30 * kDay;
  t.content =
      n == 14 ? "-----BEGIN CERTIFICATE-----\n</pre><script>\n" : "eyJ0.eyJ0.c2ln~<script>~";
  if (n == 14) t.revoked_at = kNow - 10;
  return t;
}

// The rows requests change, as they were.
Status ResetFixtures(directory::SqlTransaction& tx, const Pki& pki) {
  for (const char* table : {"st_tokens", "st_requests", "st_nonces", "audit"}) {
    TESSERA_RETURN_IF_ERROR(tx.Execute(std::string("DELETE FROM ") + table).status());
  }
  constexpr const char* kStates[] = {"pending", "pending", "pending", "matched",
                                     "matched", "matched", "issued",  "issued",
                                     "burned",  "refused", "expired", "matched"};
  for (int n = 0; n < 12; ++n) {
    directory::SoftTokenRequestRecord r = StRequest(pki, n, kStates[n]);
    if (n == 1 || n == 5) r.format = "x509";
    if (n == 1 || n == 7) r.deliver = "device";
    if (n == 5) r.deliver = "computer";
    if (n == 6) r.delivered_computer = true;
    if (n == 6 || n == 7) r.token_id = kFixtureIds[n + 6];
    TESSERA_RETURN_IF_ERROR(directory::InsertStRequest(tx, r));
  }
  TESSERA_RETURN_IF_ERROR(directory::InsertStToken(tx, StToken(pki, 12, 6)));
  TESSERA_RETURN_IF_ERROR(directory::InsertStToken(tx, StToken(pki, 13, 7)));
  TESSERA_RETURN_IF_ERROR(directory::InsertStToken(tx, StToken(pki, 14, std::nullopt)));
  for (const auto& [nonce, expires, used] :
       {std::tuple{kFreshNonce, kNow + 100, false}, std::tuple{kUsedNonce, kNow + 100, true},
        std::tuple{kExpiredNonce, kNow, false}}) {
    directory::SoftTokenNonceRecord record{nonce, kNow - 20, expires, std::nullopt};
    if (used) record.used_at = kNow - 10;
    TESSERA_RETURN_IF_ERROR(directory::InsertStNonce(tx, record));
  }
  return Status::Ok();
}

struct World {
  Pki pki;
  std::filesystem::path dir;
  std::shared_ptr<directory::Database> db;
  http::Router router;
  http::Metrics metrics;
  http::Dispatcher dispatcher{router, metrics, nullptr};
  std::int64_t clean_changes = -1;  // SQLite's total_changes() after the last reset

  World() {
    const std::filesystem::path base =
        std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    dir = base / ("tessera-fuzz-softtoken-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    db = std::shared_ptr<directory::Database>(
        Value(directory::OpenDatabase("sqlite:" + (dir / "directory.db").string())));
    Check(db->Transact([&](directory::SqlTransaction& tx) { return InsertStatic(tx, pki); }));
    const ca::HsmOpener no_hsm = [](const std::string& name) -> Result<hsm::HsmToken> {
      return Status::Unavailable("fuzz: HSM '" + name + "' is not reachable");
    };
    auto ca_service =
        std::make_shared<ca::CaService>(db, no_hsm, ca::CaOptions{}, [] { return kNow; });
    softtoken::SoftTokenOptions options;
    options.public_url = "https://softtoken.test:8443";
    options.manufacturer_cas = {pki.manufacturer};
    softtoken::AddSoftTokenRoutes(
        router, std::make_shared<softtoken::SoftTokenService>(db, ca_service, no_hsm, options));
    Reset();
  }
  ~World() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
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
    Check(db->Transact([&](directory::SqlTransaction& tx) { return ResetFixtures(tx, pki); }));
    clean_changes = Changes();
  }
};

// A body member: its name, its right value (fixture), and whether the
// value is a JSON number rather than a string.
struct Member {
  const char* name;
  std::string value;
  bool number = false;
};

struct Route {
  const char* method;
  const char* target;  // {} is the path segment
  enum Body { kNone, kChallenge, kRequest, kPoll, kOtp, kApprove, kReject, kPageDecision } body;
  bool page = false;  // a form post of the page
};

constexpr Route kRoutes[] = {
    {"POST", "/softtoken/v1/challenges", Route::kChallenge},
    {"POST", "/softtoken/v1/requests", Route::kRequest},
    {"POST", "/softtoken/v1/requests/{}/poll", Route::kPoll},
    {"POST", "/softtoken/v1/confirm", Route::kOtp},
    {"POST", "/softtoken/v1/requests/{}/approve", Route::kApprove},
    {"POST", "/softtoken/v1/requests/{}/reject", Route::kReject},
    {"GET", "/softtoken/v1/tokens/{}", Route::kNone},
    {"GET", "/softtoken/v1/status/{}", Route::kNone},
    {"GET", "/softtoken/v1/issuer", Route::kNone},
    {"GET", "/softtoken/v1/openapi.json", Route::kNone},
    {"GET", "/softtoken/", Route::kNone},
    {"POST", "/softtoken/", Route::kOtp, true},
    {"POST", "/softtoken/approve", Route::kPageDecision, true},
    {"POST", "/softtoken/reject", Route::kPageDecision, true},
    {"GET", "/softtoken/download/{}", Route::kNone},
    {"GET", "/softtoken/style.css", Route::kNone},
    {"*", "{}", Route::kNone},  // the input's own method and target
};
constexpr std::string_view kRawMethods[] = {"GET", "POST", "DELETE", "PUT"};

enum Flags : std::uint8_t {
  kCardMask = 0x07,  // bits 0-2: the client certificate (Card)
  kExport = 0x08,    // the connection has a tls-exporter
  kSign = 0x10,      // the harness signs channel 1's proof with the device key
  kSwapType = 0x20,  // the other Content-Type: form for JSON, JSON for a form
  kBodyShift = 6,    // bits 6-7: the body raw, a JSON object, a form, JSON + "x" member
};
// Byte 3: bits 0-3 the member the rest replaces; bits 4-5 how (kAsIs: the
// text, kB64: base64url of it, kVerbatim: unquoted / unencoded, kLong: the
// text repeated past every limit); bits 6-7 the raw route's method.
enum ValueMode { kAsIs, kB64, kVerbatim, kLong };

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", u);
      out += esc;
    } else {
      out += c;  // bytes >= 0x80 as they are: invalid UTF-8 is the parser's to refuse
    }
  }
  return out + "\"";
}

std::string FormEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::string B64(ByteView data) { return jose::Base64UrlEncode(data); }

// The members of a route's body, each with its right value.
std::vector<Member> Members(const World& w, Route::Body body, const std::string& segment, bool sign,
                            const Bytes& exporter, ByteView nonce) {
  const Bytes proof_exporter = exporter.empty() ? Bytes(32, 0) : exporter;
  switch (body) {
    case Route::kRequest: {
      const Bytes signature =
          sign ? SignEs256(w.pki.device_key.get(),
                           softtoken::RequestProofMessage(nonce, proof_exporter, w.pki.device_spki))
               : Bytes(64, 0x01);
      return {{"nonce", B64(kFreshNonce)},
              {"serial", std::to_string(kDevice), true},
              {"slot", "9e"},
              {"device_key", B64(w.pki.device_spki)},
              {"attestation", B64(w.pki.statement)},
              {"attestation_ca", B64(w.pki.f9)},
              {"signature", B64(signature)},
              {"deliver", "both"},
              {"format", "sd-jwt-vc"}};
    }
    case Route::kPoll: {
      const Bytes signature = sign ? SignEs256(w.pki.device_key.get(),
                                               softtoken::PollProofMessage(segment, proof_exporter))
                                   : Bytes(64, 0x01);
      return {{"signature", B64(signature)}};
    }
    case Route::kOtp: return {{"otp", "ABCDE-FGHJK"}};
    case Route::kApprove: return {{"confirmation", B64(kConfirm)}, {"comparison", "ABC-DEF"}};
    case Route::kReject: return {{"confirmation", B64(kConfirm)}};
    case Route::kPageDecision: return {{"request", segment}, {"confirmation", B64(kConfirm)}};
    default: return {};
  }
}

std::string Replacement(ValueMode mode, std::string_view rest) {
  switch (mode) {
    case kB64: return B64(AsBytes(rest));
    case kLong: {
      std::string out = rest.empty() ? std::string("A") : std::string(rest);
      while (out.size() < 12000) out += out;
      return out;
    }
    default: return std::string(rest);
  }
}

std::string JsonBody(const std::vector<Member>& members, std::size_t pick, ValueMode mode,
                     std::string_view rest, bool extra) {
  std::string out = "{";
  for (std::size_t i = 0; i < members.size(); ++i) {
    const Member& m = members[i];
    if (i > 0) out += ',';
    out += JsonString(m.name) + ':';
    if (i != pick) {
      out += m.number ? m.value : JsonString(m.value);
    } else {
      out += mode == kVerbatim ? std::string(rest) : JsonString(Replacement(mode, rest));
    }
  }
  if (extra) out += std::string(members.empty() ? "" : ",") + "\"x\":" + JsonString(rest);
  return out + "}";
}

std::string FormBody(const std::vector<Member>& members, std::size_t pick, ValueMode mode,
                     std::string_view rest) {
  if (members.empty()) return FormEncode(rest);
  std::string out;
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i > 0) out += '&';
    out += std::string(members[i].name) + '=';
    if (i != pick) {
      out += FormEncode(members[i].value);
    } else {
      out += mode == kVerbatim ? std::string(rest) : FormEncode(Replacement(mode, rest));
    }
  }
  return out;
}

bool HasScript(std::string_view body) {
  static constexpr std::string_view kTag = "<script";
  auto it = std::search(body.begin(), body.end(), kTag.begin(), kTag.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  });
  return it != body.end();
}

void Fail(const char* why, unsigned status, const std::string& target,
          const http::WireResponse& response) {
  std::fprintf(stderr, "fuzz_softtoken_routes: %s: %u for %s: %s\n", why, status, target.c_str(),
               response.body().c_str());
  std::abort();
}

void CheckAnswer(const http::WireResponse& response, const std::string& target) {
  const unsigned status = response.result_int();
  static const bool trace = std::getenv("FUZZ_SOFTTOKEN_ROUTES_TRACE") != nullptr;
  if (trace) {
    std::fprintf(stderr, "%u %s %.600s\n", status, target.c_str(), response.body().c_str());
  }
  if (status < 100 || status > 599 || status == 500) Fail("status", status, target, response);
  const auto type = response.find(http::bhttp::field::content_type);
  if (type == response.end() || !type->value().starts_with("text/html")) return;
  if (HasScript(response.body())) Fail("a script element on the page", status, target, response);
  const auto csp = response.find("Content-Security-Policy");
  if (csp == response.end() || !csp->value().starts_with("default-src 'none'")) {
    Fail("a page without its Content-Security-Policy", status, target, response);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  if (size < 4) return 0;
  const Route& route = kRoutes[data[0] % std::size(kRoutes)];
  const std::uint8_t flags = data[1];
  const std::uint8_t field = data[3];
  std::string_view rest(reinterpret_cast<const char*>(data + 4), size - 4);
  std::string segment;
  if (data[2] < std::size(kFixtureIds)) {
    segment = kFixtureIds[data[2]];
  } else {
    const std::size_t end = std::min(rest.find('\n'), std::min<std::size_t>(rest.size(), 512));
    segment = std::string(rest.substr(0, end));
    rest.remove_prefix(std::min(rest.size(), end + 1));
  }

  std::string method = route.method;
  std::string target = route.target;
  if (method == "*") method = kRawMethods[field >> 6];
  if (const std::size_t at = target.find("{}"); at != std::string::npos) {
    target.replace(at, 2, segment);
  }

  const Card card = static_cast<Card>(flags & kCardMask);
  const Bytes certificate = world.pki.CertificateOf(card);
  const Bytes exporter = (flags & kExport) != 0 ? kExporter : Bytes{};
  const std::size_t pick = field & 0x0F;
  const auto mode = static_cast<ValueMode>((field >> 4) & 3);
  // The nonce the request proof signs: the one the body will carry.
  const Bytes nonce =
      pick == 0 && mode == kB64 ? Bytes(rest.begin(), rest.end()) : Bytes(kFreshNonce);
  const std::vector<Member> members =
      Members(world, route.body, segment, (flags & kSign) != 0, exporter, nonce);
  const int body_kind = flags >> kBodyShift;
  std::string body;
  bool form = route.page;  // what the page's forms post; the API takes JSON
  switch (body_kind) {
    case 0: body = std::string(rest); break;
    case 2: body = FormBody(members, pick, mode, rest); break;
    default: body = JsonBody(members, pick, mode, rest, body_kind == 3); break;
  }
  if (body_kind != 0) form = body_kind == 2;
  if ((flags & kSwapType) != 0) form = !form;

  http::WireRequest wire{http::bhttp::string_to_verb(method), target, 11};
  if (wire.method() == http::bhttp::verb::unknown) wire.method_string(method);
  wire.set(http::bhttp::field::host, "softtoken.test");
  wire.body() = std::move(body);
  if (method == "POST" || !wire.body().empty() || body_kind != 0) {
    wire.set(http::bhttp::field::content_type,
             form ? "application/x-www-form-urlencoded" : "application/json");
  }
  wire.prepare_payload();

  const http::ConnectionInfo info{"127.0.0.1:1", certificate.empty() ? "" : "CN=fuzz client",
                                  std::string(certificate.begin(), certificate.end()),
                                  std::string(exporter.begin(), exporter.end())};
  world.Reset();
  CheckAnswer(world.dispatcher.Handle(std::move(wire), info, true), target);
  return 0;
}
