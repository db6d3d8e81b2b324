// Byte buffers, views, hex and big-endian helpers shared by both sides of the wire.
// Plain value types; thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"

namespace tessera {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Lower-case hex, no separators.
std::string ToHex(ByteView bytes);
// Accepts upper or lower case; spaces and colons between byte pairs are ignored.
Result<Bytes> FromHex(std::string_view hex);
// For tests and constants: aborts on malformed hex.
Bytes HexOrDie(std::string_view hex);

inline void Append(Bytes& out, ByteView more) { out.insert(out.end(), more.begin(), more.end()); }
inline void Append(Bytes& out, std::initializer_list<std::uint8_t> more) {
  out.insert(out.end(), more.begin(), more.end());
}
Bytes Concat(std::initializer_list<ByteView> parts);

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string AsString(ByteView b) { return {b.begin(), b.end()}; }

void PutU16(Bytes& out, std::uint16_t v);
void PutU32(Bytes& out, std::uint32_t v);
void PutU64(Bytes& out, std::uint64_t v);
std::uint16_t GetU16(ByteView b);  // precondition: b.size() >= 2
std::uint32_t GetU32(ByteView b);  // precondition: b.size() >= 4
std::uint64_t GetU64(ByteView b);  // precondition: b.size() >= 8

// Bounds-checked sequential reader for binary formats (state files, frames).
class ByteReader {
 public:
  explicit ByteReader(ByteView data) : data_(data) {}
  bool empty() const { return pos_ == data_.size(); }
  std::size_t remaining() const { return data_.size() - pos_; }
  std::size_t position() const { return pos_; }
  Result<std::uint8_t> U8();
  Result<std::uint16_t> U16();
  Result<std::uint32_t> U32();
  Result<std::uint64_t> U64();
  Result<ByteView> Take(std::size_t n);

 private:
  ByteView data_;
  std::size_t pos_ = 0;
};

}  // namespace tessera
