#include "services/ca/ocsp_response.hpp"

#include <array>

#include "services/ca/der.hpp"

namespace tessera::ca {
namespace {

// id-pkix-ocsp-basic, 1.3.6.1.5.5.7.48.1.1 (RFC 6960 §4.2.1).
constexpr std::array<std::uint8_t, 11> kOcspBasicOid = {0x06, 0x09, 0x2b, 0x06, 0x01, 0x05,
                                                        0x05, 0x07, 0x30, 0x01, 0x01};

Bytes CertStatus(const SingleAnswer& answer) {
  switch (answer.state) {
    case CertState::kGood: return der::ImplicitPrimitive(0, {});
    case CertState::kUnknown: return der::ImplicitPrimitive(2, {});
    case CertState::kRevoked: {
      // RevokedInfo ::= SEQUENCE { revocationTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL
      // }
      Bytes content = der::GeneralizedTime(answer.revoked_at);
      if (answer.reason != 0) {
        Append(content,
               der::Explicit(0, der::SmallEnumerated(static_cast<std::uint8_t>(answer.reason))));
      }
      return der::ImplicitConstructed(1, content);
    }
  }
  return {};
}

Bytes SingleResponse(const SingleAnswer& answer) {
  const Bytes status = CertStatus(answer);
  const Bytes this_update = der::GeneralizedTime(answer.this_update);
  const Bytes next_update = der::Explicit(0, der::GeneralizedTime(answer.next_update));
  return der::Sequence({answer.cert_id_der, status, this_update, next_update});
}

}  // namespace

Bytes OcspErrorResponse(OcspResponseStatus status) {
  const Bytes code = der::SmallEnumerated(static_cast<std::uint8_t>(status));
  return der::Sequence({code});
}

Bytes ResponseData(ByteView responder_key_hash, std::int64_t produced_at,
                   const std::vector<SingleAnswer>& answers,
                   const std::optional<Bytes>& nonce_extension) {
  Bytes responses;
  for (const SingleAnswer& answer : answers) Append(responses, SingleResponse(answer));
  const Bytes responder = der::Explicit(2, der::OctetString(responder_key_hash));  // byKey
  const Bytes produced = der::GeneralizedTime(produced_at);
  const Bytes list = der::Tlv(der::kSequence, responses);
  if (!nonce_extension) return der::Sequence({responder, produced, list});
  const Bytes extensions = der::Explicit(1, der::Sequence({*nonce_extension}));
  return der::Sequence({responder, produced, list, extensions});
}

Bytes SuccessfulResponse(ByteView response_data, ByteView algorithm, ByteView signature,
                         ByteView responder_certificate) {
  const Bytes bits = der::BitString(signature);
  const Bytes certs = der::Explicit(0, der::Sequence({responder_certificate}));
  const Bytes basic = der::Sequence({response_data, algorithm, bits, certs});
  const Bytes octets = der::OctetString(basic);
  const Bytes response_bytes = der::Explicit(0, der::Sequence({kOcspBasicOid, octets}));
  const Bytes status = der::SmallEnumerated(0);
  return der::Sequence({status, response_bytes});
}

}  // namespace tessera::ca
