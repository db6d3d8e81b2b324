// ECDSA inputs and signature encodings between PKCS#11 and a PIV card. The card
// signs exactly field-length input (SP 800-73-4 Part 2 §3.2.4) and answers
// with a DER ECDSA-Sig-Value; PKCS#11 hands the module a digest and wants
// r || s back (PKCS#11 3.0 §2.3.1 "ECDSA signature"). Stateless and
// thread-safe.
#pragma once

#include <cstddef>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::p11::crypto {

// The digest fitted to the curve: its leftmost field_bytes bytes when longer
// (FIPS 186-4 §6.4, for byte-aligned orders such as P-256 and P-384), left-
// padded with zeros when shorter (same integer value). kInvalidArgument for an
// empty digest or field_bytes 0.
[[nodiscard]] Result<Bytes> EcdsaInput(ByteView digest, std::size_t field_bytes);

// DER SEQUENCE { r INTEGER, s INTEGER } (SEC 1 §C.5) → r || s, each left-padded
// to field_bytes. kInvalidArgument for malformed DER, trailing bytes, or r or
// s wider than field_bytes.
[[nodiscard]] Result<Bytes> EcdsaDerToRaw(ByteView der, std::size_t field_bytes);

// r || s (two equal halves) → DER SEQUENCE { r, s }. kInvalidArgument for an
// empty or odd-length input.
[[nodiscard]] Result<Bytes> EcdsaRawToDer(ByteView raw);

}  // namespace tessera::p11::crypto
