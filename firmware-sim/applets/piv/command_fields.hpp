// CommandFields: the data field of a Tessera extension command (F2, F4, F5)
// decoded as BER-TLV against the tags that command accepts. The rules of
// docs/piv-extensions.md apply once, here: an unknown tag is kInvalidArgument
// (6A80), and so is a tag given twice. Values are views into the command's
// data, which must outlive the fields. Thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "common/tlv.hpp"

namespace tessera::sim::piv_applet {

class CommandFields {
 public:
  [[nodiscard]] static Result<CommandFields> Parse(ByteView data,
                                                   std::initializer_list<std::uint32_t> allowed);

  bool Has(std::uint32_t tag) const { return Find(tag).has_value(); }
  std::optional<ByteView> Find(std::uint32_t tag) const;
  // kInvalidArgument when absent.
  Result<ByteView> Require(std::uint32_t tag) const;
  // A one-byte value; kInvalidArgument when absent or not one byte.
  Result<std::uint8_t> RequireByte(std::uint32_t tag) const;
  // An unsigned big-endian value of exactly `width` bytes (1 or 2), or
  // nullopt when the tag is absent.
  Result<std::optional<std::uint16_t>> OptionalNumber(std::uint32_t tag, std::size_t width) const;
  // kInvalidArgument if any of `tags` is present (tags that do not apply to
  // this form of the command).
  Status Forbid(std::initializer_list<std::uint32_t> tags) const;

 private:
  explicit CommandFields(std::vector<Tlv> tlvs) : tlvs_(std::move(tlvs)) {}
  std::vector<Tlv> tlvs_;
};

}  // namespace tessera::sim::piv_applet
