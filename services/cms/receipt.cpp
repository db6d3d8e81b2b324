#include "services/cms/receipt.hpp"

#include <nlohmann/json.hpp>

#include "services/jose/jcs.hpp"

namespace tessera::cms {

Result<std::string> EncodeReceipt(const ActivationReceipt& receipt) {
  return jose::Canonicalize(nlohmann::json{{"form", "activation"},
                                           {"request_id", receipt.request_id},
                                           {"time", receipt.time},
                                           {"token_serial", receipt.token_serial}});
}

Result<ActivationReceipt> DecodeReceipt(std::string_view payload) {
  TESSERA_ASSIGN_OR_RETURN(bool canonical, jose::IsCanonical(payload));
  if (!canonical) return Status::InvalidArgument("the activation receipt is not canonical JSON");
  const nlohmann::json json = nlohmann::json::parse(payload);
  if (!json.is_object() || json.size() != 4 || json.value("form", "") != "activation" ||
      !json.contains("request_id") || !json["request_id"].is_string() || !json.contains("time") ||
      !json["time"].is_number_integer() || !json.contains("token_serial") ||
      !json["token_serial"].is_number_unsigned() ||
      json["token_serial"].get<std::uint64_t>() > 0xFFFFFFFFu) {
    return Status::InvalidArgument(
        "the activation receipt must hold exactly form \"activation\", request_id, time and "
        "token_serial");
  }
  return ActivationReceipt{json["request_id"].get<std::string>(),
                           static_cast<std::uint32_t>(json["token_serial"].get<std::uint64_t>()),
                           json["time"].get<std::int64_t>()};
}

}  // namespace tessera::cms
