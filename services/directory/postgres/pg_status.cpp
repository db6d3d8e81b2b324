#include "services/directory/postgres/pg_status.hpp"

#include <string>

namespace tessera::directory::pg {

Status PgStatus(std::string_view sqlstate, std::string_view what, std::string_view message,
                bool connection_broken) {
  std::string msg(what);
  msg += ": ";
  std::string_view text = message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  msg += text.empty() ? std::string_view("no message from libpq") : text;
  if (!sqlstate.empty()) msg += " (SQLSTATE " + std::string(sqlstate) + ")";
  const std::string_view cls = sqlstate.substr(0, 2);
  if (sqlstate == "40001" || sqlstate == "40P01") return Status::Aborted(std::move(msg));
  if (sqlstate == "23505") return Status::AlreadyExists(std::move(msg));
  if (cls == "23" || sqlstate == "25006") return Status::ConditionsNotSatisfied(std::move(msg));
  // 53100 disk_full: what SQLITE_FULL is on the other backend (kNoSpace,
  // 507), not an outage that a retry would cure.
  if (sqlstate == "53100") return Status::NoSpace(std::move(msg));
  if (cls == "08" || cls == "53" || sqlstate == "57P01" || sqlstate == "57P02" ||
      sqlstate == "57P03") {
    return Status::Unavailable(std::move(msg));
  }
  // Every error the server sends has a SQLSTATE; one without comes from
  // libpq itself: the connection broke (or could not be used at all).
  if (sqlstate.empty() || connection_broken) return Status::Unavailable(std::move(msg));
  return Status::Internal(std::move(msg));
}

}  // namespace tessera::directory::pg
