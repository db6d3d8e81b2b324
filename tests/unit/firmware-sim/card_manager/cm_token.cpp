#include "tests/unit/firmware-sim/card_manager/cm_token.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "firmware-sim/crypto/manufacturer_ca.hpp"
#include "firmware-sim/os/rng.hpp"
#include "tests/unit/firmware-sim/apdu_exchange.hpp"

namespace tessera::sim::cmtest {
namespace {

const ManufacturerCa& TestCa() {
  static SeededRng rng(4242, "test-ca");
  static FakeClock clock;
  static Result<ManufacturerCa> ca = ManufacturerCa::Create(rng, clock);
  if (!ca.ok()) std::abort();
  return *ca;
}

}  // namespace

std::unique_ptr<CmToken> CmToken::Manufacture(const std::filesystem::path& file) {
  std::unique_ptr<CmToken> t(new CmToken());
  auto token = Token::Manufacture(
      file, kSerial, TestCa(),
      TokenEnv{std::make_unique<SeededRng>(7, "token"), &t->clock_, LatencyModel::None()});
  if (!token.ok()) {
    ADD_FAILURE() << token.status().ToString();
    return nullptr;
  }
  t->token_ = std::move(token).value();
  EXPECT_TRUE(t->token_->PowerOn().ok());
  return t;
}

std::unique_ptr<CmToken> CmToken::Load(const std::filesystem::path& file) {
  std::unique_ptr<CmToken> t(new CmToken());
  auto token = Token::Load(
      file, TokenEnv{std::make_unique<SeededRng>(7, "token"), &t->clock_, LatencyModel::None()});
  if (!token.ok()) {
    ADD_FAILURE() << token.status().ToString();
    return nullptr;
  }
  t->token_ = std::move(token).value();
  EXPECT_TRUE(t->token_->PowerOn().ok());
  return t;
}

std::optional<ResponseApdu> CmToken::TrySend(const CommandApdu& apdu) {
  return testing::ExchangeWhole([this](ByteView raw) { return token_->Transmit(raw); }, apdu);
}

ResponseApdu CmToken::Send(const CommandApdu& apdu) {
  return TrySend(apdu).value_or(ResponseApdu{{}, 0x0000});
}

ResponseApdu CmToken::Send(std::string_view hex) {
  auto apdu = CommandApdu::Parse(HexOrDie(hex));
  EXPECT_TRUE(apdu.ok()) << hex;
  return apdu.ok() ? Send(*apdu) : ResponseApdu{{}, 0x0000};
}

void CmToken::Run(const std::vector<ApduCase>& cases) {
  for (const ApduCase& c : cases) {
    SCOPED_TRACE(c.name + ": " + c.command);
    ResponseApdu r = Send(c.command);
    EXPECT_EQ(r.sw, c.sw) << std::hex << "got " << r.sw << " want " << c.sw;
    EXPECT_EQ(ToHex(r.data), ToHex(HexOrDie(c.response)));
  }
}

void CmToken::Select() {
  ResponseApdu r = Send(kSelectCardManager);
  EXPECT_EQ(r.sw, 0x9000) << "SELECT card manager";
}

void CmToken::PowerCycle() {
  token_->PowerOff();
  PowerOnAndSelect();
}

void CmToken::PowerOnAndSelect() {
  EXPECT_TRUE(token_->PowerOn().ok());
  Select();
}

CommandApdu Apdu(std::uint8_t cla, std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, Bytes data,
                 std::optional<std::size_t> le) {
  CommandApdu apdu;
  apdu.cla = cla;
  apdu.ins = ins;
  apdu.p1 = p1;
  apdu.p2 = p2;
  apdu.data = std::move(data);
  apdu.le = le;
  return apdu;
}

}  // namespace tessera::sim::cmtest
