// The registration store (reg_store.hpp): registered users, applications
// and entitlements. A grant, a revocation or an app's removal bumps the
// users' config_version in the caller's same transaction (design §2.6).
#include <string_view>
#include <utility>

#include "services/directory/stores/reg_store.hpp"
#include "services/directory/stores/row_values.hpp"

namespace tessera::directory {
namespace {

using row_values::DecodeFirst;

constexpr std::string_view kUserSelect =
    "SELECT user_id, user_id_code, config_version, created_at, updated_at FROM reg_users ";
constexpr std::string_view kAppSelect =
    "SELECT name, base_url, settings, created_at, updated_at FROM reg_apps ";
constexpr std::string_view kEntitlementSelect =
    "SELECT user_id, app, paths, granted_by, granted_at FROM reg_entitlements ";

Result<RegUserRecord> DecodeUser(const SqlRow& row) {
  RegUserRecord user;
  TESSERA_ASSIGN_OR_RETURN(user.user_id, row.Text(0));
  TESSERA_ASSIGN_OR_RETURN(user.user_id_code, row.Text(1));
  TESSERA_ASSIGN_OR_RETURN(user.config_version, row.Int(2));
  TESSERA_ASSIGN_OR_RETURN(user.created_at, row.Int(3));
  TESSERA_ASSIGN_OR_RETURN(user.updated_at, row.Int(4));
  return user;
}

Result<RegAppRecord> DecodeApp(const SqlRow& row) {
  RegAppRecord app;
  TESSERA_ASSIGN_OR_RETURN(app.name, row.Text(0));
  TESSERA_ASSIGN_OR_RETURN(app.base_url, row.Text(1));
  TESSERA_ASSIGN_OR_RETURN(app.settings, row.Text(2));
  TESSERA_ASSIGN_OR_RETURN(app.created_at, row.Int(3));
  TESSERA_ASSIGN_OR_RETURN(app.updated_at, row.Int(4));
  return app;
}

Result<RegEntitlementRecord> DecodeEntitlement(const SqlRow& row) {
  RegEntitlementRecord e;
  TESSERA_ASSIGN_OR_RETURN(e.user_id, row.Text(0));
  TESSERA_ASSIGN_OR_RETURN(e.app, row.Text(1));
  TESSERA_ASSIGN_OR_RETURN(e.paths, row.Text(2));
  TESSERA_ASSIGN_OR_RETURN(e.granted_by, row.Text(3));
  TESSERA_ASSIGN_OR_RETURN(e.granted_at, row.Int(4));
  return e;
}

Status Exists(SqlTransaction& tx, std::string_view sql, const std::string& key,
              const std::string& what) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(sql, {key}));
  if (rows.empty()) return Status::NotFound("no " + what + " in the directory");
  return Status::Ok();
}

}  // namespace

// ---- registered users ----

Result<std::optional<RegUserRecord>> FindRegUser(SqlTransaction& tx, const std::string& user_id) {
  TESSERA_ASSIGN_OR_RETURN(auto rows,
                           tx.Query(std::string(kUserSelect) + "WHERE user_id = $1", {user_id}));
  return DecodeFirst<RegUserRecord>(rows, DecodeUser);
}

Result<std::optional<RegUserRecord>> FindRegUserByCode(SqlTransaction& tx,
                                                       const std::string& user_id_code) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows, tx.Query(std::string(kUserSelect) + "WHERE user_id_code = $1", {user_id_code}));
  return DecodeFirst<RegUserRecord>(rows, DecodeUser);
}

Result<std::optional<std::int64_t>> BumpConfigVersion(SqlTransaction& tx,
                                                      const std::string& user_id,
                                                      std::int64_t now) {
  TESSERA_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Execute("UPDATE reg_users SET config_version = config_version + 1, updated_at = $2 "
                 "WHERE user_id = $1",
                 {user_id, now}));
  if (changed == 0) return std::optional<std::int64_t>();
  TESSERA_ASSIGN_OR_RETURN(auto user, FindRegUser(tx, user_id));
  if (!user) return Status::Internal("reg_users row of '" + user_id + "' vanished");
  return std::optional<std::int64_t>(user->config_version);
}

// ---- applications ----

Status InsertRegApp(SqlTransaction& tx, const RegAppRecord& app) {
  TESSERA_ASSIGN_OR_RETURN(auto taken,
                           tx.Query("SELECT 1 FROM reg_apps WHERE name = $1", {app.name}));
  if (!taken.empty()) return Status::AlreadyExists("app '" + app.name + "' exists already");
  return tx
      .Execute(
          "INSERT INTO reg_apps (name, base_url, settings, created_at, updated_at) "
          "VALUES ($1, $2, $3, $4, $5)",
          {app.name, app.base_url, app.settings, app.created_at, app.updated_at})
      .status();
}

Result<std::optional<RegAppRecord>> FindRegApp(SqlTransaction& tx, const std::string& name) {
  TESSERA_ASSIGN_OR_RETURN(auto rows,
                           tx.Query(std::string(kAppSelect) + "WHERE name = $1", {name}));
  return DecodeFirst<RegAppRecord>(rows, DecodeApp);
}

Result<std::vector<RegAppRecord>> ListRegApps(SqlTransaction& tx) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kAppSelect) + "ORDER BY name"));
  return DecodeAll<RegAppRecord>(rows, DecodeApp);
}

Result<std::vector<std::string>> DeleteRegApp(SqlTransaction& tx, const std::string& name,
                                              std::int64_t now) {
  TESSERA_RETURN_IF_ERROR(
      Exists(tx, "SELECT 1 FROM reg_apps WHERE name = $1", name, "app '" + name + "'"));
  TESSERA_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT user_id FROM reg_entitlements WHERE app = $1 ORDER BY user_id", {name}));
  std::vector<std::string> users;
  for (const SqlRow& row : rows) {
    TESSERA_ASSIGN_OR_RETURN(std::string user, row.Text(0));
    users.push_back(std::move(user));
  }
  TESSERA_RETURN_IF_ERROR(
      tx.Execute("DELETE FROM reg_entitlements WHERE app = $1", {name}).status());
  for (const std::string& user : users) {
    TESSERA_RETURN_IF_ERROR(BumpConfigVersion(tx, user, now).status());
  }
  TESSERA_RETURN_IF_ERROR(tx.Execute("DELETE FROM reg_apps WHERE name = $1", {name}).status());
  return users;
}

// ---- entitlements ----

Result<std::optional<std::int64_t>> GrantEntitlement(SqlTransaction& tx,
                                                     const RegEntitlementRecord& e) {
  TESSERA_RETURN_IF_ERROR(
      Exists(tx, "SELECT 1 FROM users WHERE id = $1", e.user_id, "user '" + e.user_id + "'"));
  TESSERA_RETURN_IF_ERROR(
      Exists(tx, "SELECT 1 FROM reg_apps WHERE name = $1", e.app, "app '" + e.app + "'"));
  TESSERA_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Execute("UPDATE reg_entitlements SET paths = $3, granted_by = $4, granted_at = $5 "
                 "WHERE user_id = $1 AND app = $2",
                 {e.user_id, e.app, e.paths, e.granted_by, e.granted_at}));
  if (changed == 0) {
    TESSERA_RETURN_IF_ERROR(
        tx.Execute("INSERT INTO reg_entitlements (user_id, app, paths, granted_by, granted_at) "
                   "VALUES ($1, $2, $3, $4, $5)",
                   {e.user_id, e.app, e.paths, e.granted_by, e.granted_at})
            .status());
  }
  return BumpConfigVersion(tx, e.user_id, e.granted_at);
}

Result<std::optional<std::int64_t>> RevokeEntitlement(SqlTransaction& tx,
                                                      const std::string& user_id,
                                                      const std::string& app, std::int64_t now) {
  TESSERA_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Execute("DELETE FROM reg_entitlements WHERE user_id = $1 AND app = $2", {user_id, app}));
  if (changed == 0) {
    return Status::NotFound("user '" + user_id + "' has no entitlement to app '" + app + "'");
  }
  return BumpConfigVersion(tx, user_id, now);
}

Result<std::optional<RegEntitlementRecord>> FindEntitlement(SqlTransaction& tx,
                                                            const std::string& user_id,
                                                            const std::string& app) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows, tx.Query(std::string(kEntitlementSelect) + "WHERE user_id = $1 AND app = $2",
                          {user_id, app}));
  return DecodeFirst<RegEntitlementRecord>(rows, DecodeEntitlement);
}

Result<std::vector<RegEntitlementRecord>> EntitlementsOfUser(SqlTransaction& tx,
                                                             const std::string& user_id) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query(std::string(kEntitlementSelect) + "WHERE user_id = $1 ORDER BY app", {user_id}));
  return DecodeAll<RegEntitlementRecord>(rows, DecodeEntitlement);
}

}  // namespace tessera::directory
