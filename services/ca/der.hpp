// A minimal DER writer for the structures OpenSSL has no builder for that
// fits an HSM signature: the OCSP BasicOCSPResponse (RFC 6960 §4.2.1) and
// the outer SEQUENCE { tbs, algorithm, BIT STRING } of a signed object
// (RFC 5280 §4.1.1.3, §5.1.1.3). Each function returns the full TLV; callers
// concatenate. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "common/bytes.hpp"

namespace tessera::ca::der {

// Identifier octets used here (X.690 §8.1.2).
inline constexpr std::uint8_t kInteger = 0x02;
inline constexpr std::uint8_t kBitString = 0x03;
inline constexpr std::uint8_t kOctetString = 0x04;
inline constexpr std::uint8_t kOid = 0x06;
inline constexpr std::uint8_t kEnumerated = 0x0a;
inline constexpr std::uint8_t kGeneralizedTime = 0x18;
inline constexpr std::uint8_t kSequence = 0x30;

// Tag, definite length (X.690 §8.1.3), content.
Bytes Tlv(std::uint8_t tag, ByteView content);
Bytes Sequence(std::initializer_list<ByteView> parts);
// [n] EXPLICIT (constructed context tag) around `inner`.
Bytes Explicit(int n, ByteView inner);
// [n] IMPLICIT of a constructed type (the content of `inner_content`).
Bytes ImplicitConstructed(int n, ByteView content);
// [n] IMPLICIT of a primitive type (NULL content: empty).
Bytes ImplicitPrimitive(int n, ByteView content);
// A non-negative INTEGER from its big-endian magnitude (leading zeros dropped,
// 0x00 prepended when the top bit is set: X.690 §8.3.2).
Bytes UnsignedInteger(ByteView magnitude);
Bytes SmallEnumerated(std::uint8_t value);
// GeneralizedTime YYYYMMDDHHMMSSZ from unix seconds (RFC 5280 §4.1.2.5.2).
Bytes GeneralizedTime(std::int64_t unix_seconds);
// BIT STRING with no unused bits.
Bytes BitString(ByteView bits);
Bytes OctetString(ByteView content);

// The SEQUENCE { tbs, algorithm, signature BIT STRING } every signed X.509
// object shares; `tbs` and `algorithm` are complete TLVs.
Bytes SignedObject(ByteView tbs, ByteView algorithm, ByteView signature);

}  // namespace tessera::ca::der
