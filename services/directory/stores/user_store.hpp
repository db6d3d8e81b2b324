// The user aggregate in the directory: the people certificates and tokens
// are bound to (seed 000; the CMS fills it). Runs inside a Database
// transaction. Stateless.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "services/directory/database.hpp"

namespace tessera::directory {

struct UserRecord {
  std::string id;  // [A-Za-z0-9._@-]{1,128}, chosen by the operator
  std::string display_name;
  std::string email;
  std::int64_t created_at = 0;
  bool operator==(const UserRecord&) const = default;
};

// kAlreadyExists when the id is taken; kInvalidArgument for a bad id.
Status InsertUser(SqlTransaction& tx, const UserRecord& user);
Result<std::optional<UserRecord>> FindUser(SqlTransaction& tx, const std::string& id);
Result<std::vector<UserRecord>> ListUsers(SqlTransaction& tx);

}  // namespace tessera::directory
