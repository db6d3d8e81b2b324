#include "firmware-sim/applets/piv/data_objects.hpp"

#include <array>

#include "common/piv/key_package.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/tlv.hpp"

namespace tessera::sim::piv_applet {
namespace {

namespace tag = piv::tag;

struct ObjectRule {
  std::uint32_t tag;
  ObjectAccess access;
};

constexpr ObjectAccess kAlways{false, true};
constexpr ObjectAccess kPin{true, true};

// SP 800-73-4 Part 1 Table 3: the biometric and printed-information objects
// are read only after PIN verification; everything else is free to read.
// The Tessera key package is ciphertext bound to this token: free to read
// too (docs/piv-extensions.md "The key package object").
constexpr std::array<ObjectRule, 19> kObjects = {{
    {tag::kCardCapabilityContainer, kAlways},
    {tag::kChuid, kAlways},
    {tag::kCertAuthentication, kAlways},
    {tag::kFingerprints, kPin},
    {tag::kSecurityObject, kAlways},
    {tag::kFacialImage, kPin},
    {tag::kPrintedInformation, kPin},
    {tag::kCertSignature, kAlways},
    {tag::kCertKeyManagement, kAlways},
    {tag::kCertCardAuthentication, kAlways},
    {tag::kKeyHistory, kAlways},
    {tag::kIris, kPin},
    {tag::kSmCertSigner, kAlways},
    {tag::kPairingCodeReference, kAlways},
    {tag::kDiscovery, ObjectAccess{false, false}},
    {tag::kBiometricGroupTemplate, kAlways},
    {tag::kYubicoAdmin, kAlways},
    {tag::kYubicoAttestationCert, kAlways},
    {piv::kKeyPackageObject, kAlways},
}};

}  // namespace

std::optional<ObjectAccess> LookupObject(std::uint32_t t) {
  if (t >= tag::kRetiredCertFirst && t <= tag::kRetiredCertLast) return kAlways;
  for (const ObjectRule& rule : kObjects) {
    if (rule.tag == t) return rule.access;
  }
  return std::nullopt;
}

Bytes DiscoveryObject() {
  Bytes inner;
  AppendTlv(inner, 0x4F, piv::kAid);
  AppendTlv(inner, 0x5F2F, HexOrDie("4000"));
  return EncodeTlv(tag::kDiscovery, inner);
}

Result<std::uint32_t> TagFromTagList(ByteView value) {
  if (value.empty() || value.size() > 3) {
    return Status::InvalidArgument("tag list must name one tag of 1 to 3 bytes");
  }
  std::uint32_t t = 0;
  for (std::uint8_t b : value) t = (t << 8) | b;
  return t;
}

}  // namespace tessera::sim::piv_applet
