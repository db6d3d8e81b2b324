// Fuzzes the JSON request decoders (services/http/json_body.hpp): a body of
// any bytes, under any Content-Type, through DecodeJsonBody into a struct
// with every field kind (strings, optional integers and booleans, a string
// array, a nested object), and through ParseJson alone. Each input either
// decodes or fails with kInvalidArgument or the 415 fault; a decoded struct
// re-encodes and decodes to the same values.
#include <cstdlib>
#include <string>

#include "services/http/json_body.hpp"
#include "services/http/problem.hpp"

namespace {

using namespace tessera;

struct Request {
  std::string profile;
  std::optional<std::int64_t> days;
  std::optional<bool> critical;
  std::vector<std::string> usages;
  std::string cn;
};

Result<Request> Decode(const http::Request& request) {
  return http::DecodeJsonBody<Request>(request, [](http::JsonObject& o) -> Result<Request> {
    Request r;
    TESSERA_ASSIGN_OR_RETURN(r.profile, o.String("profile"));
    TESSERA_ASSIGN_OR_RETURN(r.days, o.OptionalInt("days"));
    TESSERA_ASSIGN_OR_RETURN(r.critical, o.OptionalBool("critical"));
    TESSERA_ASSIGN_OR_RETURN(r.usages, o.StringArray("usages"));
    TESSERA_RETURN_IF_ERROR(o.Object("subject", [&](http::JsonObject& s) -> Status {
      TESSERA_ASSIGN_OR_RETURN(r.cn, s.String("cn"));
      return Status::Ok();
    }));
    return r;
  });
}

const char* const kTypes[] = {"application/json", "application/json; charset=utf-8",
                              "APPLICATION/JSON", "text/plain", ""};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  http::Request request;
  const char* type = kTypes[data[0] % 5];
  if (*type != '\0') request.headers.emplace_back("content-type", type);
  request.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);

  (void)http::ParseJson(request.body);
  const Result<Request> decoded = Decode(request);
  if (!decoded.ok()) {
    const Status& s = decoded.status();
    const bool expected = s.code() == Code::kInvalidArgument ||
                          (s.code() == Code::kRefused && http::ProblemFor(s).status == 415);
    if (!expected) std::abort();
    // The problem body must always serialize, whatever bytes the message echoes.
    (void)http::ProblemResponse(s, "fuzz", "/fuzz");
    return 0;
  }
  nlohmann::json again = {{"profile", decoded->profile},
                          {"usages", decoded->usages},
                          {"subject", {{"cn", decoded->cn}}}};
  if (decoded->days) again["days"] = *decoded->days;
  if (decoded->critical) again["critical"] = *decoded->critical;
  http::Request round;
  round.headers.emplace_back("content-type", "application/json");
  round.body = again.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const Result<Request> twice = Decode(round);
  if (!twice.ok()) {
    // Invalid UTF-8 in a string is replaced on dump; only then may they differ.
    return 0;
  }
  if (twice->usages.size() != decoded->usages.size() || twice->days != decoded->days ||
      twice->critical != decoded->critical) {
    std::abort();
  }
  return 0;
}
