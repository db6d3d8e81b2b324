#include "services/ca/revocation_reason.hpp"

#include <array>

namespace tessera::ca {
namespace {

struct Reason {
  std::string_view name;
  int code;
};

// RFC 5280 §5.3.1.
constexpr std::array<Reason, 7> kReasons = {{
    {"unspecified", 0},
    {"keyCompromise", 1},
    {"cACompromise", 2},
    {"affiliationChanged", 3},
    {"superseded", 4},
    {"cessationOfOperation", 5},
    {"privilegeWithdrawn", 9},
}};

}  // namespace

Result<int> RevocationReasonFromName(std::string_view name) {
  for (const Reason& reason : kReasons) {
    if (reason.name == name) return reason.code;
  }
  std::string names;
  for (const Reason& reason : kReasons) {
    if (!names.empty()) names += ", ";
    names += reason.name;
  }
  return Status::InvalidArgument("unknown revocation reason '" + std::string(name) +
                                 "': expected one of " + names + " (RFC 5280 §5.3.1)");
}

std::string RevocationReasonName(int code) {
  for (const Reason& reason : kReasons) {
    if (reason.code == code) return std::string(reason.name);
  }
  return "reason " + std::to_string(code);
}

}  // namespace tessera::ca
