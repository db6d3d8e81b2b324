// CaService::AnswerOcsp: the RFC 6960 responder. Statuses come from the
// directory on every request; a signed answer without a nonce is reused
// while the status is unchanged and the answer fresh (ocsp_cache.hpp).
#include "services/ca/ca_context.hpp"
#include "services/ca/ca_service.hpp"
#include "services/ca/ocsp_cache.hpp"
#include "services/ca/ocsp_request.hpp"

namespace tessera::ca {
namespace {

struct Lookup {
  CertState state = CertState::kUnknown;
  std::int64_t revoked_at = 0;
  int reason = 0;
  bool operator==(const Lookup&) const = default;
};

OcspAnswer ErrorAnswer(OcspResponseStatus status) { return OcspAnswer{OcspErrorResponse(status)}; }

// good: issued by this CA and not revoked; revoked; unknown: never issued
// here (RFC 6960 §2.2). `known_issued`: the serial was seen issued before
// (certificates are never deleted), so only the revocation is read: the
// cached path costs one indexed read.
Result<std::vector<Lookup>> LookUp(directory::Database& db, const std::string& ca,
                                   const std::vector<OcspCertId>& ids, bool known_issued) {
  std::vector<Lookup> out(ids.size());
  Status read_status = db.Read([&](directory::SqlTransaction& tx) -> Status {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      out[i] = Lookup{};
      if (ids[i].serial_negative) continue;
      TESSERA_ASSIGN_OR_RETURN(std::optional<directory::RevocationRecord> revoked,
                               directory::FindRevocation(tx, ca, ids[i].serial));
      if (revoked) {
        out[i] = Lookup{CertState::kRevoked, revoked->revoked_at, revoked->reason};
        continue;
      }
      if (known_issued) {
        out[i].state = CertState::kGood;
        continue;
      }
      TESSERA_ASSIGN_OR_RETURN(std::optional<directory::CertificateRecord> issued,
                               directory::FindCertificate(tx, ca, ids[i].serial));
      if (issued) out[i].state = CertState::kGood;
    }
    return Status::Ok();
  });
  TESSERA_RETURN_IF_ERROR(read_status);
  return out;
}

}  // namespace

Result<OcspAnswer> CaService::AnswerOcsp(const std::string& ca, ByteView request_der) {
  Result<OcspRequest> request = DecodeOcspRequest(request_der);
  if (!request.ok()) return ErrorAnswer(OcspResponseStatus::kMalformedRequest);
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<const CaContext> context, Context(ca));
  if (!context->responder_certificate) return ErrorAnswer(OcspResponseStatus::kTryLater);
  for (const OcspCertId& id : request->ids) {
    // RFC 6960 §2.3: unauthorized when the responder cannot answer
    // authoritatively, here for a certificate of another issuer.
    if (!context->IsIssuer(id.hash_nid, id.issuer_name_hash, id.issuer_key_hash)) {
      return ErrorAnswer(OcspResponseStatus::kUnauthorized);
    }
  }
  const bool cacheable = request->ids.size() == 1 && !request->nonce_extension;
  std::string key;
  std::optional<CachedAnswer> cached;
  if (cacheable) {
    key = OcspCache::Key(ca, request->ids[0].der);
    cached = ocsp_cache_->Find(key);
  }
  const bool known_issued = cached && cached->state != CertState::kUnknown;
  TESSERA_ASSIGN_OR_RETURN(std::vector<Lookup> states,
                           LookUp(*db_, ca, request->ids, known_issued));
  const std::int64_t now = clock_();
  if (cached && Lookup{cached->state, cached->revoked_at, cached->reason} == states[0] &&
      now < cached->this_update + options_.ocsp_refresh && now < cached->next_update) {
    return OcspAnswer{*cached->der, cached->this_update, cached->next_update};
  }

  TESSERA_ASSIGN_OR_RETURN(HsmPool::Lease lease, pool_.Acquire(context->record.hsm));
  TESSERA_ASSIGN_OR_RETURN(hsm::SigningKey key_in_hsm,
                           hsm::FindSigningKey(lease.session(), context->record.ocsp_key_label));
  std::vector<SingleAnswer> answers;
  answers.reserve(request->ids.size());
  for (std::size_t i = 0; i < request->ids.size(); ++i) {
    answers.push_back(SingleAnswer{request->ids[i].der, states[i].state, states[i].revoked_at,
                                   states[i].reason, now, now + options_.ocsp_validity});
  }
  const Bytes data =
      ResponseData(context->responder_key_hash, now, answers, request->nonce_extension);
  TESSERA_ASSIGN_OR_RETURN(Bytes signature, hsm::SignForX509(lease.session(), key_in_hsm, data));
  OcspAnswer answer{SuccessfulResponse(data, hsm::SignatureAlgorithmDer(key_in_hsm.type), signature,
                                       context->record.ocsp_certificate),
                    now, now + options_.ocsp_validity};
  if (cacheable) {
    ocsp_cache_->Put(
        std::move(key),
        CachedAnswer{states[0].state, states[0].revoked_at, states[0].reason, answer.this_update,
                     answer.next_update, std::make_shared<const Bytes>(answer.der)});
  }
  return answer;
}

}  // namespace tessera::ca
