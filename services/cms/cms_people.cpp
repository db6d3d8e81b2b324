// Users and officers (docs/cms-api.md "Users", "Officers"): the directory
// data E-forms are filled from, and the tokenizing officers who sign them.
#include <nlohmann/json.hpp>

#include "services/cms/cms_common.hpp"
#include "services/cms/cms_service.hpp"

namespace tessera::cms {
namespace {

Status CheckUser(const directory::UserRecord& user) {
  if (user.display_name.empty()) return Status::InvalidArgument("a user needs a name");
  const auto too_long = [](const std::string& s) { return s.size() > 256; };
  if (too_long(user.display_name) || too_long(user.email) || too_long(user.organization) ||
      too_long(user.document)) {
    return Status::InvalidArgument("user fields are at most 256 bytes");
  }
  if (!user.email.empty() && user.email.find('@') == std::string::npos) {
    return Status::InvalidArgument("e-mail address '" + user.email + "' has no '@'");
  }
  if (user.photo_hash && user.photo_hash->size() != 32) {
    return Status::InvalidArgument("the photo hash is a SHA-256 (32 bytes)");
  }
  return Status::Ok();
}

nlohmann::json UserDetails(const directory::UserRecord& user) {
  return nlohmann::json{{"name", user.display_name}, {"organization", user.organization}};
}

}  // namespace

Status CmsService::AddUser(const directory::UserRecord& input, const Caller& caller) {
  const std::string object = UserObject(input.id);
  directory::UserRecord user = input;
  user.created_at = ca_->Now();
  Status status = CheckUser(user);
  if (status.ok()) {
    status = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
      TESSERA_RETURN_IF_ERROR(directory::InsertUser(tx, user));
      return AuditIn(tx, caller, "cms.user.add", object, UserDetails(user).dump(), user.created_at);
    });
  }
  if (!status.ok()) return Refuse("cms.user.add", object, status, caller);
  return Status::Ok();
}

Result<std::size_t> CmsService::ImportUsers(const std::vector<directory::UserRecord>& users,
                                            const Caller& caller) {
  const std::int64_t now = ca_->Now();
  Status status = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    for (std::size_t i = 0; i < users.size(); ++i) {
      directory::UserRecord user = users[i];
      user.created_at = now;
      Status row = CheckUser(user);
      if (row.ok()) row = directory::InsertUser(tx, user);
      if (!row.ok()) {
        return row.Prefixed("row " + std::to_string(i + 1) + " (user '" + user.id + "'): ");
      }
      TESSERA_RETURN_IF_ERROR(
          AuditIn(tx, caller, "cms.user.add", UserObject(user.id), UserDetails(user).dump(), now));
    }
    return Status::Ok();
  });
  if (!status.ok()) return Refuse("cms.user.import", "cms/users", status, caller);
  return users.size();
}

Result<directory::OfficerRecord> CmsService::EnrollOfficer(const EnrollOfficerRequest& request,
                                                           const Caller& caller) {
  const std::string object = "cms/officer/" + request.id;
  if (request.role != "officer" && request.role != "administrator" && request.role != "auditor") {
    return Refuse("cms.officer.add", object,
                  Status::InvalidArgument("role must be officer, administrator or auditor, not '" +
                                          request.role + "'"),
                  caller);
  }
  if (request.name.empty()) {
    return Refuse("cms.officer.add", object, Status::InvalidArgument("an officer needs a name"),
                  caller);
  }
  ca::KeyIssueRequest issue;
  issue.ca = options_.ca;
  issue.profile = "officer";
  issue.public_key = request.public_key;
  issue.subject = {{"CN", request.name}, {"UID", request.id}, {"OU", "Tokenizing " + request.role}};
  issue.token_serial = request.token_serial;
  Result<ca::PreparedCertificate> prepared =
      ca_->PrepareForKey(issue, ca::Actor{caller.name, caller.request_id});
  if (!prepared.ok()) return Refuse("cms.officer.add", object, prepared.status(), caller);
  const std::int64_t now = ca_->Now();
  directory::OfficerRecord officer;
  officer.id = request.id;
  officer.name = request.name;
  officer.role = request.role;
  officer.token_serial = request.token_serial;
  officer.ca = options_.ca;
  officer.cert_serial = prepared->record.serial;
  officer.certificate = prepared->record.der;
  officer.created_at = now;
  officer.updated_at = now;
  Status stored = db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(directory::InsertOfficer(tx, officer));
    TESSERA_RETURN_IF_ERROR(ca_->StoreIssued(tx, *prepared, now));
    return AuditIn(tx, caller, "cms.officer.add", object,
                   nlohmann::json{{"role", request.role},
                                  {"token", request.token_serial},
                                  {"certificate", ToHex(officer.cert_serial)}}
                       .dump(),
                   now);
  });
  if (!stored.ok()) return Refuse("cms.officer.add", object, stored, caller);
  return officer;
}

}  // namespace tessera::cms
