// `tessera cms user import FILE.csv` (docs/cms-api.md "Users"): the CSV a
// registrar exports, RFC 4180 (commas, double quotes around fields that hold
// commas, quotes or line breaks, "" for a quote inside), UTF-8, a header row
// naming the columns: id and name required; organization, email, document,
// photo_sha256 (64 hex digits) optional, in any order. An unknown column, a
// row with another number of fields, or a bad value is kInvalidArgument
// naming the line. Stateless.
#pragma once

#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "services/directory/stores/user_store.hpp"

namespace tessera::cms {

Result<std::vector<directory::UserRecord>> ParseUsersCsv(std::string_view text);

}  // namespace tessera::cms
