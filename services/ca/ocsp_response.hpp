// Encoding OCSP responses (RFC 6960 §4.2.1) with der.hpp: OpenSSL's
// OCSP_basic_sign needs the private key in host memory, and ours is in the
// HSM. The caller signs ResponseData's DER in the HSM and hands the
// signature to BasicResponse. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/bytes.hpp"

namespace tessera::ca {

// OCSPResponseStatus (RFC 6960 §4.2.1).
enum class OcspResponseStatus : std::uint8_t {
  kSuccessful = 0,
  kMalformedRequest = 1,
  kInternalError = 2,
  kTryLater = 3,
  kSigRequired = 5,
  kUnauthorized = 6,
};

enum class CertState : std::uint8_t { kGood, kRevoked, kUnknown };

struct SingleAnswer {
  ByteView cert_id_der;  // the request's CertID, echoed
  CertState state = CertState::kUnknown;
  std::int64_t revoked_at = 0;
  int reason = 0;  // 0 (unspecified): left out
  std::int64_t this_update = 0;
  std::int64_t next_update = 0;
};

// An OCSPResponse with no responseBytes (every status but successful).
Bytes OcspErrorResponse(OcspResponseStatus status);

// tbsResponseData: responderID byKey (the SHA-1 of the responder's public
// key BIT STRING, §4.2.2.3), producedAt, the answers and, when the request
// had one, its nonce extension.
Bytes ResponseData(ByteView responder_key_hash, std::int64_t produced_at,
                   const std::vector<SingleAnswer>& answers,
                   const std::optional<Bytes>& nonce_extension);

// OCSPResponse { successful, id-pkix-ocsp-basic, BasicOCSPResponse { data,
// algorithm, signature, certs [the responder's certificate] } }.
Bytes SuccessfulResponse(ByteView response_data, ByteView algorithm, ByteView signature,
                         ByteView responder_certificate);

}  // namespace tessera::ca
