// The registration store (reg_store.hpp): R3, the confirmation, whose rows
// all change in the caller's one transaction (design §4.3 "Confirm").
#include <string_view>
#include <utility>

#include "services/directory/stores/reg_store.hpp"

namespace tessera::directory {
namespace {

std::string RegistrationText(const std::string& id) { return "registration " + id; }

// The registration as R3 finds it: pending, within its deadline, with the
// columns the exchange set.
Result<RegistrationRecord> PendingRow(SqlTransaction& tx, const std::string& id, std::int64_t now) {
  TESSERA_ASSIGN_OR_RETURN(auto found, FindRegistration(tx, id));
  if (!found) return Status::NotFound("no " + RegistrationText(id));
  if (found->state != "pending") {
    return Status::ConditionsNotSatisfied(RegistrationText(id) + " is " + found->state +
                                          ", not pending");
  }
  if (found->expires_at <= now) {
    return Status::ConditionsNotSatisfied(RegistrationText(id) + " expired at " +
                                          std::to_string(found->expires_at));
  }
  if (!found->user_id || !found->credential) {
    return Status::Corrupt(RegistrationText(id) + " is pending without a user or credential");
  }
  return std::move(*found);
}

// The code's used_at, once: the WHERE is the compare-and-set.
Status UseCode(SqlTransaction& tx, const RegistrationRecord& r, std::int64_t now) {
  if (!r.code_hash) {
    return Status::Corrupt(RegistrationText(r.id) + " has credential code but no code hash");
  }
  TESSERA_ASSIGN_OR_RETURN(std::int64_t changed,
                           tx.Execute("UPDATE reg_codes SET used_at = $2, registration_id = $3 "
                                      "WHERE code_hash = $1 AND user_id = $4 AND used_at IS NULL",
                                      {*r.code_hash, now, r.id, *r.user_id}));
  if (changed == 0) {
    return Status::ConditionsNotSatisfied("the enrolment code of " + RegistrationText(r.id) +
                                          " is used already, or not the user's");
  }
  return Status::Ok();
}

Result<std::vector<std::string>> SupersedeActive(SqlTransaction& tx, const std::string& user_id,
                                                 std::int64_t now) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT id FROM reg_registrations WHERE user_id = $1 AND state = 'active' "
               "ORDER BY id",
               {user_id}));
  std::vector<std::string> ids;
  for (const SqlRow& row : rows) {
    TESSERA_ASSIGN_OR_RETURN(std::string id, row.Text(0));
    ids.push_back(std::move(id));
  }
  if (!ids.empty()) {
    TESSERA_RETURN_IF_ERROR(
        tx.Execute("UPDATE reg_registrations SET state = 'superseded', updated_at = $2 "
                   "WHERE user_id = $1 AND state = 'active'",
                   {user_id, now})
            .status());
  }
  return ids;
}

Status Activate(SqlTransaction& tx, const RegistrationRecord& r, std::int64_t now) {
  Result<std::int64_t> changed = tx.Execute(
      "UPDATE reg_registrations SET state = 'active', confirmed_at = $2, "
      "updated_at = $2 WHERE id = $1 AND state = 'pending'",
      {r.id, now});
  if (!changed.ok() && changed.status().code() == Code::kAlreadyExists) {
    // reg_registrations_active_user: another node's confirm for the same
    // user committed first.
    return Status::AlreadyExists("another registration of user '" + *r.user_id +
                                 "' became active at the same time as " + RegistrationText(r.id));
  }
  TESSERA_RETURN_IF_ERROR(changed.status());
  if (*changed == 0) {
    return Status::ConditionsNotSatisfied(RegistrationText(r.id) + " is no longer pending");
  }
  return Status::Ok();
}

Status UpsertRegUser(SqlTransaction& tx, const std::string& user_id, const std::string& uidc,
                     std::int64_t now) {
  TESSERA_ASSIGN_OR_RETURN(auto owner, FindRegUserByCode(tx, uidc));
  if (owner && owner->user_id != user_id) {
    return Status::AlreadyExists("user ID code " + uidc + " belongs to another user");
  }
  TESSERA_ASSIGN_OR_RETURN(auto existing, FindRegUser(tx, user_id));
  if (existing) {
    return tx
        .Execute("UPDATE reg_users SET user_id_code = $2, updated_at = $3 WHERE user_id = $1",
                 {user_id, uidc, now})
        .status();
  }
  return tx
      .Execute(
          "INSERT INTO reg_users (user_id, user_id_code, config_version, created_at, updated_at) "
          "VALUES ($1, $2, 0, $3, $3)",
          {user_id, uidc, now})
      .status();
}

}  // namespace

Result<ConfirmedRegistration> ConfirmRegistration(SqlTransaction& tx, const std::string& id,
                                                  const std::string& user_id_code,
                                                  std::int64_t now) {
  TESSERA_ASSIGN_OR_RETURN(RegistrationRecord r, PendingRow(tx, id, now));
  ConfirmedRegistration out;
  if (*r.credential == "code") {
    TESSERA_RETURN_IF_ERROR(UseCode(tx, r, now));
    out.code_used = true;
  }
  TESSERA_RETURN_IF_ERROR(UpsertRegUser(tx, *r.user_id, user_id_code, now));
  TESSERA_ASSIGN_OR_RETURN(out.superseded, SupersedeActive(tx, *r.user_id, now));
  TESSERA_RETURN_IF_ERROR(Activate(tx, r, now));
  TESSERA_ASSIGN_OR_RETURN(auto user, FindRegUser(tx, *r.user_id));
  if (!user) return Status::Internal("reg_users row of '" + *r.user_id + "' vanished");
  out.user = std::move(*user);
  return out;
}

}  // namespace tessera::directory
