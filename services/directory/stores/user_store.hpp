// The user aggregate in the directory: the people certificates and tokens
// are bound to (seed 000; the CMS fills it). Runs inside a Database
// transaction. Stateless.
//
// Since schema version 3 a user also has an organization, the number of the
// identity document they showed, and the SHA-256 of their photo (the photo
// itself is not stored); a user of an older directory has them empty.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/directory/database.hpp"

namespace tessera::directory {

struct UserRecord {
  std::string id;  // [A-Za-z0-9._@-]{1,128}, chosen by the operator
  std::string display_name;
  std::string email;
  std::int64_t created_at = 0;
  std::string organization;
  std::string document;             // the document number the user showed
  std::optional<Bytes> photo_hash;  // SHA-256 of the photo, 32 bytes
  bool operator==(const UserRecord&) const = default;
};

// kAlreadyExists when the id is taken; kInvalidArgument for a bad id.
Status InsertUser(SqlTransaction& tx, const UserRecord& user);
Result<std::optional<UserRecord>> FindUser(SqlTransaction& tx, const std::string& id);
Result<std::vector<UserRecord>> ListUsers(SqlTransaction& tx);
// Overwrites every column of the row with user.id; kNotFound if none. A
// photo_hash that is not 32 bytes is kConditionsNotSatisfied (the schema's
// check), in InsertUser too.
Status UpdateUser(SqlTransaction& tx, const UserRecord& user);

}  // namespace tessera::directory
