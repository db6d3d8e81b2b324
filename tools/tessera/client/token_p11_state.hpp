// TokenP11's state, shared by its source files (token_p11.cpp for sessions
// and logins, token_facts.cpp, token_keys.cpp, token_key_package.cpp): the
// loaded module, the slot and one read-write session. Internal to
// tools/tessera/client.
#pragma once

#include <p11-kit/pkcs11.h>

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.hpp"
#include "hsm/pkcs11_library.hpp"
#include "tools/tessera/client/p11_calls.hpp"
#include "tools/tessera/client/token_p11.hpp"

namespace tessera::cli {

struct TokenP11::State {
  std::shared_ptr<const hsm::Pkcs11Library> library;
  CK_SLOT_ID slot = 0;
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  std::uint32_t serial = 0;
  std::string description;  // the slot's description, trimmed

  const CK_FUNCTION_LIST& f() const { return library->functions(); }
  // "token 1234: <what>", for errors.
  std::string Step(const std::string& what) const {
    return "token " + std::to_string(serial) + ": " + what;
  }
  // The object of `cls` with CKA_ID `id` on the token; kNotFound when none.
  Result<CK_OBJECT_HANDLE> FindOne(CK_OBJECT_CLASS cls, std::uint8_t id, const std::string& step);
};

// The module at `path`, loaded once per process and shared while anyone
// holds it (a module takes one C_Initialize per process, PKCS#11 3.0 §5.4).
Result<std::shared_ptr<const hsm::Pkcs11Library>> LoadModule(const std::string& path);

}  // namespace tessera::cli
