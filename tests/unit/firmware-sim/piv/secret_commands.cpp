#include "tests/unit/firmware-sim/piv/secret_commands.hpp"

#include "common/crypto/ecdh_aes_wrap.hpp"
#include "common/piv/wrapped_key.hpp"
#include "common/tlv.hpp"
#include "tests/unit/firmware-sim/piv/oracle.hpp"

namespace tessera::sim::pivtest {

ossl::PkeyPtr TokenKeyF0(PivToken& token) {
  ResponseApdu meta = token.Send("00f700f0");
  auto fields = ParseTlvs(meta.data);
  if (!fields.ok() || !FindTag(*fields, 0x04)) {
    ADD_FAILURE() << "no F0 metadata";
    return nullptr;
  }
  return PublicKeyFrom7F49(piv::Algorithm::kEccP256, *FindTag(*fields, 0x04));
}

Wrapped WrapTo(EVP_PKEY* f0, std::uint8_t target, ByteView key_material,
               const WrapOptions& options) {
  Wrapped w;
  w.shared_data = piv::wrap::EncodeSharedData({options.serial, target, options.context});
  crypto::EcdhAesWrapParams params;
  params.kdf = options.kdf;
  params.aes_key_bytes = options.kek_bytes;
  params.shared_data = w.shared_data;
  auto blob = crypto::EcdhAesKeyWrap(f0, params, key_material);
  EXPECT_TRUE(blob.ok()) << blob.status().ToString();
  if (blob.ok()) w.blob = std::move(*blob);
  return w;
}

Bytes UnwrapData(std::uint8_t alg, const Wrapped& w, Bytes extra, std::uint8_t kdf,
                 std::uint8_t kek) {
  Bytes d;
  AppendTlv(d, 0x80, Bytes{alg});
  AppendTlv(d, 0x81, Bytes{kdf});
  AppendTlv(d, 0x82, Bytes{kek});
  AppendTlv(d, 0x83, w.shared_data);
  AppendTlv(d, 0x84, w.blob);
  Append(d, extra);
  return d;
}

Bytes SecretAttributes(std::uint16_t usage, std::uint8_t pin_policy, ByteView label, ByteView id) {
  Bytes d;
  AppendTlv(d, 0x0A,
            Bytes{static_cast<std::uint8_t>(usage >> 8), static_cast<std::uint8_t>(usage)});
  if (pin_policy != 0) AppendTlv(d, 0x02, Bytes{pin_policy});
  if (!label.empty()) AppendTlv(d, 0x0B, label);
  if (!id.empty()) AppendTlv(d, 0x0C, id);
  return d;
}

CommandApdu ImportSecret(std::uint8_t slot, std::uint8_t type, ByteView value, Bytes attributes) {
  Bytes d = EncodeTlv(0x01, Bytes{type});
  AppendTlv(d, 0x81, value);
  Append(d, attributes);
  return Apdu(0xF4, 0x01, slot, d);
}

CommandApdu GenerateSecret(std::uint8_t slot, std::uint8_t type, Bytes attributes) {
  return Apdu(0xF4, 0x02, slot, Concat({EncodeTlv(0x01, Bytes{type}), attributes}));
}

CommandApdu OperateSecret(std::uint8_t op, std::uint8_t slot, Bytes data) {
  return Apdu(0xF5, op, slot, std::move(data));
}

Bytes BytesOf(std::string_view text) {
  ByteView b = AsBytes(text);
  return {b.begin(), b.end()};
}

std::string Hex(const CommandApdu& apdu) { return ToHex(apdu.Serialize()); }

void FillEverySecretSlot(PivToken& token) {
  for (int i = 0; i < 32; ++i) {
    ResponseApdu r = token.Send(GenerateSecret(0xFF, 0x08, SecretAttributes(0x0001)));
    ASSERT_EQ(r.sw, 0x9000) << i;
  }
}

}  // namespace tessera::sim::pivtest
