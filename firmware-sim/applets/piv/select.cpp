// SELECT response: the application property template.
#include "common/piv/piv_constants.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/applets/piv/handlers.hpp"

namespace tessera::sim::piv_applet {
namespace {

using piv::Algorithm;

constexpr Algorithm kAdvertised[] = {
    Algorithm::kTdes,    Algorithm::kAes128,  Algorithm::kAes192,  Algorithm::kAes256,
    Algorithm::kRsa1024, Algorithm::kRsa2048, Algorithm::kRsa3072, Algorithm::kRsa4096,
    Algorithm::kEccP256, Algorithm::kEccP384, Algorithm::kEd25519, Algorithm::kX25519,
};

}  // namespace

// SP 800-73-4 Part 2 §3.1.1 Table 3: PIX of the AID, the coexistent tag
// allocation authority (NIST RID), a label and the algorithms supported,
// closed by the object identifier tag 06 with the empty (00) value.
Bytes ApplicationPropertyTemplate() {
  Bytes authority;
  AppendTlv(authority, 0x4F, ByteView(piv::kAid).first(5));
  Bytes algorithms;
  for (Algorithm a : kAdvertised) AppendTlv(algorithms, 0x80, Bytes{static_cast<std::uint8_t>(a)});
  AppendTlv(algorithms, 0x06, Bytes{0x00});
  Bytes body;
  AppendTlv(body, 0x4F, ByteView(piv::kAid).subspan(5));
  AppendTlv(body, 0x79, authority);
  AppendTlv(body, 0x50, AsBytes("Tessera PIV"));
  AppendTlv(body, 0xAC, algorithms);
  return EncodeTlv(piv::tag::kApplicationTemplate, body);
}

}  // namespace tessera::sim::piv_applet
