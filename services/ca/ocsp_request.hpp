// Decoding an OCSPRequest (RFC 6960 §4.1.1), from the DER of a POST body or
// from the path segment of a GET (RFC 6960 appendix A.1: the base64 of the
// DER, URL-encoded; the router has already percent-decoded it).
//
// This is the parser that takes outside bytes: it is fuzzed
// (tests/fuzz/fuzz_ocsp_request.cpp). Every failure is kInvalidArgument,
// which the responder answers with malformedRequest. A request's optional
// signature is not checked: the responder serves anyone (RFC 6960 §4.1.2).
// Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::ca {

// RFC 5019 §2.1 expects one CertID; more are answered, up to this many.
inline constexpr std::size_t kMaxOcspCertIds = 16;
inline constexpr std::size_t kMaxOcspRequestBytes = 8192;

struct OcspCertId {
  Bytes der;  // the CertID as sent: a response must echo it (RFC 6960 §4.2.1)
  int hash_nid = 0;
  Bytes issuer_name_hash;
  Bytes issuer_key_hash;
  Bytes serial;  // unsigned big-endian without leading zeros
  bool serial_negative = false;
};

struct OcspRequest {
  std::vector<OcspCertId> ids;
  // The whole id-pkix-ocsp-nonce Extension, echoed in the response
  // (RFC 6960 §4.4.1, RFC 8954).
  std::optional<Bytes> nonce_extension;
};

Result<OcspRequest> DecodeOcspRequest(ByteView der);
// Base64 (RFC 4648 §4, padding optional) of a GET request's last segment.
Result<Bytes> DecodeOcspGetSegment(std::string_view segment);

}  // namespace tessera::ca
