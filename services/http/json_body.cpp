#include "services/http/json_body.hpp"

#include <cctype>

#include "common/text.hpp"
#include "services/http/problem.hpp"

namespace tessera::http {
namespace {

// The deepest nesting in `text`, counted outside strings. nlohmann's parser
// is iterative, but a bound keeps every later walk over the value shallow.
int MaxDepth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<nlohmann::json> ParseJson(std::string_view text) {
  if (MaxDepth(text) > kMaxJsonDepth) {
    return Status::InvalidArgument("body: JSON nested deeper than " +
                                   std::to_string(kMaxJsonDepth) + " levels");
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidArgument("body: not JSON: syntax error at byte " +
                                   std::to_string(e.byte));
  } catch (const nlohmann::json::exception&) {
    // out_of_range 406: a number such as 1e400 that no double holds (RFC 8259
    // §6 lets a parser set such limits).
    return Status::InvalidArgument("body: a number is out of range");
  }
}

Status CheckJsonContentType(const Request& request) {
  const auto type = request.Header("content-type");
  if (!type) {
    return Fault(HttpFault::kUnsupportedMediaType,
                 "the body must be application/json; "
                 "Content-Type is missing");
  }
  const std::string media = Lower(TrimBlanks(type->substr(0, type->find(';'))));
  if (media != "application/json") {
    return Fault(HttpFault::kUnsupportedMediaType,
                 "the body must be application/json, not " + std::string(*type));
  }
  return Status::Ok();
}

Response JsonResponse(const nlohmann::json& value, int status) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

std::string JsonObject::Name(std::string_view field) const {
  return where_ + "." + std::string(field);
}

Result<const nlohmann::json*> JsonObject::Field(std::string_view name, bool required) {
  read_.emplace(name);
  const auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) {
    if (required) return Status::InvalidArgument(Name(name) + ": missing");
    return static_cast<const nlohmann::json*>(nullptr);
  }
  return &*it;
}

namespace {

Status WrongType(const std::string& name, const char* expected, const nlohmann::json& got) {
  return Status::InvalidArgument(name + ": expected " + expected + ", got " +
                                 std::string(got.type_name()));
}

}  // namespace

Result<std::string> JsonObject::String(std::string_view name) {
  TESSERA_ASSIGN_OR_RETURN(auto value, OptionalString(name));
  if (!value) return Status::InvalidArgument(Name(name) + ": missing");
  return std::move(*value);
}

Result<std::optional<std::string>> JsonObject::OptionalString(std::string_view name) {
  TESSERA_ASSIGN_OR_RETURN(const nlohmann::json* field, Field(name, false));
  if (field == nullptr) return std::optional<std::string>();
  if (!field->is_string()) return WrongType(Name(name), "a string", *field);
  return std::optional<std::string>(field->get<std::string>());
}

Result<std::int64_t> JsonObject::Int(std::string_view name) {
  TESSERA_ASSIGN_OR_RETURN(auto value, OptionalInt(name));
  if (!value) return Status::InvalidArgument(Name(name) + ": missing");
  return *value;
}

Result<std::optional<std::int64_t>> JsonObject::OptionalInt(std::string_view name) {
  TESSERA_ASSIGN_OR_RETURN(const nlohmann::json* field, Field(name, false));
  if (field == nullptr) return std::optional<std::int64_t>();
  if (field->is_number_integer()) {
    if (field->is_number_unsigned() &&
        field->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      return Status::InvalidArgument(Name(name) + ": out of range");
    }
    return std::optional<std::int64_t>(field->get<std::int64_t>());
  }
  return WrongType(Name(name), "an integer", *field);
}

Result<bool> JsonObject::Bool(std::string_view name) {
  TESSERA_ASSIGN_OR_RETURN(auto value, OptionalBool(name));
  if (!value) return Status::InvalidArgument(Name(name) + ": missing");
  return *value;
}

Result<std::optional<bool>> JsonObject::OptionalBool(std::string_view name) {
  TESSERA_ASSIGN_OR_RETURN(const nlohmann::json* field, Field(name, false));
  if (field == nullptr) return std::optional<bool>();
  if (!field->is_boolean()) return WrongType(Name(name), "true or false", *field);
  return std::optional<bool>(field->get<bool>());
}

Result<std::vector<std::string>> JsonObject::StringArray(std::string_view name) {
  TESSERA_ASSIGN_OR_RETURN(const nlohmann::json* field, Field(name, true));
  if (!field->is_array()) return WrongType(Name(name), "an array of strings", *field);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < field->size(); ++i) {
    const nlohmann::json& item = (*field)[i];
    if (!item.is_string()) {
      return WrongType(Name(name) + "[" + std::to_string(i) + "]", "a string", item);
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

Status JsonObject::Object(std::string_view name, const std::function<Status(JsonObject&)>& read) {
  TESSERA_ASSIGN_OR_RETURN(const nlohmann::json* field, Field(name, true));
  if (!field->is_object()) return WrongType(Name(name), "an object", *field);
  JsonObject inner(*field, Name(name));
  TESSERA_RETURN_IF_ERROR(read(inner));
  return inner.Finish();
}

Result<bool> JsonObject::OptionalObject(std::string_view name,
                                        const std::function<Status(JsonObject&)>& read) {
  TESSERA_ASSIGN_OR_RETURN(const nlohmann::json* field, Field(name, false));
  if (field == nullptr) return false;
  TESSERA_RETURN_IF_ERROR(Object(name, read));
  return true;
}

Status JsonObject::Finish() const {
  for (const auto& item : object_.items()) {
    if (read_.find(item.key()) == read_.end()) {
      return Status::InvalidArgument(where_ + ": unknown field \"" + item.key() + "\"");
    }
  }
  return Status::Ok();
}

}  // namespace tessera::http
