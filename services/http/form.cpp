#include "services/http/form.hpp"

#include <algorithm>
#include <cctype>

#include "services/http/uri.hpp"

namespace tessera::http {

namespace {

Result<std::string> DecodeComponent(std::string_view raw) {
  std::string spaced(raw);
  std::replace(spaced.begin(), spaced.end(), '+', ' ');
  return PercentDecode(spaced);
}

}  // namespace

Result<std::map<std::string, std::string>> ParseForm(std::string_view body,
                                                     std::size_t max_fields) {
  std::map<std::string, std::string> fields;
  while (!body.empty()) {
    const std::size_t amp = body.find('&');
    const std::string_view piece = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (piece.empty()) continue;
    const std::size_t eq = piece.find('=');
    TESSERA_ASSIGN_OR_RETURN(std::string name, DecodeComponent(piece.substr(0, eq)));
    std::string value;
    if (eq != std::string_view::npos) {
      TESSERA_ASSIGN_OR_RETURN(value, DecodeComponent(piece.substr(eq + 1)));
    }
    if (fields.size() == max_fields) {
      return Status::InvalidArgument("the form has more than " + std::to_string(max_fields) +
                                     " fields");
    }
    if (!fields.emplace(std::move(name), std::move(value)).second) {
      return Status::InvalidArgument("the form gives a field twice");
    }
  }
  return fields;
}

std::string MediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  std::string out(type);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace tessera::http
