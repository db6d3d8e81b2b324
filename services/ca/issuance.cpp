#include "services/ca/issuance.hpp"

#include <openssl/rand.h>

namespace tessera::ca {

Result<Bytes> RandomSerial() {
  Bytes serial(16);
  do {
    if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1) {
      return ossl::Error("RAND_bytes for a serial");
    }
  } while (std::all_of(serial.begin(), serial.end(), [](std::uint8_t b) { return b == 0; }));
  // The directory keys serials as BN_bn2bin gives them: no leading zeros.
  ossl::BnPtr bn = ossl::BnFromBytes(serial);
  return ossl::BnToBytes(bn.get());
}

Result<ossl::X509Ptr> MakeCertificate(CertificateSpec spec, Signer& signer) {
  spec.issuer = signer.certificate;
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr unsigned_certificate, BuildCertificate(spec));
  return SignCertificate(unsigned_certificate.get(), *signer.session, signer.key,
                         signer.public_key);
}

Result<Bytes> ToDer(X509* certificate) { return ossl::CertToDer(certificate); }

std::int64_t UnixSeconds(const ASN1_TIME* time) {
  int days = 0;
  int seconds = 0;
  ASN1_TIME* epoch = ASN1_TIME_set(nullptr, 0);
  const bool ok =
      epoch != nullptr && time != nullptr && ASN1_TIME_diff(&days, &seconds, epoch, time) == 1;
  ASN1_TIME_free(epoch);
  return ok ? static_cast<std::int64_t>(days) * 86400 + seconds : 0;
}

std::int64_t NotAfterOf(X509* certificate) { return UnixSeconds(X509_get0_notAfter(certificate)); }

directory::CertificateRecord RecordOf(const std::string& ca, const Bytes& serial,
                                      const Profile& profile, X509* certificate, Bytes der,
                                      std::int64_t now) {
  directory::CertificateRecord record;
  record.ca = ca;
  record.serial = serial;
  record.profile = std::string(profile.name);
  record.subject = NameText(X509_get_subject_name(certificate));
  record.not_before = UnixSeconds(X509_get0_notBefore(certificate));
  record.not_after = NotAfterOf(certificate);
  record.der = std::move(der);
  record.issued_at = now;
  return record;
}

Result<directory::CrlRecord> MakeCrl(const std::string& ca, Signer& signer, std::int64_t number,
                                     std::int64_t now, std::int64_t validity,
                                     std::vector<directory::RevocationRecord> revoked) {
  CrlSpec spec;
  spec.issuer = signer.certificate;
  spec.number = number;
  spec.this_update = now;
  spec.next_update = now + validity;
  spec.revoked = std::move(revoked);
  TESSERA_ASSIGN_OR_RETURN(CrlPtr crl, BuildCrl(spec));
  TESSERA_ASSIGN_OR_RETURN(CrlPtr signed_crl,
                           SignCrl(crl.get(), *signer.session, signer.key, signer.public_key));
  TESSERA_ASSIGN_OR_RETURN(Bytes der, CrlToDer(signed_crl.get()));
  return directory::CrlRecord{ca, number, spec.this_update, spec.next_update, std::move(der)};
}

Result<directory::CrlRecord> NextCrl(directory::SqlTransaction& tx, const std::string& ca,
                                     Signer& signer, std::int64_t now, std::int64_t validity) {
  TESSERA_ASSIGN_OR_RETURN(std::optional<directory::CrlRecord> latest,
                           directory::FindLatestCrl(tx, ca));
  TESSERA_ASSIGN_OR_RETURN(std::vector<directory::RevocationRecord> revoked,
                           directory::ListRevocations(tx, ca));
  const std::int64_t number = latest ? latest->number + 1 : 1;
  return MakeCrl(ca, signer, number, now, validity, std::move(revoked));
}

Status StoreCrl(directory::SqlTransaction& tx, const directory::CrlRecord& crl) {
  Status status = directory::InsertCrl(tx, crl);
  if (status.code() == Code::kConditionsNotSatisfied || status.code() == Code::kAlreadyExists) {
    return Status::Aborted("another node issued CRL " + std::to_string(crl.number) + " of '" +
                           crl.ca + "' first: " + status.message());
  }
  return status;
}

Status AuditIn(directory::SqlTransaction& tx, const audit::AuditEvent& event, std::int64_t now) {
  Result<std::int64_t> seq = audit::Append(tx, event, now);
  if (seq.status().code() == Code::kAlreadyExists) {
    return Status::Aborted("the audit chain moved on: " + seq.status().message());
  }
  return seq.status();
}

std::string SerialHex(ByteView serial) { return ToHex(serial); }

Result<Bytes> ParseSerialHex(std::string_view text) {
  std::string hex(text);
  if (hex.rfind("0x", 0) == 0 || hex.rfind("0X", 0) == 0) hex.erase(0, 2);
  if (hex.size() % 2 == 1) hex.insert(hex.begin(), '0');
  Result<Bytes> bytes = FromHex(hex);
  if (!bytes.ok() || bytes->empty() || bytes->size() > 20) {
    return Status::InvalidArgument("serial '" + std::string(text) +
                                   "' is not a hex number of at most 20 bytes");
  }
  ossl::BnPtr bn = ossl::BnFromBytes(*bytes);
  Bytes serial = ossl::BnToBytes(bn.get());
  if (serial.empty()) return Status::InvalidArgument("serial 0 is never issued");
  return serial;
}

}  // namespace tessera::ca
