// Builders for the Tessera extension commands in the PIV unit tests: F2
// blobs wrapped to a test token's F0 (common/crypto's EcdhAesKeyWrap over
// the shared data of common/piv/wrapped_key.hpp), the F2/F4/F5 data fields,
// and the token's own key F0 read back with GET METADATA. Test-only;
// thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/apdu.hpp"
#include "common/crypto/hash.hpp"
#include "common/ossl.hpp"
#include "tests/unit/firmware-sim/piv/piv_token.hpp"

namespace tessera::sim::pivtest {

// F0's public key as GET METADATA F0 reports it.
ossl::PkeyPtr TokenKeyF0(PivToken& token);

struct Wrapped {
  Bytes shared_data;
  Bytes blob;  // point || KWP
};
struct WrapOptions {
  crypto::Hash kdf = crypto::Hash::kSha256;
  std::size_t kek_bytes = 32;
  std::uint32_t serial = kSerial;
  Bytes context;
};
Wrapped WrapTo(EVP_PKEY* f0, std::uint8_t target, ByteView key_material,
               const WrapOptions& options = {});

// F2 data: 80 alg, 81 kdf, 82 kek, 83 shared data, 84 blob, then `extra`.
Bytes UnwrapData(std::uint8_t alg, const Wrapped& w, Bytes extra = {}, std::uint8_t kdf = 0x06,
                 std::uint8_t kek = 0x20);

// The secret-key attributes: 0A usage, [02 PIN policy], [0B label], [0C ID].
Bytes SecretAttributes(std::uint16_t usage, std::uint8_t pin_policy = 0, ByteView label = {},
                       ByteView id = {});
// F4 01 and F4 02.
CommandApdu ImportSecret(std::uint8_t slot, std::uint8_t type, ByteView value, Bytes attributes);
CommandApdu GenerateSecret(std::uint8_t slot, std::uint8_t type, Bytes attributes);
// F5 with P1 `op` on `slot`.
CommandApdu OperateSecret(std::uint8_t op, std::uint8_t slot, Bytes data);

Bytes BytesOf(std::string_view text);
// The command as hex, for ApduCase rows.
std::string Hex(const CommandApdu& apdu);
// 32 keys, one per secret-key slot.
void FillEverySecretSlot(PivToken& token);

}  // namespace tessera::sim::pivtest
