#include "services/ca/der.hpp"

#include <cstdio>
#include <ctime>

namespace tessera::ca::der {

Bytes Tlv(std::uint8_t tag, ByteView content) {
  Bytes out;
  out.reserve(content.size() + 6);
  out.push_back(tag);
  const std::size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    std::uint8_t bytes[sizeof(std::size_t)];
    int count = 0;
    for (std::size_t v = n; v != 0; v >>= 8) bytes[count++] = static_cast<std::uint8_t>(v);
    out.push_back(static_cast<std::uint8_t>(0x80 | count));
    while (count > 0) out.push_back(bytes[--count]);
  }
  Append(out, content);
  return out;
}

Bytes Sequence(std::initializer_list<ByteView> parts) {
  std::size_t size = 0;
  for (ByteView part : parts) size += part.size();
  Bytes content;
  content.reserve(size);
  for (ByteView part : parts) Append(content, part);
  return Tlv(kSequence, content);
}

Bytes Explicit(int n, ByteView inner) { return Tlv(static_cast<std::uint8_t>(0xa0 | n), inner); }

Bytes ImplicitConstructed(int n, ByteView content) {
  return Tlv(static_cast<std::uint8_t>(0xa0 | n), content);
}

Bytes ImplicitPrimitive(int n, ByteView content) {
  return Tlv(static_cast<std::uint8_t>(0x80 | n), content);
}

Bytes UnsignedInteger(ByteView magnitude) {
  std::size_t first = 0;
  while (first + 1 < magnitude.size() && magnitude[first] == 0) ++first;
  Bytes content;
  if (magnitude.empty()) {
    content.push_back(0);
  } else {
    if ((magnitude[first] & 0x80) != 0) content.push_back(0);
    content.insert(content.end(), magnitude.begin() + static_cast<std::ptrdiff_t>(first),
                   magnitude.end());
  }
  return Tlv(kInteger, content);
}

Bytes SmallEnumerated(std::uint8_t value) {
  const std::uint8_t content[] = {value};
  return Tlv(kEnumerated, content);
}

Bytes GeneralizedTime(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  const int n = std::snprintf(text, sizeof text, "%04d%02d%02d%02d%02d%02dZ", tm.tm_year + 1900,
                              tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return Tlv(kGeneralizedTime, AsBytes(std::string_view(text, static_cast<std::size_t>(n))));
}

Bytes BitString(ByteView bits) {
  Bytes content;
  content.reserve(bits.size() + 1);
  content.push_back(0);  // unused bits
  Append(content, bits);
  return Tlv(kBitString, content);
}

Bytes OctetString(ByteView content) { return Tlv(kOctetString, content); }

Bytes SignedObject(ByteView tbs, ByteView algorithm, ByteView signature) {
  const Bytes bits = BitString(signature);
  return Sequence({tbs, algorithm, bits});
}

}  // namespace tessera::ca::der
