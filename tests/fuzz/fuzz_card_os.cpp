// Fuzzes the card OS and the PIV applet with sequences of APDUs.
//
// Input: byte 0 selects a prelude (bit 0: SELECT PIV first; bit 1: also
// authenticate with the default management key; bit 2: also verify the PIN),
// then records of <u16 length><APDU bytes>. Each APDU must get a response
// that ends in a status word; the card must never crash, hang or lose power.
// GENERATE with RSA 3072/4096 is skipped to keep executions fast.
#include <cstdlib>
#include <memory>

#include "common/piv/block_cipher.hpp"
#include "common/piv/piv_constants.hpp"
#include "firmware-sim/applets/piv/piv_applet.hpp"
#include "firmware-sim/crypto/manufacturer_ca.hpp"
#include "firmware-sim/os/card_os.hpp"
#include "firmware-sim/os/clock.hpp"
#include "firmware-sim/os/rng.hpp"
#include "firmware-sim/os/storage.hpp"

namespace {

using namespace tessera;
using namespace tessera::sim;

struct Factory {
  FakeClock clock;
  SeededRng rng{1, "fuzz"};
  LatencyModel latency = LatencyModel::None();
  Transaction initial;

  Factory() {
    auto ca = ManufacturerCa::Create(rng, clock);
    if (!ca.ok()) std::abort();
    MemoryStorage scratch;
    TokenContext ctx{&scratch, &rng, &clock, &latency, 12345678, Bytes(16, 0x42)};
    if (!PivApplet::Manufacture(ctx, *ca, initial).ok()) std::abort();
  }
};

Factory& TheFactory() {
  static Factory* f = new Factory();
  return *f;
}

Bytes Send(CardOs& card, const Bytes& apdu) {
  auto r = card.Transmit(apdu);
  if (!r || r->size() < 2) std::abort();
  return *r;
}

void AuthenticateManagementKey(CardOs& card) {
  Bytes r = Send(card, HexOrDie("0087039b047c028000"));
  if (r.size() != 14) return;
  ByteView witness(r.data() + 4, 8);
  auto plain = piv::BlockDecrypt(piv::Algorithm::kTdes, piv::kDefaultManagementKey, witness);
  if (!plain.ok()) std::abort();
  Bytes cmd = HexOrDie("0087039b167c14");
  Append(cmd, {0x80, 0x08});
  Append(cmd, *plain);
  Append(cmd, {0x81, 0x08, 1, 2, 3, 4, 5, 6, 7, 8});
  (void)Send(card, cmd);
}

bool TooSlow(ByteView apdu) {
  if (apdu.size() < 5 || apdu[1] != piv::ins::kGenerateAsymmetric) return false;
  for (std::uint8_t b : apdu) {
    if (b == static_cast<std::uint8_t>(piv::Algorithm::kRsa3072) ||
        b == static_cast<std::uint8_t>(piv::Algorithm::kRsa4096)) {
      return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  Factory& f = TheFactory();
  MemoryStorage storage;
  if (!storage.Commit(f.initial).ok()) std::abort();
  TokenContext ctx{&storage, &f.rng, &f.clock, &f.latency, 12345678, Bytes(16, 0x42)};
  std::vector<std::unique_ptr<Applet>> applets;
  applets.push_back(std::make_unique<PivApplet>(ctx));
  CardOs card(std::move(applets));

  std::uint8_t prelude = data[0];
  if (prelude & 1) (void)Send(card, HexOrDie("00a4040009a00000030800001000"));
  if (prelude & 2) AuthenticateManagementKey(card);
  if (prelude & 4) (void)Send(card, HexOrDie("0020008008313233343536ffff"));

  ByteReader in(ByteView(data + 1, size - 1));
  while (in.remaining() >= 2) {
    std::uint16_t len = *in.U16();
    if (len > in.remaining()) len = static_cast<std::uint16_t>(in.remaining());
    ByteView apdu = *in.Take(len);
    if (TooSlow(apdu)) continue;
    (void)Send(card, Bytes(apdu.begin(), apdu.end()));
  }
  return 0;
}
