#include "tests/unit/firmware-sim/piv/piv_token.hpp"

#include <cstdlib>

#include "common/tlv.hpp"
#include "firmware-sim/os/rng.hpp"
#include "tests/unit/firmware-sim/apdu_exchange.hpp"
#include "tests/unit/firmware-sim/piv/oracle.hpp"

namespace tessera::sim::pivtest {
namespace {

TokenContext MakeContext(Storage* storage, Rng* rng, Clock* clock, const LatencyModel* latency) {
  TokenContext ctx;
  ctx.storage = storage;
  ctx.rng = rng;
  ctx.clock = clock;
  ctx.latency = latency;
  ctx.serial = kSerial;
  ctx.uid = Bytes(16, 0x11);
  return ctx;
}

std::string NormalizedHex(const std::string& hex) { return ToHex(HexOrDie(hex)); }

}  // namespace

const ManufacturerCa& TestCa() {
  static SeededRng rng(4242, "test-ca");
  static FakeClock clock;
  static Result<ManufacturerCa> ca = ManufacturerCa::Create(rng, clock);
  if (!ca.ok()) std::abort();
  return *ca;
}

Transaction ManufactureTransaction(std::uint64_t seed) {
  SeededRng rng(seed, "manufacture");
  FakeClock clock;
  LatencyModel latency = LatencyModel::None();
  TokenContext ctx = MakeContext(nullptr, &rng, &clock, &latency);
  Transaction txn;
  Status s = PivApplet::Manufacture(ctx, TestCa(), txn);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return txn;
}

PivToken::PivToken(std::uint64_t seed) : owned_storage_(std::make_unique<MemoryStorage>()) {
  EXPECT_TRUE(owned_storage_->Commit(ManufactureTransaction(seed)).ok());
  storage_ = owned_storage_.get();
  Build(seed);
}

PivToken::PivToken(Storage& storage, std::uint64_t seed) : storage_(&storage) { Build(seed); }

PivToken::~PivToken() = default;

void PivToken::Build(std::uint64_t seed) {
  rng_ = std::make_unique<SeededRng>(seed, "token");
  ctx_ = MakeContext(storage_, rng_.get(), &clock_, &latency_);
  std::vector<std::unique_ptr<Applet>> applets;
  applets.push_back(std::make_unique<PivApplet>(ctx_));
  card_ = std::make_unique<CardOs>(std::move(applets));
  Select();
}

std::optional<ResponseApdu> PivToken::TrySend(const CommandApdu& apdu) {
  return testing::ExchangeWhole([this](ByteView raw) { return card_->Transmit(raw); }, apdu);
}

ResponseApdu PivToken::Send(const CommandApdu& apdu) {
  auto response = TrySend(apdu);
  EXPECT_TRUE(response.has_value()) << "no answer to " << ToHex(apdu.Serialize());
  return response.value_or(ResponseApdu{{}, 0x0000});
}

ResponseApdu PivToken::Send(std::string_view hex) {
  auto apdu = CommandApdu::Parse(HexOrDie(hex));
  EXPECT_TRUE(apdu.ok()) << hex;
  return apdu.ok() ? Send(*apdu) : ResponseApdu{{}, 0x0000};
}

void PivToken::Run(const std::vector<ApduCase>& cases) {
  for (const ApduCase& c : cases) {
    SCOPED_TRACE(c.name + ": " + c.command);
    ResponseApdu r = Send(c.command);
    EXPECT_EQ(r.sw, c.sw) << std::hex << "got " << r.sw << " want " << c.sw;
    if (c.check) {
      EXPECT_TRUE(c.check(r.data)) << "response " << ToHex(r.data);
    } else {
      EXPECT_EQ(ToHex(r.data), NormalizedHex(c.response));
    }
  }
}

void PivToken::Select() {
  ResponseApdu r = Send("00a4040005a000000308");
  EXPECT_EQ(r.sw, 0x9000);
}

void PivToken::PowerCycle() {
  card_->PowerOff();
  Select();
}

void PivToken::VerifyPin(std::string_view pin) {
  ResponseApdu r = Send(Apdu(piv::ins::kVerify, 0x00, 0x80, PinBlock(pin)));
  EXPECT_EQ(r.sw, 0x9000) << "VERIFY " << pin;
}

void PivToken::AuthenticateManagementKey(piv::Algorithm alg, ByteView key) {
  const auto p1 = static_cast<std::uint8_t>(alg);
  const std::size_t bs = piv::BlockSize(alg);
  ResponseApdu step1 = Send(Apdu(piv::ins::kGeneralAuthenticate, p1, 0x9B, HexOrDie("7c028000")));
  ASSERT_EQ(step1.sw, 0x9000);
  auto outer = ParseSingle(step1.data, 0x7C);
  ASSERT_TRUE(outer.ok());
  auto encrypted = ParseSingle(*outer, 0x80);
  ASSERT_TRUE(encrypted.ok());
  ASSERT_EQ(encrypted->size(), bs);
  Bytes witness = EcbDecrypt(alg, key, *encrypted);
  Bytes challenge(bs, 0xC5);
  Bytes inner = Concat({EncodeTlv(0x80, witness), EncodeTlv(0x81, challenge)});
  ResponseApdu step2 = Send(Apdu(piv::ins::kGeneralAuthenticate, p1, 0x9B, EncodeTlv(0x7C, inner)));
  ASSERT_EQ(step2.sw, 0x9000);
  EXPECT_EQ(ToHex(step2.data),
            ToHex(EncodeTlv(0x7C, EncodeTlv(0x82, EcbEncrypt(alg, key, challenge)))));
}

void PivToken::AuthenticateManagementKey() {
  AuthenticateManagementKey(piv::Algorithm::kTdes, piv::kDefaultManagementKey);
}

Bytes PivToken::Generate(std::uint8_t slot, piv::Algorithm alg, std::uint8_t pin_policy,
                         std::uint8_t touch_policy) {
  Bytes inner = EncodeTlv(0x80, Bytes{static_cast<std::uint8_t>(alg)});
  if (pin_policy != 0) AppendTlv(inner, 0xAA, Bytes{pin_policy});
  if (touch_policy != 0) AppendTlv(inner, 0xAB, Bytes{touch_policy});
  ResponseApdu r = Send(Apdu(piv::ins::kGenerateAsymmetric, 0x00, slot, EncodeTlv(0xAC, inner)));
  EXPECT_EQ(r.sw, 0x9000) << "GENERATE " << piv::AlgorithmName(alg);
  auto contents = ParseSingle(r.data, 0x7F49);
  EXPECT_TRUE(contents.ok());
  return contents.ok() ? Bytes(contents->begin(), contents->end()) : Bytes{};
}

ResponseApdu PivToken::Operate(std::uint8_t slot, piv::Algorithm alg, std::uint32_t tag,
                               ByteView input) {
  return Send(Apdu(piv::ins::kGeneralAuthenticate, static_cast<std::uint8_t>(alg), slot,
                   AuthTemplate(tag, input)));
}

CommandApdu Apdu(std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, Bytes data) {
  CommandApdu apdu;
  apdu.ins = ins;
  apdu.p1 = p1;
  apdu.p2 = p2;
  apdu.data = std::move(data);
  return apdu;
}

Bytes PinBlock(std::string_view pin) {
  Bytes b(AsBytes(pin).begin(), AsBytes(pin).end());
  b.resize(8, 0xFF);
  return b;
}

Bytes AuthTemplate(std::uint32_t tag, ByteView input) {
  return EncodeTlv(0x7C, Concat({HexOrDie("8200"), EncodeTlv(tag, input)}));
}

Bytes AuthResponse(ByteView data) {
  auto outer = ParseSingle(data, 0x7C);
  if (!outer.ok()) return {};
  auto inner = ParseSingle(*outer, 0x82);
  if (!inner.ok()) return {};
  return Bytes(inner->begin(), inner->end());
}

}  // namespace tessera::sim::pivtest
