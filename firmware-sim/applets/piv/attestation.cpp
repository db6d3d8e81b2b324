#include "firmware-sim/applets/piv/attestation.hpp"

#include <openssl/asn1.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <vector>

#include "common/piv/cert_container.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/applets/piv/data_objects.hpp"
#include "firmware-sim/applets/piv/slot_keys.hpp"
#include "firmware-sim/crypto/certs.hpp"

namespace tessera::sim::piv_applet {
namespace {

using TimePoint = std::chrono::system_clock::time_point;

// The attestation certificate outlives any token in service.
constexpr auto kAttestationValidity = std::chrono::hours(24 * 365 * 20);
constexpr char kYubicoPivArc[] = "1.3.6.1.4.1.41482.3.";
constexpr std::uint8_t kFormFactorUsbAKeychain = 0x01;

TimePoint Now(const TokenContext& ctx) {
  return ctx.clock != nullptr ? ctx.clock->Now() : std::chrono::system_clock::now();
}

Result<TimePoint> ToTimePoint(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return ossl::Error("ASN1_TIME_to_tm");
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// X.690 §8.3: minimal two's complement, so a leading 00 when bit 8 is set.
Bytes DerUnsignedInteger(std::uint32_t v) {
  Bytes be;
  PutU32(be, v);
  std::size_t skip = 0;
  while (skip < 3 && be[skip] == 0) ++skip;
  Bytes content(be.begin() + static_cast<std::ptrdiff_t>(skip), be.end());
  if ((content[0] & 0x80) != 0) content.insert(content.begin(), 0x00);
  return EncodeTlv(0x02, content);
}

std::vector<CertExtension> YubicoExtensions(const TokenContext& ctx, const KeyRecord& r) {
  auto oid = [](const char* leaf) { return std::string(kYubicoPivArc) + leaf; };
  // As a YubiKey writes them (and go-piv, ykman parse them): the version,
  // policy and form factor values are raw bytes, the serial a DER INTEGER.
  return {
      {oid("3"), Bytes(std::begin(kFirmwareVersion), std::end(kFirmwareVersion)), false},
      {oid("7"), DerUnsignedInteger(ctx.serial), false},
      {oid("8"),
       Bytes{static_cast<std::uint8_t>(r.pin_policy), static_cast<std::uint8_t>(r.touch_policy)},
       false},
      {oid("9"), Bytes{kFormFactorUsbAKeychain}, false},
  };
}

Result<ossl::X509Ptr> LoadAttestationCertificate(const Storage& s) {
  auto container = LoadObject(s, piv::tag::kYubicoAttestationCert);
  if (!container) return Status::ReferenceNotFound("no attestation certificate (5FFF01)");
  auto der = piv::DecodeCertContainer(container->view());
  if (!der.ok() || der->empty()) {
    return Status::Corrupt("piv: attestation certificate object malformed");
  }
  return ossl::CertFromDer(*der);
}

}  // namespace

std::string AttestationCertificateCn(std::uint32_t serial) {
  return "Tessera PIV Attestation S/N " + std::to_string(serial);
}

std::string AttestationStatementCn(std::uint8_t slot) {
  return "Tessera PIV Attestation " + ToHex(Bytes{slot});
}

Result<Bytes> IssueAttestationCertificate(const TokenContext& ctx, const ManufacturerCa& ca,
                                          EVP_PKEY* attestation_key) {
  CertSpec spec;
  spec.subject_cn = AttestationCertificateCn(ctx.serial);
  spec.not_before = Now(ctx);
  // Never outlive the issuer: a chain is only as valid as its shortest link.
  TESSERA_ASSIGN_OR_RETURN(TimePoint ca_not_after, ToTimePoint(X509_get0_notAfter(ca.cert())));
  spec.not_after = std::min(spec.not_before + kAttestationValidity, ca_not_after);
  spec.is_ca = true;  // it signs the statements ATTEST issues
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr cert,
                           IssueCertificate(spec, attestation_key, ca.key(), ca.cert(), *ctx.rng));
  return ossl::CertToDer(cert.get());
}

Result<Bytes> IssueAttestationStatement(PivContext& c, std::uint8_t slot, const KeyRecord& record) {
  TESSERA_ASSIGN_OR_RETURN(std::optional<KeyRecord> f9,
                           LoadKey(c.storage(), piv::key::kAttestation));
  if (!f9) return Status::ReferenceNotFound("no attestation key (F9)");
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr issuer_key, c.PrivateKey(piv::key::kAttestation, *f9));
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr issuer_cert, LoadAttestationCertificate(c.storage()));
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr subject_key, c.PrivateKey(slot, record));

  CertSpec spec;
  spec.subject_cn = AttestationStatementCn(slot);
  spec.not_before = Now(c.token());
  TESSERA_ASSIGN_OR_RETURN(spec.not_after, ToTimePoint(X509_get0_notAfter(issuer_cert.get())));
  spec.extensions = YubicoExtensions(c.token(), record);
  c.Charge(Cost::kEcPrivate, 256);
  TESSERA_ASSIGN_OR_RETURN(
      ossl::X509Ptr cert,
      IssueCertificate(spec, subject_key.get(), issuer_key.get(), issuer_cert.get(), c.rng()));
  return ossl::CertToDer(cert.get());
}

}  // namespace tessera::sim::piv_applet
