#include "firmware-sim/applets/piv/command_fields.hpp"

#include <algorithm>

namespace tessera::sim::piv_applet {
namespace {

Status TagError(const char* what, std::uint32_t tag) {
  return Status::InvalidArgument(
      std::string(what) + " tag " +
      ToHex(Bytes{static_cast<std::uint8_t>(tag >> 8), static_cast<std::uint8_t>(tag)}));
}

}  // namespace

Result<CommandFields> CommandFields::Parse(ByteView data,
                                           std::initializer_list<std::uint32_t> allowed) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> tlvs, ParseTlvs(data));
  for (std::size_t i = 0; i < tlvs.size(); ++i) {
    const std::uint32_t tag = tlvs[i].tag;
    if (std::find(allowed.begin(), allowed.end(), tag) == allowed.end()) {
      return TagError("unexpected", tag);
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (tlvs[j].tag == tag) return TagError("repeated", tag);
    }
  }
  return CommandFields(std::move(tlvs));
}

std::optional<ByteView> CommandFields::Find(std::uint32_t tag) const { return FindTag(tlvs_, tag); }

Result<ByteView> CommandFields::Require(std::uint32_t tag) const {
  auto value = Find(tag);
  if (!value) return TagError("missing", tag);
  return *value;
}

Result<std::uint8_t> CommandFields::RequireByte(std::uint32_t tag) const {
  TESSERA_ASSIGN_OR_RETURN(ByteView value, Require(tag));
  if (value.size() != 1) return TagError("one byte expected in", tag);
  return value[0];
}

Result<std::optional<std::uint16_t>> CommandFields::OptionalNumber(std::uint32_t tag,
                                                                   std::size_t width) const {
  auto value = Find(tag);
  if (!value) return std::optional<std::uint16_t>();
  if (value->size() != width) return TagError("wrong length of", tag);
  std::uint16_t n = 0;
  for (std::uint8_t b : *value) n = static_cast<std::uint16_t>((n << 8) | b);
  return std::optional<std::uint16_t>(n);
}

Status CommandFields::Forbid(std::initializer_list<std::uint32_t> tags) const {
  for (std::uint32_t tag : tags) {
    if (Has(tag)) return TagError("inapplicable", tag);
  }
  return Status::Ok();
}

}  // namespace tessera::sim::piv_applet
