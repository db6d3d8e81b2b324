#include "common/piv/key_package.hpp"

#include <array>
#include <string>

#include "common/piv/wrapped_key.hpp"
#include "common/tlv.hpp"

namespace tessera::piv {
namespace {

namespace tag = wrap::tag;

// The inner tags in the one order the encoding allows (key_package.hpp).
constexpr std::array<std::uint32_t, 6> kOrder = {tag::kAlgorithm, tag::kKeyFamily,  tag::kKdf,
                                                 tag::kKekLength, tag::kSharedData, tag::kBlob};

// wrapped_key.hpp tag 85: RSA, EC, EC_EDWARDS, EC_MONTGOMERY, AES, GENERIC_SECRET.
bool IsKnownFamily(std::uint8_t b) {
  return b == 0x00 || b == 0x03 || b == 0x40 || b == 0x41 || b == 0x1F || b == 0x10;
}

std::size_t IndexOf(std::uint32_t t) {
  std::size_t i = 0;
  while (i < kOrder.size() && kOrder[i] != t) ++i;
  return i;
}

std::string TagHex(std::uint32_t t) {
  Bytes encoded;
  AppendTag(encoded, t);
  return ToHex(encoded);
}

Status Fault(const std::string& what) { return Status::InvalidArgument("key package: " + what); }

Result<std::uint8_t> OneByte(ByteView value, const char* name) {
  if (value.size() != 1) return Fault(std::string(name) + " must be one byte");
  return value[0];
}

// Checks one inner TLV's value and stores it in `out`.
Status Take(const Tlv& t, KeyPackage& out) {
  switch (t.tag) {
    case tag::kAlgorithm: {
      TESSERA_ASSIGN_OR_RETURN(std::uint8_t b, OneByte(t.value, "tag 80"));
      out.algorithm = b;
      return Status::Ok();
    }
    case tag::kKeyFamily: {
      TESSERA_ASSIGN_OR_RETURN(out.family, OneByte(t.value, "tag 85"));
      if (!IsKnownFamily(out.family)) return Fault("tag 85 is no key family");
      return Status::Ok();
    }
    case tag::kKdf: {
      TESSERA_ASSIGN_OR_RETURN(out.kdf, OneByte(t.value, "tag 81"));
      if (!wrap::KdfFromByte(out.kdf)) return Fault("tag 81 must be 06, 07 or 08");
      return Status::Ok();
    }
    case tag::kKekLength: {
      TESSERA_ASSIGN_OR_RETURN(out.kek_length, OneByte(t.value, "tag 82"));
      if (out.kek_length != 16 && out.kek_length != 24 && out.kek_length != 32) {
        return Fault("tag 82 must be 10, 18 or 20");
      }
      return Status::Ok();
    }
    case tag::kSharedData: {
      if (auto binding = wrap::ParseSharedData(t.value); !binding.ok()) {
        return Fault("tag 83: " + binding.status().message());
      }
      out.shared.assign(t.value.begin(), t.value.end());
      return Status::Ok();
    }
    case tag::kBlob: {
      // The point, then at least one KWP semiblock pair (RFC 5649 §4.1).
      if (t.value.size() < wrap::kPointSize + 16 || (t.value.size() - wrap::kPointSize) % 8 != 0) {
        return Fault("tag 84 must be a 65-byte point and a KWP output");
      }
      out.blob.assign(t.value.begin(), t.value.end());
      return Status::Ok();
    }
    default: return Fault("unknown tag");
  }
}

}  // namespace

Bytes EncodeKeyPackage(const KeyPackage& package) {
  Bytes inner;
  if (package.algorithm) AppendTlv(inner, tag::kAlgorithm, Bytes{*package.algorithm});
  AppendTlv(inner, tag::kKeyFamily, Bytes{package.family});
  AppendTlv(inner, tag::kKdf, Bytes{package.kdf});
  AppendTlv(inner, tag::kKekLength, Bytes{package.kek_length});
  AppendTlv(inner, tag::kSharedData, package.shared);
  AppendTlv(inner, tag::kBlob, package.blob);
  return EncodeTlv(kKeyPackageTag, inner);
}

Result<KeyPackage> ParseKeyPackage(ByteView encoded) {
  auto outer = ParseSingle(encoded, kKeyPackageTag);
  if (!outer.ok()) return Fault("not one 7F71 TLV: " + outer.status().message());
  auto tlvs = ParseTlvs(*outer);
  if (!tlvs.ok()) return Fault("inside 7F71: " + tlvs.status().message());

  KeyPackage package;
  std::array<bool, kOrder.size()> seen{};
  std::size_t next = 0;  // index into kOrder of the first tag still allowed
  for (const Tlv& t : *tlvs) {
    const std::size_t at = IndexOf(t.tag);
    if (at == kOrder.size()) return Fault("unknown tag " + TagHex(t.tag));
    if (seen[at]) return Fault("repeated tag " + TagHex(t.tag));
    if (at < next) return Fault("tag " + TagHex(t.tag) + " out of order");
    TESSERA_RETURN_IF_ERROR(Take(t, package));
    seen[at] = true;
    next = at + 1;
  }
  // Every tag but 80 is required.
  for (std::size_t i = 1; i < kOrder.size(); ++i) {
    if (!seen[i]) return Fault("missing tag " + TagHex(kOrder[i]));
  }
  return package;
}

}  // namespace tessera::piv
