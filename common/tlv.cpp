#include "common/tlv.hpp"

#include <string>

namespace tessera {
namespace {

constexpr std::size_t kMaxTagBytes = 3;

}  // namespace

std::string TagHex(std::uint32_t tag) {
  Bytes b;
  AppendTag(b, tag);
  return ToHex(b);
}

bool Tlv::constructed() const {
  std::uint32_t first = tag;
  while (first > 0xff) first >>= 8;
  return (first & 0x20) != 0;
}

Result<Tlv> TlvReader::Next() {
  ByteReader in(rest_);
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t b, in.U8());
  if (b == 0x00 || b == 0xff) return Status::InvalidArgument("TLV: invalid tag byte");
  std::uint32_t tag = b;
  if ((b & 0x1f) == 0x1f) {
    // Subsequent tag bytes: bit 8 set means another byte follows (ISO 8825-1 §8.1.2.4).
    std::size_t count = 1;
    std::uint8_t next = 0;
    do {
      auto r = in.U8();
      if (!r.ok()) return Status::InvalidArgument("TLV: truncated tag");
      next = *r;
      tag = (tag << 8) | next;
      if (++count > kMaxTagBytes) return Status::InvalidArgument("TLV: tag longer than 3 bytes");
    } while ((next & 0x80) != 0);
  }
  auto len_byte = in.U8();
  if (!len_byte.ok())
    return Status::InvalidArgument("TLV: missing length after tag " + TagHex(tag));
  std::size_t length = *len_byte;
  if (length == 0x80) return Status::InvalidArgument("TLV: indefinite length is not allowed");
  if (length > 0x80) {
    std::size_t n = length & 0x7f;
    if (n > 3) return Status::InvalidArgument("TLV: length field too long");
    length = 0;
    for (std::size_t i = 0; i < n; ++i) {
      auto r = in.U8();
      if (!r.ok()) return Status::InvalidArgument("TLV: truncated length");
      length = (length << 8) | *r;
    }
  }
  auto value = in.Take(length);
  if (!value.ok()) {
    return Status::InvalidArgument("TLV: value of tag " + TagHex(tag) + " runs past the data (" +
                                   std::to_string(length) + " > " + std::to_string(in.remaining()) +
                                   ")");
  }
  rest_ = rest_.subspan(in.position());
  return Tlv{tag, *value};
}

Result<std::vector<Tlv>> ParseTlvs(ByteView data) {
  std::vector<Tlv> out;
  TlvReader reader(data);
  while (!reader.empty()) {
    TESSERA_ASSIGN_OR_RETURN(Tlv t, reader.Next());
    out.push_back(t);
  }
  return out;
}

Result<ByteView> ParseSingle(ByteView data, std::uint32_t expected_tag) {
  TlvReader reader(data);
  TESSERA_ASSIGN_OR_RETURN(Tlv t, reader.Next());
  if (t.tag != expected_tag) {
    return Status::InvalidArgument("TLV: expected tag " + TagHex(expected_tag) + ", got " +
                                   TagHex(t.tag));
  }
  if (!reader.empty())
    return Status::InvalidArgument("TLV: trailing bytes after tag " + TagHex(t.tag));
  return t.value;
}

std::optional<ByteView> FindTag(const std::vector<Tlv>& tlvs, std::uint32_t tag) {
  for (const Tlv& t : tlvs) {
    if (t.tag == tag) return t.value;
  }
  return std::nullopt;
}

std::size_t TagSize(std::uint32_t tag) {
  if (tag <= 0xff) return 1;
  if (tag <= 0xffff) return 2;
  if (tag <= 0xffffff) return 3;
  return 4;
}

void AppendTag(Bytes& out, std::uint32_t tag) {
  for (std::size_t i = TagSize(tag); i > 0; --i) {
    out.push_back(static_cast<std::uint8_t>(tag >> (8 * (i - 1))));
  }
}

void AppendLength(Bytes& out, std::size_t length) {
  if (length < 0x80) {
    out.push_back(static_cast<std::uint8_t>(length));
  } else if (length <= 0xff) {
    Append(out, {0x81, static_cast<std::uint8_t>(length)});
  } else if (length <= 0xffff) {
    Append(out, {0x82, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)});
  } else {
    Append(out, {0x83, static_cast<std::uint8_t>(length >> 16),
                 static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)});
  }
}

void AppendTlv(Bytes& out, std::uint32_t tag, ByteView value) {
  AppendTag(out, tag);
  AppendLength(out, value.size());
  Append(out, value);
}

Bytes EncodeTlv(std::uint32_t tag, ByteView value) {
  Bytes out;
  AppendTlv(out, tag, value);
  return out;
}

}  // namespace tessera
