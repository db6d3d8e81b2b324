// RegistrationService: construction, refusals, the server context every
// step shares, and maintenance (registration_service.hpp).
#include "services/registration/registration_service.hpp"

#include <nlohmann/json.hpp>

#include "services/registration/reg_common.hpp"
#include "services/registration/session_key_cache.hpp"

namespace tessera::registration {

RegistrationService::RegistrationService(std::shared_ptr<directory::Database> db,
                                         std::shared_ptr<ca::CaService> ca, ca::HsmOpener opener,
                                         RegistrationOptions options, AppSender send)
    : db_(std::move(db)),
      ca_(std::move(ca)),
      pool_(std::move(opener), 4),
      options_(std::move(options)),
      keys_(std::make_unique<SessionKeyCache>(4096)),
      send_(std::move(send)) {}

RegistrationService::~RegistrationService() = default;

Status RegistrationService::Refuse(const std::string& action, const std::string& object,
                                   const Status& error, const Caller& caller) {
  const std::int64_t now = Now();
  const std::string details = nlohmann::json{
      {"error", std::string(CodeName(error.code()))},
      {"detail", error.message()}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // Recorded if the directory takes it; the caller gets the error either way.
  (void)db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    return AuditIn(tx, caller, action + ".refused", object, details, now);
  });
  return error;
}

// The reg_servers row named in the options, its CA chain and hashes; read
// once and kept (a new `reg init` needs a restart, as a new CA does).
Result<std::shared_ptr<const RegistrationService::ServerContext>> RegistrationService::Server() {
  {
    std::lock_guard<std::mutex> lock(server_mutex_);
    if (server_) return server_;
  }
  std::optional<directory::RegServerRecord> record;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(record, directory::FindRegServer(tx, options_.server));
    return Status::Ok();
  }));
  if (!record) {
    return Status::Unavailable("the registration gateway '" + options_.server +
                               "' is not initialized (tessera reg init --hsm NAME --ca NAME)");
  }
  auto context = std::make_shared<ServerContext>();
  context->record = std::move(*record);
  TESSERA_ASSIGN_OR_RETURN(context->chain, ca_->Chain(context->record.ca));
  TESSERA_ASSIGN_OR_RETURN(Bytes spki, SubjectPublicKeyInfo(context->record.certificate));
  context->spki_sha256 = Sha256(spki);
  context->template_hash = Sha256(AsBytes(options_.template_json));
  std::lock_guard<std::mutex> lock(server_mutex_);
  if (!server_) server_ = std::move(context);
  return server_;
}

Status RegistrationService::Maintain() {
  const std::int64_t now = Now();
  return db_->Transact([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_RETURN_IF_ERROR(directory::ExpireRegistrations(tx, now).status());
    TESSERA_RETURN_IF_ERROR(
        directory::ExpireRegSessions(tx, now, now - options_.session_idle).status());
    return directory::DeleteClosedRegSessions(tx, now - 86400).status();
  });
}

}  // namespace tessera::registration
