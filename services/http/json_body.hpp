// JSON request bodies into typed structs, and JSON answers (STYLE.md: "a
// handler decodes the request into a typed struct").
//
//   struct IssueRequest { std::string profile; std::string csr; };
//   Result<IssueRequest> DecodeIssue(const Request& request) {
//     return DecodeJsonBody<IssueRequest>(request, [](JsonObject& o) -> Result<IssueRequest> {
//       IssueRequest r;
//       TESSERA_ASSIGN_OR_RETURN(r.profile, o.String("profile"));
//       TESSERA_ASSIGN_OR_RETURN(r.csr, o.String("csr"));
//       return r;
//     });
//   }
//
// Errors are kInvalidArgument naming the field ("body.profile: expected
// a string, got number"), or the 415 fault for a Content-Type other than
// application/json. Fields the decoder did not read are an error ("unknown
// field \"x\""), so a misspelt optional field is not silently ignored.
// Bodies nest at most kMaxJsonDepth deep. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.hpp"
#include "services/http/router.hpp"

namespace tessera::http {

inline constexpr int kMaxJsonDepth = 32;

// One JSON object being read. `where` prefixes errors ("body", "body.subject").
class JsonObject {
 public:
  JsonObject(const nlohmann::json& object, std::string where)
      : object_(object), where_(std::move(where)) {}

  Result<std::string> String(std::string_view name);
  Result<std::optional<std::string>> OptionalString(std::string_view name);
  Result<std::int64_t> Int(std::string_view name);
  Result<std::optional<std::int64_t>> OptionalInt(std::string_view name);
  Result<bool> Bool(std::string_view name);
  Result<std::optional<bool>> OptionalBool(std::string_view name);
  Result<std::vector<std::string>> StringArray(std::string_view name);
  // A nested object, read by `read` (which must read all its fields).
  Status Object(std::string_view name, const std::function<Status(JsonObject&)>& read);
  // As Object when the field is there; false (and `read` not called) when not.
  Result<bool> OptionalObject(std::string_view name,
                              const std::function<Status(JsonObject&)>& read);

  // kInvalidArgument naming the first field nobody read.
  Status Finish() const;

 private:
  Result<const nlohmann::json*> Field(std::string_view name, bool required);
  std::string Name(std::string_view field) const;

  const nlohmann::json& object_;
  std::string where_;
  std::set<std::string, std::less<>> read_;
};

// Parses `text` as one JSON value (kInvalidArgument with the byte offset).
Result<nlohmann::json> ParseJson(std::string_view text);

// Checks the Content-Type (application/json, parameters allowed), parses the
// body and runs `decode` on its top-level object, then Finish().
template <typename T>
Result<T> DecodeJsonBody(const Request& request,
                         const std::function<Result<T>(JsonObject&)>& decode);

Status CheckJsonContentType(const Request& request);

// 200 (or `status`) application/json with `value` serialized.
Response JsonResponse(const nlohmann::json& value, int status = 200);

// ---- implementation ----

template <typename T>
Result<T> DecodeJsonBody(const Request& request,
                         const std::function<Result<T>(JsonObject&)>& decode) {
  TESSERA_RETURN_IF_ERROR(CheckJsonContentType(request));
  TESSERA_ASSIGN_OR_RETURN(nlohmann::json value, ParseJson(request.body));
  if (!value.is_object()) {
    return Status::InvalidArgument("body: expected a JSON object, got " +
                                   std::string(value.type_name()));
  }
  JsonObject object(value, "body");
  Result<T> result = decode(object);
  if (!result.ok()) return result.status();
  TESSERA_RETURN_IF_ERROR(object.Finish());
  return result;
}

}  // namespace tessera::http
