#include "pkcs11/drivers/piv/piv_key_slots.hpp"

#include <array>

#include "common/piv/piv_constants.hpp"

namespace tessera::p11::piv {
namespace {

namespace tag = tessera::piv::tag;

constexpr std::array<PivKeySlot, 24> kSlots = {{
    {0x9A, 0x01, tag::kCertAuthentication, "PIV Authentication"},
    {0x9C, 0x02, tag::kCertSignature, "Digital Signature"},
    {0x9D, 0x03, tag::kCertKeyManagement, "Key Management"},
    {0x9E, 0x04, tag::kCertCardAuthentication, "Card Authentication"},
    {0x82, 0x05, 0x5FC10D, "Retired Key 1"},
    {0x83, 0x06, 0x5FC10E, "Retired Key 2"},
    {0x84, 0x07, 0x5FC10F, "Retired Key 3"},
    {0x85, 0x08, 0x5FC110, "Retired Key 4"},
    {0x86, 0x09, 0x5FC111, "Retired Key 5"},
    {0x87, 0x0A, 0x5FC112, "Retired Key 6"},
    {0x88, 0x0B, 0x5FC113, "Retired Key 7"},
    {0x89, 0x0C, 0x5FC114, "Retired Key 8"},
    {0x8A, 0x0D, 0x5FC115, "Retired Key 9"},
    {0x8B, 0x0E, 0x5FC116, "Retired Key 10"},
    {0x8C, 0x0F, 0x5FC117, "Retired Key 11"},
    {0x8D, 0x10, 0x5FC118, "Retired Key 12"},
    {0x8E, 0x11, 0x5FC119, "Retired Key 13"},
    {0x8F, 0x12, 0x5FC11A, "Retired Key 14"},
    {0x90, 0x13, 0x5FC11B, "Retired Key 15"},
    {0x91, 0x14, 0x5FC11C, "Retired Key 16"},
    {0x92, 0x15, 0x5FC11D, "Retired Key 17"},
    {0x93, 0x16, 0x5FC11E, "Retired Key 18"},
    {0x94, 0x17, 0x5FC11F, "Retired Key 19"},
    {0x95, 0x18, 0x5FC120, "Retired Key 20"},
}};

constexpr PivKeySlot kTokenKey = {0xF0, 0xF0, 0, "Token Key"};
constexpr PivKeySlot kAttestationKey = {0xF9, 0xF9, tag::kYubicoAttestationCert, "Attestation"};

}  // namespace

std::span<const PivKeySlot> AllKeySlots() { return kSlots; }
const PivKeySlot& TokenKeySlot() { return kTokenKey; }
const PivKeySlot& AttestationKeySlot() { return kAttestationKey; }

const PivKeySlot* AnyKeySlot(std::uint8_t key_ref) {
  if (key_ref == kTokenKey.key_ref) return &kTokenKey;
  if (key_ref == kAttestationKey.key_ref) return &kAttestationKey;
  return SlotByRef(key_ref);
}
std::span<const PivKeySlot> StandardKeySlots() { return std::span(kSlots).first(4); }

const PivKeySlot* SlotByRef(std::uint8_t key_ref) {
  for (const auto& s : kSlots) {
    if (s.key_ref == key_ref) return &s;
  }
  return nullptr;
}

bool IsUserKeySlot(std::uint8_t key_ref) { return SlotByRef(key_ref) != nullptr; }

bool IsRetiredKeySlot(std::uint8_t key_ref) {
  return key_ref >= tessera::piv::key::kRetiredFirst && key_ref <= tessera::piv::key::kRetiredLast;
}

const PivKeySlot* SlotById(std::span<const std::uint8_t> id) {
  if (id.size() != 1) return nullptr;
  for (const auto& s : kSlots) {
    if (s.id == id[0]) return &s;
  }
  return nullptr;
}

}  // namespace tessera::p11::piv
