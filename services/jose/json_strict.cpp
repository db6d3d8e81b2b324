#include "services/jose/json_strict.hpp"

#include <limits>
#include <set>
#include <string>
#include <vector>

namespace tessera::jose {

namespace {
using Json = nlohmann::json;
}  // namespace

Result<Json> ParseJsonStrict(std::string_view text, std::string_view what) {
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  int depth = 0;
  bool too_deep = false;
  auto watch = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start: open_objects.emplace_back(); [[fallthrough]];
      case Json::parse_event_t::array_start:
        if (++depth > kMaxJsonDepth) too_deep = true;
        break;
      case Json::parse_event_t::object_end: open_objects.pop_back(); [[fallthrough]];
      case Json::parse_event_t::array_end: --depth; break;
      case Json::parse_event_t::key:
        if (!open_objects.back().insert(parsed.get<std::string>()).second && duplicate.empty()) {
          duplicate = parsed.get<std::string>();
        }
        break;
      case Json::parse_event_t::value: break;
    }
    // Past the limit, keep nothing more: the parse runs on (its own stack is
    // a vector) but the value it builds stays shallow.
    return !too_deep;
  };
  Json value;
  try {
    value = Json::parse(text.begin(), text.end(), watch);
  } catch (const Json::exception& e) {
    return Status::InvalidArgument(std::string(what) + ": not JSON (" + e.what() + ")");
  }
  if (too_deep) {
    return Status::InvalidArgument(std::string(what) + ": JSON nested deeper than " +
                                   std::to_string(kMaxJsonDepth));
  }
  if (!duplicate.empty()) {
    return Status::InvalidArgument(std::string(what) + ": the member \"" + duplicate +
                                   "\" appears twice");
  }
  return value;
}

Result<std::string> StringMember(const Json& object, std::string_view name, std::string_view what) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string()) {
    return Status::InvalidArgument(std::string(what) + ": \"" + std::string(name) +
                                   (it == object.end() ? "\" is missing" : "\" is not a string"));
  }
  return it->get<std::string>();
}

Result<std::int64_t> IntegerMember(const Json& object, std::string_view name,
                                   std::string_view what) {
  const auto it = object.find(name);
  if (it == object.end()) {
    return Status::InvalidArgument(std::string(what) + ": \"" + std::string(name) +
                                   "\" is missing");
  }
  if (it->is_number_unsigned()) {
    const auto v = it->get<std::uint64_t>();
    if (v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return static_cast<std::int64_t>(v);
    }
  } else if (it->is_number_integer()) {
    return it->get<std::int64_t>();
  }
  return Status::InvalidArgument(std::string(what) + ": \"" + std::string(name) +
                                 "\" is not an integer");
}

}  // namespace tessera::jose
