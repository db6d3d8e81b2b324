// F3 REGISTRATION (docs/piv-extensions.md "F3"; seed 001, issue 14): the
// token's half of the registration protocol (docs/registration-protocol.md)
// in four steps and a status read. A table from P1 to the step; the steps
// are registration_begin.cpp, registration_finish.cpp and
// registration_auth.cpp. Any refusal drops both exchanges in progress, so
// every BEGIN buys exactly one attempt at its FINISH.
#include <array>
#include <optional>
#include <string>

#include "common/piv/piv_constants.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/applets/piv/handlers.hpp"
#include "firmware-sim/applets/piv/registration_steps.hpp"
#include "firmware-sim/applets/shared/issuer_key_record.hpp"

namespace tessera::sim::piv_applet {
namespace {

namespace reg = piv::registration;

struct Step {
  std::uint8_t p1;
  Handler handler;
};

constexpr std::array<Step, 5> kSteps = {{
    {reg::kStatus, RegistrationStatus},
    {reg::kRegisterBegin, RegisterBegin},
    {reg::kRegisterFinish, RegisterFinish},
    {reg::kAuthBegin, AuthBegin},
    {reg::kAuthFinish, AuthFinish},
}};

}  // namespace

Result<std::uint64_t> LoadTimeFloor(const Storage& s) {
  std::optional<SecureBytes> raw = s.Get(kTimeFloorKey);
  if (!raw) return std::uint64_t{0};
  if (raw->size() != reg::kTimeSize) {
    return Status::Corrupt(std::string("piv: malformed ") + kTimeFloorKey);
  }
  return GetU64(raw->view());
}

void PutTimeFloor(Transaction& txn, std::uint64_t floor) {
  Bytes value;
  PutU64(value, floor);
  txn.Put(kTimeFloorKey, value);
}

// P1 00: what a host needs before it registers or checks a gateway: the
// issuer key (95, 96; absent when none is embedded) and the time floor (84).
Result<Bytes> RegistrationStatus(PivContext& c, const CommandApdu& apdu) {
  if (apdu.p2 != 0x00) return Status::IncorrectP1P2("F3 status needs P2 00");
  if (!apdu.data.empty()) return Status::InvalidArgument("F3 status takes no data");
  TESSERA_ASSIGN_OR_RETURN(std::optional<IssuerKey> issuer, LoadIssuerKey(c.storage()));
  TESSERA_ASSIGN_OR_RETURN(std::uint64_t floor, LoadTimeFloor(c.storage()));
  Bytes out;
  if (issuer) {
    AppendTlv(out, reg::tag::kIssuerPoint, issuer->point);
    AppendTlv(out, reg::tag::kIssuerKvn, Bytes{issuer->kvn});
  }
  Bytes floor_bytes;
  PutU64(floor_bytes, floor);
  AppendTlv(out, reg::tag::kTimeFloor, floor_bytes);
  return out;
}

Result<Bytes> HandleRegistration(PivContext& c, const CommandApdu& apdu) {
  Handler step = nullptr;
  for (const Step& s : kSteps) {
    if (s.p1 == apdu.p1) step = s.handler;
  }
  Result<Bytes> answer =
      step != nullptr ? step(c, apdu) : Result<Bytes>(Status::IncorrectP1P2("F3 needs P1 00..04"));
  if (!answer.ok()) {
    c.session().registration.reset();
    c.session().login.reset();
  }
  return answer;
}

}  // namespace tessera::sim::piv_applet
