#include "services/jose/sd_jwt_rules.hpp"

#include <array>

#include "services/jose/json_strict.hpp"

namespace tessera::jose::sd_jwt_rules {

bool MayBeDisclosed(std::string_view name) {
  static constexpr std::array<std::string_view, 10> kVisible = {
      "iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status", "_sd", "...", "_sd_alg"};
  for (std::string_view visible : kVisible) {
    if (name == visible) return false;
  }
  return true;
}

nlohmann::json StatusClaim(const StatusReference& status) {
  return {{"status_list", {{"idx", status.idx}, {"uri", status.uri}}}};
}

Result<StatusReference> ReadStatusClaim(const nlohmann::json& status) {
  const auto list = status.is_object() ? status.find("status_list") : status.end();
  if (!status.is_object() || list == status.end() || !list->is_object()) {
    return Status::InvalidArgument("SD-JWT status: no \"status_list\" object");
  }
  if (list->size() != 2) {
    return Status::InvalidArgument("SD-JWT status.status_list: not exactly \"idx\" and \"uri\"");
  }
  StatusReference out;
  TESSERA_ASSIGN_OR_RETURN(std::int64_t idx, IntegerMember(*list, "idx", "SD-JWT status_list"));
  if (idx < 0) return Status::InvalidArgument("SD-JWT status_list: \"idx\" is negative");
  out.idx = static_cast<std::uint64_t>(idx);
  TESSERA_ASSIGN_OR_RETURN(out.uri, StringMember(*list, "uri", "SD-JWT status_list"));
  if (out.uri.empty()) return Status::InvalidArgument("SD-JWT status_list: \"uri\" is empty");
  return out;
}

}  // namespace tessera::jose::sd_jwt_rules
