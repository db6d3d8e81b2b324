#include "services/audit/audit_log.hpp"

#include <cstddef>
#include <string_view>

#include "services/audit/audit_hash.hpp"
#include "services/directory/stores/audit_store.hpp"

namespace tessera::audit {
namespace {

// Limits that keep a record a record (docs/audit.md "Records"): an action is
// a short dotted name, the rest is bounded so a runaway caller cannot grow
// the log by megabytes per event.
constexpr std::size_t kMaxAction = 64;
constexpr std::size_t kMaxActor = 1024;
constexpr std::size_t kMaxObject = 1024;
constexpr std::size_t kMaxRequestId = 256;
constexpr std::size_t kMaxDetails = std::size_t{64} * 1024;

// Well-formed UTF-8 (RFC 3629 §4): no overlong forms, no surrogates, nothing
// past U+10FFFF.
bool IsUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (s.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0u) != 0x80u) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

Status CheckText(std::string_view name, std::string_view value, std::size_t max) {
  if (value.size() > max) {
    return Status::InvalidArgument("audit event: " + std::string(name) + " is " +
                                   std::to_string(value.size()) + " bytes, more than " +
                                   std::to_string(max));
  }
  // PostgreSQL's TEXT holds UTF-8 without NUL, and both backends must give
  // back the very bytes the hash was taken over.
  if (value.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("audit event: " + std::string(name) + " contains a NUL byte");
  }
  if (!IsUtf8(value)) {
    return Status::InvalidArgument("audit event: " + std::string(name) + " is not UTF-8");
  }
  return Status::Ok();
}

bool IsActionChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

}  // namespace

Status ValidateEvent(const AuditEvent& event) {
  if (event.action.empty()) return Status::InvalidArgument("audit event: the action is empty");
  TESSERA_RETURN_IF_ERROR(CheckText("action", event.action, kMaxAction));
  for (char c : event.action) {
    if (!IsActionChar(c)) {
      return Status::InvalidArgument("audit event: action '" + event.action +
                                     "' is not of [a-z0-9._-]");
    }
  }
  TESSERA_RETURN_IF_ERROR(CheckText("actor", event.actor, kMaxActor));
  TESSERA_RETURN_IF_ERROR(CheckText("object", event.object, kMaxObject));
  TESSERA_RETURN_IF_ERROR(CheckText("request_id", event.request_id, kMaxRequestId));
  return CheckText("details", event.details, kMaxDetails);
}

Result<std::int64_t> Append(directory::SqlTransaction& tx, const AuditEvent& event,
                            std::int64_t now) {
  TESSERA_RETURN_IF_ERROR(ValidateEvent(event));
  if (now < 0) return Status::InvalidArgument("audit event: the time is before 1970");
  TESSERA_ASSIGN_OR_RETURN(std::optional<directory::AuditRow> head, directory::AuditHead(tx));

  directory::AuditRow row;
  row.seq = head ? head->seq + 1 : 1;
  row.time = now;
  row.actor = event.actor;
  row.action = event.action;
  row.object = event.object;
  row.request_id = event.request_id;
  row.details = event.details;
  row.prev_hash = head ? head->hash : GenesisHash();
  TESSERA_ASSIGN_OR_RETURN(row.hash, RecordHash(row));

  Status stored = directory::AppendAudit(tx, row);
  if (stored.code() == Code::kAlreadyExists) {
    // Another node appended seq first (it read the same head): the whole
    // transaction, the change this record belongs to included, runs again
    // on the new head. Database::Transact retries kAborted.
    return Status::Aborted("audit record " + std::to_string(row.seq) +
                           " was appended by another writer first: " + stored.message());
  }
  TESSERA_RETURN_IF_ERROR(stored);
  return row.seq;
}

}  // namespace tessera::audit
