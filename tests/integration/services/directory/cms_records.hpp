// Records for the CMS store tests (cms_store.hpp): valid ones that differ
// by n, and SeedCms(), which records the users, tokens and the officer the
// requests and bindings refer to.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "services/directory/stores/cms_store.hpp"
#include "services/directory/stores/user_store.hpp"

namespace tessera::directory::testing {

// A request or binding ID: 32 lower-case hex digits.
inline std::string Hex32(std::uint32_t n) {
  char text[33];
  (void)std::snprintf(text, sizeof text, "%024x%08x", 0xabcdefu, n);
  return text;
}

inline Bytes Filled(std::size_t size, std::uint32_t n) {
  return Bytes(size, static_cast<std::uint8_t>(n));
}

inline UserRecord CmsUser(const std::string& id) {
  return {id, "Name of " + id, id + "@example.org", 1, "Org", "DOC-" + id, Bytes(32, 0x11)};
}

inline CmsTokenRecord CmsToken(std::uint32_t serial) {
  return {serial,
          Filled(91, serial),
          Filled(400, serial),
          Filled(380, serial + 1),
          Filled(59, serial),
          "sim",
          "inventory",
          std::nullopt,
          1,
          100,
          100,
          std::nullopt,
          std::nullopt};
}

inline OfficerRecord Officer(const std::string& id, std::uint32_t token_serial) {
  return {id,
          "Officer " + id,
          "officer",
          token_serial,
          "ca1",
          Bytes{0x10, static_cast<std::uint8_t>(token_serial)},
          Filled(120, token_serial),
          "active",
          10,
          10};
}

inline NonceRecord Nonce(std::uint32_t n, std::int64_t expires_at) {
  return {Filled(32, n), "off1", 100, expires_at, std::nullopt};
}

inline CmsRequestRecord Request(std::uint32_t n, const std::string& user, std::uint32_t token) {
  const std::string v1 = "eyJhbGciOiJFUzI1NiJ9.eyJ2MSI6" + std::to_string(n) + "fQ.c2ln";
  const std::string v2 = R"({"form":"v2","n":)" + std::to_string(n) + "}";
  return {Hex32(n),
          user,
          token,
          "off1",
          "v2-sent",
          Bytes(v1.begin(), v1.end()),
          Bytes(v2.begin(), v2.end()),
          std::nullopt,
          std::nullopt,
          std::nullopt,
          200 + n,
          200 + n};
}

inline BindingRecord Binding(std::uint32_t n, const std::string& user, std::uint32_t token,
                             const std::string& state = "pending") {
  return {Hex32(n),
          user,
          token,
          state,
          "ca1",
          Bytes{0x20, static_cast<std::uint8_t>(n)},
          300 + n,
          300 + n,
          std::nullopt,
          state == "revoked" ? std::optional<std::int64_t>(400 + n) : std::nullopt,
          state == "revoked" ? std::optional<int>(4) : std::nullopt};
}

// Users alice and bob, tokens 1001..1003 in the inventory, officer "off1"
// (on token 9000, not in the inventory).
inline void SeedCms(Database& db) {
  const Status s = db.Transact([](SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(InsertUser(tx, CmsUser("alice")));
    TESSERA_RETURN_IF_ERROR(InsertUser(tx, CmsUser("bob")));
    for (std::uint32_t serial : {1001u, 1002u, 1003u}) {
      TESSERA_RETURN_IF_ERROR(InsertCmsToken(tx, CmsToken(serial)));
    }
    return InsertOfficer(tx, Officer("off1", 9000));
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
}

}  // namespace tessera::directory::testing
