#include "common/bytes.hpp"

#include <cstdlib>

namespace tessera {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string ToHex(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

Result<Bytes> FromHex(std::string_view hex) {
  Bytes out;
  int high = -1;
  for (char c : hex) {
    if (c == ' ' || c == ':') {
      if (high >= 0) return Status::InvalidArgument("hex: separator inside a byte");
      continue;
    }
    int v = HexValue(c);
    if (v < 0) return Status::InvalidArgument(std::string("hex: bad digit '") + c + "'");
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>((high << 4) | v));
      high = -1;
    }
  }
  if (high >= 0) return Status::InvalidArgument("hex: odd number of digits");
  return out;
}

Bytes HexOrDie(std::string_view hex) {
  auto r = FromHex(hex);
  if (!r.ok()) std::abort();
  return std::move(r).value();
}

Bytes Concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) Append(out, p);
  return out;
}

void PutU16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
void PutU32(Bytes& out, std::uint32_t v) {
  PutU16(out, static_cast<std::uint16_t>(v >> 16));
  PutU16(out, static_cast<std::uint16_t>(v));
}
void PutU64(Bytes& out, std::uint64_t v) {
  PutU32(out, static_cast<std::uint32_t>(v >> 32));
  PutU32(out, static_cast<std::uint32_t>(v));
}
std::uint16_t GetU16(ByteView b) { return static_cast<std::uint16_t>((b[0] << 8) | b[1]); }
std::uint32_t GetU32(ByteView b) {
  return (static_cast<std::uint32_t>(GetU16(b)) << 16) | GetU16(b.subspan(2));
}
std::uint64_t GetU64(ByteView b) {
  return (static_cast<std::uint64_t>(GetU32(b)) << 32) | GetU32(b.subspan(4));
}

Result<std::uint8_t> ByteReader::U8() {
  if (remaining() < 1) return Status::InvalidArgument("truncated: expected 1 byte");
  return data_[pos_++];
}
Result<std::uint16_t> ByteReader::U16() {
  if (remaining() < 2) return Status::InvalidArgument("truncated: expected 2 bytes");
  auto v = GetU16(data_.subspan(pos_));
  pos_ += 2;
  return v;
}
Result<std::uint32_t> ByteReader::U32() {
  if (remaining() < 4) return Status::InvalidArgument("truncated: expected 4 bytes");
  auto v = GetU32(data_.subspan(pos_));
  pos_ += 4;
  return v;
}
Result<std::uint64_t> ByteReader::U64() {
  if (remaining() < 8) return Status::InvalidArgument("truncated: expected 8 bytes");
  auto v = GetU64(data_.subspan(pos_));
  pos_ += 8;
  return v;
}
Result<ByteView> ByteReader::Take(std::size_t n) {
  if (remaining() < n)
    return Status::InvalidArgument("truncated: expected " + std::to_string(n) + " bytes");
  ByteView v = data_.subspan(pos_, n);
  pos_ += n;
  return v;
}

}  // namespace tessera
