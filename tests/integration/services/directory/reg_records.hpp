// Records for the registration store tests (reg_store.hpp): a server, codes,
// registrations, apps and sessions with values derived from a number, so a
// test names only what it changes.
#pragma once

#include <cstdint>
#include <string>

#include "services/directory/stores/reg_store.hpp"
#include "services/directory/stores/user_store.hpp"
#include "tests/integration/services/directory/cms_records.hpp"

namespace tessera::directory::testing {

inline RegServerRecord RegServer(const std::string& name = "default") {
  return {name,
          "hsm1",
          "tessera-reg-server",
          "tessera-reg-kek",
          "tessera-reg-uidc",
          "ca1",
          Bytes{0x01, 0x02},
          Bytes{0x30, 0x03, 0x02, 0x01, 0x00},
          10};
}

inline RegCodeRecord RegCode(std::uint32_t n, const std::string& user) {
  return {Filled(32, n), user, "admin", 10, 10 + 7 * 86400, std::nullopt, std::nullopt};
}

// Started at 100, hello deadline 400.
inline RegistrationRecord Started(std::uint32_t n) {
  RegistrationRecord r;
  r.id = Hex32(n);
  r.server = "default";
  r.server_hello = Bytes{0xe1, 0x02, 0x80, static_cast<std::uint8_t>(n)};
  r.server_nonce = Filled(32, n);
  r.state = "started";
  r.created_at = 100;
  r.expires_at = 400;
  r.updated_at = 100;
  return r;
}

inline PendingRegistration Pending(std::uint32_t n, const std::string& user,
                                   const std::string& credential = "code") {
  PendingRegistration p;
  p.user_id = user;
  p.credential = credential;
  if (credential == "code") p.code_hash = Filled(32, n);
  if (credential == "cms") p.token_serial = 1000 + n;
  p.transcript_hash = Filled(32, 0x30 + n);
  p.confirm_hash = Filled(32, 0x60 + n);
  p.k_wrapped = Filled(40, 0x90 + n);
  p.expires_at = 1000;
  return p;
}

inline RegAppRecord RegApp(const std::string& name) {
  return {name, "http://127.0.0.1:9000/" + name, R"({"timeout_ms":5000})", 20, 20};
}

// A handshake at 200, deadline 260.
inline RegSessionRecord Handshake(std::uint32_t n, std::optional<std::string> registration) {
  RegSessionRecord s;
  s.id = Hex32(0x5000 + n);
  s.registration_id = std::move(registration);
  s.state = "handshake";
  s.mac_hash = Filled(32, n);
  s.keys_wrapped = Filled(92, n);
  s.created_at = 200;
  s.expires_at = 260;
  s.last_used_at = 200;
  return s;
}

}  // namespace tessera::directory::testing
