// The CMS's records as JSON (docs/cms-api.md "Objects"): the REST API's
// answers and `tessera cms ... --json` print the same objects. Binary fields
// are base64url without padding; times are unix seconds; serials of tokens
// are numbers, of certificates lower-case hex. Stateless, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "services/cms/cms_service.hpp"
#include "services/directory/stores/cms_store.hpp"
#include "services/directory/stores/user_store.hpp"

namespace tessera::cms {

nlohmann::json BindingJson(const directory::BindingRecord& binding);
nlohmann::json TokenJson(const directory::CmsTokenRecord& token,
                         const std::vector<directory::BindingRecord>& bindings);
nlohmann::json UserJson(const directory::UserRecord& user,
                        const std::vector<directory::BindingRecord>& bindings);
nlohmann::json OfficerJson(const directory::OfficerRecord& officer);
nlohmann::json BindAnswerJson(const BindAnswer& answer);
// The binding's members, and the 9A delivery beside them (issue 15), so a
// client that reads only the binding reads it as before.
nlohmann::json ActivateAnswerJson(const ActivateAnswer& answer);

// Reads for the API and the CLI, each in one read transaction: kNotFound
// for an unknown token or user.
Result<nlohmann::json> ShowToken(directory::Database& db, std::uint32_t serial);
Result<nlohmann::json> ListTokensJson(directory::Database& db, const std::string& state);
Result<nlohmann::json> ShowUser(directory::Database& db, const std::string& id);

}  // namespace tessera::cms
