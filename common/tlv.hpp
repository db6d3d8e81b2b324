// BER-TLV (ISO 7816-4 §5.2, ISO 8825-1) encoding and decoding.
//
// Tags are one to three bytes and are held as the big-endian integer of their
// bytes (0x5FC105, 0x7F49, 0x7C). Lengths use the short form or the long forms
// 81, 82 and 83; the indefinite form is rejected. Decoding never reads past the
// input and reports a clear Status for every malformed byte. Parsed values are
// views into the caller's buffer, which must outlive them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"

namespace tessera {

struct Tlv {
  std::uint32_t tag = 0;
  ByteView value;
  // The first tag byte's bit 6 marks a constructed object (ISO 8825-1 §8.1.2.5).
  bool constructed() const;
};

// Sequential decoder over a buffer of concatenated TLVs.
class TlvReader {
 public:
  explicit TlvReader(ByteView data) : rest_(data) {}
  bool empty() const { return rest_.empty(); }
  ByteView rest() const { return rest_; }
  Result<Tlv> Next();

 private:
  ByteView rest_;
};

// Decodes a whole buffer; any trailing garbage is an error.
Result<std::vector<Tlv>> ParseTlvs(ByteView data);
// Decodes exactly one TLV that must fill `data`, and checks its tag.
Result<ByteView> ParseSingle(ByteView data, std::uint32_t expected_tag);
// First value with `tag` in a decoded list.
std::optional<ByteView> FindTag(const std::vector<Tlv>& tlvs, std::uint32_t tag);

// Number of bytes the tag occupies when encoded (1..3; 4 for larger values).
// The tag's bytes in hex ("5fc105", "8a"), for messages.
std::string TagHex(std::uint32_t tag);
std::size_t TagSize(std::uint32_t tag);
void AppendTag(Bytes& out, std::uint32_t tag);
void AppendLength(Bytes& out, std::size_t length);
void AppendTlv(Bytes& out, std::uint32_t tag, ByteView value);
Bytes EncodeTlv(std::uint32_t tag, ByteView value);

}  // namespace tessera
