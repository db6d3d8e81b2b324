#include "services/cms/eform.hpp"

#include <algorithm>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>

#include "services/jose/jcs.hpp"
#include "services/jose/jws.hpp"

namespace tessera::cms {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxStringBytes = 256;
constexpr std::size_t kMinNonceBytes = 16;
constexpr std::size_t kMaxNonceBytes = 64;
constexpr std::size_t kSha256Bytes = 32;

// Whether a string may be empty: identifiers and the reviewed document may
// not; the directory's descriptive fields (organization, email) may.
enum class Empty : std::uint8_t { kRefused, kAllowed };

Status CheckString(const std::string& path, const std::string& value, Empty empty) {
  if (value.size() > kMaxStringBytes) {
    return Status::InvalidArgument("E-form member \"" + path + "\" is longer than 256 bytes");
  }
  if (empty == Empty::kRefused && value.empty()) {
    return Status::InvalidArgument("E-form member \"" + path + "\" is empty");
  }
  return Status::Ok();
}

Status CheckBytes(const std::string& path, ByteView value, std::size_t min, std::size_t max) {
  if (value.size() < min || value.size() > max) {
    return Status::InvalidArgument(
        "E-form member \"" + path + "\" is " + std::to_string(value.size()) + " bytes, not " +
        std::to_string(min) + (min == max ? "" : " to " + std::to_string(max)));
  }
  return Status::Ok();
}

// The object at `path` has exactly `names` (path "" is the top level).
Status ExpectMembers(const Json& object, const std::string& path,
                     std::initializer_list<std::string_view> names) {
  const std::string prefix = path.empty() ? "" : path + ".";
  if (!object.is_object()) {
    return Status::InvalidArgument("E-form " +
                                   (path.empty() ? "payload" : "member \"" + path + "\"") +
                                   " is not a JSON object");
  }
  for (const auto& item : object.items()) {
    if (std::find(names.begin(), names.end(), item.key()) == names.end()) {
      return Status::InvalidArgument("E-form member \"" + prefix + item.key() + "\" is unknown");
    }
  }
  for (std::string_view name : names) {
    if (!object.contains(name)) {
      return Status::InvalidArgument("E-form member \"" + prefix + std::string(name) +
                                     "\" is missing");
    }
  }
  return Status::Ok();
}

Result<std::string> String(const Json& object, const std::string& path, std::string_view name,
                           Empty empty = Empty::kRefused) {
  const Json& value = object.at(name);
  if (!value.is_string()) {
    return Status::InvalidArgument("E-form member \"" + path + "\" is not a string");
  }
  std::string text = value.get<std::string>();
  TESSERA_RETURN_IF_ERROR(CheckString(path, text, empty));
  return text;
}

Result<std::int64_t> Integer(const Json& object, const std::string& path, std::string_view name,
                             std::int64_t min, std::int64_t max) {
  const Json& value = object.at(name);
  // A canonical payload holds no fractions; a number here is an integer.
  if (!value.is_number_integer()) {
    return Status::InvalidArgument("E-form member \"" + path + "\" is not an integer");
  }
  const bool in_range = value.is_number_unsigned()
                            ? value.get<std::uint64_t>() <= static_cast<std::uint64_t>(max)
                            : value.get<std::int64_t>() >= min && value.get<std::int64_t>() <= max;
  if (!in_range) return Status::InvalidArgument("E-form member \"" + path + "\" is out of range");
  return value.get<std::int64_t>();
}

Result<std::uint32_t> Serial(const Json& object, const std::string& path, std::string_view name) {
  TESSERA_ASSIGN_OR_RETURN(
      std::int64_t v, Integer(object, path, name, 0, std::numeric_limits<std::uint32_t>::max()));
  return static_cast<std::uint32_t>(v);
}

Result<std::int64_t> Time(const Json& object, const std::string& path, std::string_view name) {
  return Integer(object, path, name, 0, (std::int64_t{1} << 53) - 1);
}

Result<Bytes> Base64(const Json& object, const std::string& path, std::string_view name,
                     std::size_t min, std::size_t max) {
  TESSERA_ASSIGN_OR_RETURN(std::string text, String(object, path, name));
  auto bytes = jose::Base64UrlDecode(text);
  if (!bytes.ok()) {
    return Status::InvalidArgument("E-form member \"" + path + "\": " + bytes.status().message());
  }
  TESSERA_RETURN_IF_ERROR(CheckBytes(path, *bytes, min, max));
  return std::move(bytes).value();
}

Result<Json> ParsePayload(std::string_view payload, std::string_view form) {
  TESSERA_ASSIGN_OR_RETURN(bool canonical, jose::IsCanonical(payload));
  if (!canonical) {
    return Status::InvalidArgument("E-form payload is not canonical JSON (RFC 8785)");
  }
  Json json = Json::parse(payload);
  if (!json.is_object() || !json.contains("form") || json["form"] != std::string(form)) {
    return Status::InvalidArgument("E-form payload is not a \"form\":\"" + std::string(form) +
                                   "\" object");
  }
  return json;
}

Status CheckReviewed(const Reviewed& r) {
  TESSERA_RETURN_IF_ERROR(CheckString("reviewed.document_type", r.document_type, Empty::kRefused));
  return CheckString("reviewed.document_number", r.document_number, Empty::kRefused);
}

Json ReviewedJson(const Reviewed& r) {
  return {{"document_type", r.document_type}, {"document_number", r.document_number}};
}

Result<Reviewed> DecodeReviewed(const Json& parent) {
  const Json& json = parent.at("reviewed");
  TESSERA_RETURN_IF_ERROR(ExpectMembers(json, "reviewed", {"document_type", "document_number"}));
  Reviewed r;
  TESSERA_ASSIGN_OR_RETURN(r.document_type,
                           String(json, "reviewed.document_type", "document_type"));
  TESSERA_ASSIGN_OR_RETURN(r.document_number,
                           String(json, "reviewed.document_number", "document_number"));
  return r;
}

Status CheckUser(const EformUser& u) {
  TESSERA_RETURN_IF_ERROR(CheckString("user.id", u.id, Empty::kRefused));
  TESSERA_RETURN_IF_ERROR(CheckString("user.name", u.name, Empty::kAllowed));
  TESSERA_RETURN_IF_ERROR(CheckString("user.organization", u.organization, Empty::kAllowed));
  TESSERA_RETURN_IF_ERROR(CheckString("user.email", u.email, Empty::kAllowed));
  return CheckString("user.document", u.document, Empty::kAllowed);
}

Result<EformUser> DecodeUser(const Json& parent) {
  const Json& json = parent.at("user");
  TESSERA_RETURN_IF_ERROR(
      ExpectMembers(json, "user", {"id", "name", "organization", "email", "document"}));
  EformUser u;
  TESSERA_ASSIGN_OR_RETURN(u.id, String(json, "user.id", "id"));
  TESSERA_ASSIGN_OR_RETURN(u.name, String(json, "user.name", "name", Empty::kAllowed));
  TESSERA_ASSIGN_OR_RETURN(u.organization,
                           String(json, "user.organization", "organization", Empty::kAllowed));
  TESSERA_ASSIGN_OR_RETURN(u.email, String(json, "user.email", "email", Empty::kAllowed));
  TESSERA_ASSIGN_OR_RETURN(u.document, String(json, "user.document", "document", Empty::kAllowed));
  return u;
}

}  // namespace

Result<std::string> EncodeV1(const EformV1& form) {
  TESSERA_RETURN_IF_ERROR(CheckString("user_id", form.user_id, Empty::kRefused));
  TESSERA_RETURN_IF_ERROR(CheckString("officer", form.officer, Empty::kRefused));
  TESSERA_RETURN_IF_ERROR(CheckReviewed(form.reviewed));
  TESSERA_RETURN_IF_ERROR(CheckBytes("nonce", form.nonce, kMinNonceBytes, kMaxNonceBytes));
  if (form.time < 0) return Status::InvalidArgument("E-form member \"time\" is negative");
  const Json json = {{"form", "v1"},
                     {"user_id", form.user_id},
                     {"token_serial", form.token_serial},
                     {"reviewed", ReviewedJson(form.reviewed)},
                     {"nonce", jose::Base64UrlEncode(form.nonce)},
                     {"time", form.time},
                     {"officer", form.officer}};
  return jose::Canonicalize(json);
}

Result<std::string> EncodeV2(const EformV2& form) {
  TESSERA_RETURN_IF_ERROR(CheckString("request_id", form.request_id, Empty::kRefused));
  TESSERA_RETURN_IF_ERROR(CheckBytes("v1_sha256", form.v1_sha256, kSha256Bytes, kSha256Bytes));
  TESSERA_RETURN_IF_ERROR(CheckUser(form.user));
  TESSERA_RETURN_IF_ERROR(
      CheckBytes("token.token_key_sha256", form.token_key_sha256, kSha256Bytes, kSha256Bytes));
  TESSERA_RETURN_IF_ERROR(CheckString("officer", form.officer, Empty::kRefused));
  TESSERA_RETURN_IF_ERROR(CheckReviewed(form.reviewed));
  if (form.issued_at < 0 || form.expires_at < 0) {
    return Status::InvalidArgument("E-form times must not be negative");
  }
  const Json json = {{"form", "v2"},
                     {"request_id", form.request_id},
                     {"v1_sha256", jose::Base64UrlEncode(form.v1_sha256)},
                     {"user",
                      {{"id", form.user.id},
                       {"name", form.user.name},
                       {"organization", form.user.organization},
                       {"email", form.user.email},
                       {"document", form.user.document}}},
                     {"token",
                      {{"serial", form.token_serial},
                       {"token_key_sha256", jose::Base64UrlEncode(form.token_key_sha256)}}},
                     {"officer", form.officer},
                     {"reviewed", ReviewedJson(form.reviewed)},
                     {"issued_at", form.issued_at},
                     {"expires_at", form.expires_at}};
  return jose::Canonicalize(json);
}

Result<EformV1> DecodeV1(std::string_view payload) {
  TESSERA_ASSIGN_OR_RETURN(Json json, ParsePayload(payload, "v1"));
  TESSERA_RETURN_IF_ERROR(ExpectMembers(
      json, "", {"form", "user_id", "token_serial", "reviewed", "nonce", "time", "officer"}));
  EformV1 form;
  TESSERA_ASSIGN_OR_RETURN(form.user_id, String(json, "user_id", "user_id"));
  TESSERA_ASSIGN_OR_RETURN(form.token_serial, Serial(json, "token_serial", "token_serial"));
  TESSERA_ASSIGN_OR_RETURN(form.reviewed, DecodeReviewed(json));
  TESSERA_ASSIGN_OR_RETURN(form.nonce,
                           Base64(json, "nonce", "nonce", kMinNonceBytes, kMaxNonceBytes));
  TESSERA_ASSIGN_OR_RETURN(form.time, Time(json, "time", "time"));
  TESSERA_ASSIGN_OR_RETURN(form.officer, String(json, "officer", "officer"));
  return form;
}

Result<EformV2> DecodeV2(std::string_view payload) {
  TESSERA_ASSIGN_OR_RETURN(Json json, ParsePayload(payload, "v2"));
  TESSERA_RETURN_IF_ERROR(ExpectMembers(json, "",
                                        {"form", "request_id", "v1_sha256", "user", "token",
                                         "officer", "reviewed", "issued_at", "expires_at"}));
  EformV2 form;
  TESSERA_ASSIGN_OR_RETURN(form.request_id, String(json, "request_id", "request_id"));
  TESSERA_ASSIGN_OR_RETURN(form.v1_sha256,
                           Base64(json, "v1_sha256", "v1_sha256", kSha256Bytes, kSha256Bytes));
  TESSERA_ASSIGN_OR_RETURN(form.user, DecodeUser(json));
  const Json& token = json.at("token");
  TESSERA_RETURN_IF_ERROR(ExpectMembers(token, "token", {"serial", "token_key_sha256"}));
  TESSERA_ASSIGN_OR_RETURN(form.token_serial, Serial(token, "token.serial", "serial"));
  TESSERA_ASSIGN_OR_RETURN(
      form.token_key_sha256,
      Base64(token, "token.token_key_sha256", "token_key_sha256", kSha256Bytes, kSha256Bytes));
  TESSERA_ASSIGN_OR_RETURN(form.officer, String(json, "officer", "officer"));
  TESSERA_ASSIGN_OR_RETURN(form.reviewed, DecodeReviewed(json));
  TESSERA_ASSIGN_OR_RETURN(form.issued_at, Time(json, "issued_at", "issued_at"));
  TESSERA_ASSIGN_OR_RETURN(form.expires_at, Time(json, "expires_at", "expires_at"));
  return form;
}

std::vector<std::string> CompareWithTyped(const EformV2& v2, const EformV1& typed) {
  std::vector<std::string> differences;
  auto compare = [&](std::string_view field, const std::string& says, const std::string& was) {
    if (says != was) {
      differences.push_back(std::string(field) + ": v2 says " + says + ", typed " + was);
    }
  };
  compare("user_id", v2.user.id, typed.user_id);
  compare("token_serial", std::to_string(v2.token_serial), std::to_string(typed.token_serial));
  compare("reviewed.document_type", v2.reviewed.document_type, typed.reviewed.document_type);
  compare("reviewed.document_number", v2.reviewed.document_number, typed.reviewed.document_number);
  return differences;
}

}  // namespace tessera::cms
