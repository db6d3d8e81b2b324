#include "services/jose/jcs.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

namespace tessera::jose {
namespace {

using Json = nlohmann::json;

// RFC 8785 §3.2.2.3: numbers print as ECMAScript prints them; I-JSON
// (RFC 7493 §2.2) integers are exact up to 2^53 - 1.
constexpr std::int64_t kMaxSafeInteger = (std::int64_t{1} << 53) - 1;

// Decodes UTF-8 into UTF-16 code units; false when `text` is not valid UTF-8
// (overlong forms, surrogates, values above U+10FFFF, truncated sequences).
bool ToUtf16(std::string_view text, std::u16string& out) {
  out.clear();
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<std::uint8_t>(text[i]);
    std::uint32_t cp = 0;
    std::size_t len = 0;
    std::uint32_t min = 0;
    if (b0 < 0x80) {
      cp = b0, len = 1, min = 0;
    } else if ((b0 & 0xE0) == 0xC0) {
      cp = b0 & 0x1Fu, len = 2, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      cp = b0 & 0x0Fu, len = 3, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      cp = b0 & 0x07u, len = 4, min = 0x10000;
    } else {
      return false;
    }
    if (i + len > text.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<std::uint8_t>(text[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += len;
  }
  return true;
}

// RFC 8785 §3.2.2.2 (ECMAScript JSON.stringify): the two-character escapes,
// other controls as \u00xx in lower-case hex, everything else as it is.
Status AppendString(std::string_view s, std::string& out) {
  std::u16string ignored;
  if (!ToUtf16(s, ignored)) return Status::InvalidArgument("JSON string is not valid UTF-8");
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : s) {
    const auto u = static_cast<std::uint8_t>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out.push_back(kHex[u >> 4]);
          out.push_back(kHex[u & 0x0F]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return Status::Ok();
}

Status AppendInteger(std::int64_t v, std::string& out) {
  if (v > kMaxSafeInteger || v < -kMaxSafeInteger) {
    return Status::InvalidArgument("JSON number " + std::to_string(v) +
                                   " is outside +-(2^53-1), where integers are exact");
  }
  out += std::to_string(v);
  return Status::Ok();
}

Status AppendNumber(const Json& value, std::string& out) {
  if (value.is_number_unsigned()) {
    const auto v = value.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(kMaxSafeInteger)) {
      return Status::InvalidArgument("JSON number " + std::to_string(v) +
                                     " is outside +-(2^53-1), where integers are exact");
    }
    return AppendInteger(static_cast<std::int64_t>(v), out);
  }
  if (value.is_number_integer()) return AppendInteger(value.get<std::int64_t>(), out);
  // A double that holds an integer (1.0, 1e3, -0.0) prints as ECMAScript
  // prints it: the integer, "0" for -0. Anything else is refused.
  const double d = value.get<double>();
  if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > double(kMaxSafeInteger)) {
    return Status::InvalidArgument("JSON number " + value.dump() +
                                   " is not an integer; E-forms carry only integers");
  }
  return AppendInteger(static_cast<std::int64_t>(d), out);
}

Status AppendValue(const Json& value, std::string& out);

// RFC 8785 §3.2.3: members sorted by their names as arrays of UTF-16 code
// units, which differs from UTF-8 byte order above U+FFFF.
Status AppendObject(const Json& value, std::string& out) {
  std::vector<std::pair<std::u16string, Json::const_iterator>> members;
  members.reserve(value.size());
  for (auto it = value.cbegin(); it != value.cend(); ++it) {
    std::u16string key;
    if (!ToUtf16(it.key(), key)) {
      return Status::InvalidArgument("JSON member name is not valid UTF-8");
    }
    members.emplace_back(std::move(key), it);
  }
  std::sort(members.begin(), members.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  out.push_back('{');
  bool first = true;
  for (const auto& [key, it] : members) {
    if (!first) out.push_back(',');
    first = false;
    TESSERA_RETURN_IF_ERROR(AppendString(it.key(), out));
    out.push_back(':');
    TESSERA_RETURN_IF_ERROR(AppendValue(it.value(), out));
  }
  out.push_back('}');
  return Status::Ok();
}

Status AppendValue(const Json& value, std::string& out) {
  switch (value.type()) {
    case Json::value_t::null: out += "null"; return Status::Ok();
    case Json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; return Status::Ok();
    case Json::value_t::string: return AppendString(value.get_ref<const std::string&>(), out);
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return AppendNumber(value, out);
    case Json::value_t::object: return AppendObject(value, out);
    case Json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const Json& element : value) {
        if (!first) out.push_back(',');
        first = false;
        TESSERA_RETURN_IF_ERROR(AppendValue(element, out));
      }
      out.push_back(']');
      return Status::Ok();
    }
    case Json::value_t::binary:
    case Json::value_t::discarded: break;
  }
  return Status::InvalidArgument("JSON value has no JSON text (binary or discarded)");
}

}  // namespace

Result<std::string> Canonicalize(const nlohmann::json& value) {
  std::string out;
  TESSERA_RETURN_IF_ERROR(AppendValue(value, out));
  return out;
}

Result<bool> IsCanonical(std::string_view text) {
  // nlohmann keeps the last of two equal names; RFC 8785 §3.1 (I-JSON,
  // RFC 7493 §2.3) forbids them, so the parser callback looks for them.
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  auto watch = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start: open_objects.emplace_back(); break;
      case Json::parse_event_t::object_end: open_objects.pop_back(); break;
      case Json::parse_event_t::key:
        if (!open_objects.back().insert(parsed.get<std::string>()).second && duplicate.empty()) {
          duplicate = parsed.get<std::string>();
        }
        break;
      default: break;
    }
    return true;
  };
  Json value;
  try {
    value = Json::parse(text.begin(), text.end(), watch);
  } catch (const Json::exception& e) {
    return Status::InvalidArgument(std::string("not JSON: ") + e.what());
  }
  if (!duplicate.empty()) {
    return Status::InvalidArgument("JSON object has the member \"" + duplicate + "\" twice");
  }
  TESSERA_ASSIGN_OR_RETURN(std::string canonical, Canonicalize(value));
  return canonical == text;
}

}  // namespace tessera::jose
