// The long-term objects of one key version on an HSM token, found by label.
//
// A key version V (the KVN of the MKs derived from it, 01..7F as in
// docs/card-manager.md "Keys") is four token objects:
//   secret key   "tessera-mk-vVV"          the MK data block
//   secret key   "tessera-krk-vVV"         the KRK data block
//   public key   "tessera-cryptogram-vVV"  RSA-3072, encrypts R
//   private key  "tessera-cryptogram-vVV"  RSA-3072, decrypts cryptograms
// with VV two upper-case hex digits, like a KVN. Transfers use two more
// labels: "tessera-kek" (key-management HSM) and "tessera-transport" (the
// access server's RSA pair). Stateless; the session's thread.
#pragma once

#include <p11-kit/pkcs11.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.hpp"
#include "hsm/hsm_session.hpp"

namespace tessera::hsm {

inline constexpr std::uint8_t kMinVersion = 0x01;
inline constexpr std::uint8_t kMaxVersion = 0x7F;
inline constexpr std::string_view kKekLabel = "tessera-kek";
inline constexpr std::string_view kTransportLabel = "tessera-transport";

// kInvalidArgument outside 01..7F.
Status CheckVersion(std::uint8_t version);
std::string VersionName(std::uint8_t version);  // "version 0A"
std::string MkBlockLabel(std::uint8_t version);
std::string KrkBlockLabel(std::uint8_t version);
std::string CryptogramKeyLabel(std::uint8_t version);

// What a token holds of one version; each object may be missing.
struct VersionObjects {
  std::optional<CK_OBJECT_HANDLE> mk_block;
  std::optional<CK_OBJECT_HANDLE> krk_block;
  std::optional<CK_OBJECT_HANDLE> public_key;
  std::optional<CK_OBJECT_HANDLE> private_key;

  bool complete() const { return mk_block && krk_block && public_key && private_key; }
  bool empty() const { return !mk_block && !krk_block && !public_key && !private_key; }
  // "present: MK block, KRK block; missing: public key, private key".
  std::string Describe() const;
};

// The four objects of a whole version, all present.
struct VersionHandles {
  CK_OBJECT_HANDLE mk_block;
  CK_OBJECT_HANDLE krk_block;
  CK_OBJECT_HANDLE public_key;
  CK_OBJECT_HANDLE private_key;
};

Result<VersionObjects> FindVersion(HsmSession& session, std::uint8_t version);
// The highest version the token holds completely; kNotFound when none. One
// listing of the token's secret keys, not a lookup per possible version.
Result<std::uint8_t> HighestCompleteVersion(HsmSession& session);
// kNotFound "HSM token 'x' does not hold key version 01 (...)" unless complete.
Result<VersionHandles> RequireVersion(HsmSession& session, std::uint8_t version);

}  // namespace tessera::hsm
