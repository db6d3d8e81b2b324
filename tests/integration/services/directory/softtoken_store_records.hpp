// Records for the soft-token store tests (softtoken_store.hpp): an issuer,
// nonces, requests and tokens with values derived from a number, and
// SeedSoftToken(), which records through the existing stores what a token
// refers to: users, CA ca1, the ID tokens' 9A certificates, their cards and
// active bindings.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "services/directory/stores/ca_store.hpp"
#include "services/directory/stores/cms_store.hpp"
#include "services/directory/stores/softtoken_store.hpp"
#include "services/directory/stores/user_store.hpp"
#include "tests/integration/services/directory/cms_records.hpp"

namespace tessera::directory::testing {

inline SoftTokenIssuerRecord StIssuer(const std::string& name = "default") {
  return {name, "hsm1", Bytes{0x51, 0x01}, "ca1", Bytes{0x50, 0x01}, 10};
}

inline SoftTokenNonceRecord StNonce(std::uint32_t n, std::int64_t expires_at) {
  return {Filled(32, n), 100, expires_at, std::nullopt};
}

// The 3-character handle of request n: Crockford base32.
inline std::string StHandle(std::uint32_t n) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string handle;
  for (int shift = 10; shift >= 0; shift -= 5) handle += kAlphabet[(n >> shift) & 31];
  return handle;
}

// A pending request made at 100, expiring at 400, with handle StHandle(n).
inline SoftTokenRequestRecord StRequest(std::uint32_t n) {
  SoftTokenRequestRecord r;
  r.id = Hex32(0x7000 + n);
  r.handle = StHandle(n);
  r.otp_hash = Filled(32, n);
  r.tries_left = 5;
  r.state = "pending";
  r.device_serial = 4'000'000'000u + n;
  r.device_slot = "9e";
  r.device_key = Filled(91, n);
  r.manufacturer = "CN=Tessera Manufacturer CA";
  r.channel1 = Filled(32, 0x40 + n);
  r.deliver = "both";
  r.format = "sd-jwt-vc";
  r.created_at = 100;
  r.expires_at = 400;
  r.updated_at = 100;
  return r;
}

// The 9A certificate serial of card `card` (issued by ca1 in SeedSoftToken).
inline Bytes IdCertSerial(std::uint32_t card) {
  return Bytes{0x9a, static_cast<std::uint8_t>(card >> 8), static_cast<std::uint8_t>(card)};
}

// `r` matched at 150 by alice's card 1001.
inline SoftTokenRequestRecord Matched(SoftTokenRequestRecord r, std::uint32_t card = 1001,
                                      const std::string& user = "alice") {
  r.state = "matched";
  r.id_ca = "ca1";
  r.id_cert_serial = IdCertSerial(card);
  r.user_id = user;
  r.card_serial = card;
  r.attributes = R"({"name":"Name of )" + user + R"(","organization":"Org"})";
  r.comparison = "ABC0EF";
  r.confirm_hash = Filled(32, 0xc0);
  r.updated_at = 150;
  return r;
}

// Token n of status list "default" at index n, for alice's card 1001,
// issued at 200 and expiring at 10000, with its content.
inline SoftTokenRecord StToken(std::uint32_t n, std::uint32_t card = 1001,
                               const std::string& user = "alice") {
  SoftTokenRecord t;
  t.id = Hex32(0x8000 + n);
  t.issuer = "default";
  t.format = "sd-jwt-vc";
  t.status_list = "default";
  t.status_index = n;
  t.user_id = user;
  t.card_serial = card;
  t.source_ca = "ca1";
  t.source_serial = IdCertSerial(card);
  t.device_key_sha256 = Filled(32, 0xd0 + n);
  t.issued_at = 200;
  t.expires_at = 10000;
  t.content = "eyJhbGciOiJFUzI1NiJ9.token" + std::to_string(n) + "~";
  return t;
}

// `t` in the X.509 form, with soft certificate (ca1, 0x5c n).
inline SoftTokenRecord X509(SoftTokenRecord t, std::uint32_t n) {
  t.format = "x509";
  t.cert_ca = "ca1";
  t.cert_serial = Bytes{0x5c, static_cast<std::uint8_t>(n)};
  return t;
}

inline CertificateRecord StCertificate(const Bytes& serial, const std::string& user,
                                       std::optional<std::uint32_t> card) {
  return {"ca1", serial, "piv-authentication",     "CN=" + user,
          1,     20000,  Bytes(64, serial.back()), user,
          5,     card};
}

// Users alice and bob; CA ca1 with the issuer certificate (0x50 0x01), the
// 9A certificates of cards 1001 (alice), 1002 (bob) and 1003 (alice, not
// bound), and soft certificates 0x5c 1..6; cards 1001 and 1002 with active
// bindings to their users; the issuer "default".
inline void SeedSoftToken(Database& db) {
  const Status s = db.Transact([](SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(InsertUser(tx, CmsUser("alice")));
    TESSERA_RETURN_IF_ERROR(InsertUser(tx, CmsUser("bob")));
    TESSERA_RETURN_IF_ERROR(InsertCa(
        tx, {"ca1", std::nullopt, "hsm1", "ca-key", "p256", Bytes{0x30}, "ocsp", Bytes{0x30}, 1}));
    TESSERA_RETURN_IF_ERROR(
        InsertCertificate(tx, StCertificate(Bytes{0x50, 0x01}, "softtoken", std::nullopt)));
    for (std::uint32_t card : {1001u, 1002u, 1003u}) {
      const std::string user = card == 1002 ? "bob" : "alice";
      TESSERA_RETURN_IF_ERROR(InsertCmsToken(tx, CmsToken(card)));
      TESSERA_RETURN_IF_ERROR(InsertCertificate(tx, StCertificate(IdCertSerial(card), user, card)));
    }
    for (std::uint8_t n = 1; n <= 6; ++n) {
      TESSERA_RETURN_IF_ERROR(
          InsertCertificate(tx, StCertificate(Bytes{0x5c, n}, "alice", std::nullopt)));
    }
    TESSERA_RETURN_IF_ERROR(InsertBinding(tx, Binding(1, "alice", 1001, "active")));
    TESSERA_RETURN_IF_ERROR(InsertBinding(tx, Binding(2, "bob", 1002, "active")));
    return InsertStIssuer(tx, StIssuer());
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
}

}  // namespace tessera::directory::testing
