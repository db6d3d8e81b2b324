#include "services/directory/stores/user_store.hpp"

#include <string_view>

#include "services/directory/stores/row_values.hpp"

namespace tessera::directory {
namespace {

using row_values::DecodeFirst;
using row_values::Optional;
using row_values::OptionalBlob;

constexpr std::string_view kSelect =
    "SELECT id, display_name, email, created_at, organization, document, photo_hash "
    "FROM users ";

Status CheckUserId(const std::string& id) {
  const bool length_ok = !id.empty() && id.size() <= 128;
  bool chars_ok = true;
  for (char c : id) {
    chars_ok = chars_ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' || c == '-');
  }
  if (length_ok && chars_ok) return Status::Ok();
  return Status::InvalidArgument("user id '" + id +
                                 "' must be 1 to 128 characters of letters, digits, '.', '_', "
                                 "'@' and '-'");
}

Result<UserRecord> Decode(const SqlRow& row) {
  UserRecord user;
  TESSERA_ASSIGN_OR_RETURN(user.id, row.Text(0));
  TESSERA_ASSIGN_OR_RETURN(user.display_name, row.Text(1));
  TESSERA_ASSIGN_OR_RETURN(user.email, row.Text(2));
  TESSERA_ASSIGN_OR_RETURN(user.created_at, row.Int(3));
  TESSERA_ASSIGN_OR_RETURN(user.organization, row.Text(4));
  TESSERA_ASSIGN_OR_RETURN(user.document, row.Text(5));
  TESSERA_ASSIGN_OR_RETURN(user.photo_hash, OptionalBlob(row, 6));
  return user;
}

}  // namespace

Status InsertUser(SqlTransaction& tx, const UserRecord& user) {
  TESSERA_RETURN_IF_ERROR(CheckUserId(user.id));
  TESSERA_ASSIGN_OR_RETURN(auto taken, tx.Query("SELECT 1 FROM users WHERE id = $1", {user.id}));
  // Checked first for the message, and because a failed statement ends a
  // PostgreSQL transaction; the constraint still decides a race.
  if (!taken.empty()) return Status::AlreadyExists("user '" + user.id + "' exists already");
  return tx
      .Execute(
          "INSERT INTO users (id, display_name, email, created_at, organization, document, "
          "photo_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {user.id, user.display_name, user.email, user.created_at, user.organization,
           user.document, Optional(user.photo_hash)})
      .status();
}

Result<std::optional<UserRecord>> FindUser(SqlTransaction& tx, const std::string& id) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelect) + "WHERE id = $1", {id}));
  return DecodeFirst<UserRecord>(rows, Decode);
}

Result<std::vector<UserRecord>> ListUsers(SqlTransaction& tx) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelect) + "ORDER BY id"));
  return DecodeAll<UserRecord>(rows, Decode);
}

Status UpdateUser(SqlTransaction& tx, const UserRecord& user) {
  TESSERA_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Execute("UPDATE users SET display_name = $2, email = $3, created_at = $4, "
                 "organization = $5, document = $6, photo_hash = $7 WHERE id = $1",
                 {user.id, user.display_name, user.email, user.created_at, user.organization,
                  user.document, Optional(user.photo_hash)}));
  if (changed == 0) return Status::NotFound("no user '" + user.id + "' in the directory");
  return Status::Ok();
}

}  // namespace tessera::directory
