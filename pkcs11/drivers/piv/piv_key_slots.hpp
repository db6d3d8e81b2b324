// The PIV key slots as PKCS#11 presents them: the CKA_ID byte, the name in
// labels, and the certificate container of each key reference. IDs follow
// OpenSC and ykcs11 (9A=01, 9C=02, 9D=03, 9E=04, retired 82..95 = 05..18),
// so `pkcs11-tool --id 02` means the signature key everywhere.
// SP 800-73-4 Part 1 Table 4b and §3.1. Constant data.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace tessera::p11::piv {

struct PivKeySlot {
  std::uint8_t key_ref;
  std::uint8_t id;
  std::uint32_t cert_tag;
  const char* name;  // "PIV Authentication", "Retired Key 1", ...
};

// 9A, 9C, 9D, 9E, then 82..95.
std::span<const PivKeySlot> AllKeySlots();
// The token's own keys, which hosts read but never write: the token key F0
// (seed 000: the CMS records it and wraps keys to it; CKA_ID F0) and the
// attestation key F9 (its certificate, 5FFF01; CKA_ID F9).
const PivKeySlot& TokenKeySlot();
const PivKeySlot& AttestationKeySlot();
// Any of the above by key reference, or nullptr.
const PivKeySlot* AnyKeySlot(std::uint8_t key_ref);
std::span<const PivKeySlot> StandardKeySlots();  // the first four
const PivKeySlot* SlotByRef(std::uint8_t key_ref);
bool IsUserKeySlot(std::uint8_t key_ref);     // in the table
bool IsRetiredKeySlot(std::uint8_t key_ref);  // 82..95
// The slot a CKA_ID names: a one-byte ID from the table, or nullptr.
const PivKeySlot* SlotById(std::span<const std::uint8_t> id);

}  // namespace tessera::p11::piv
