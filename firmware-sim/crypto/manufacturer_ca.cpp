#include "firmware-sim/crypto/manufacturer_ca.hpp"

#include <chrono>
#include <string>
#include <system_error>

#include "firmware-sim/crypto/certs.hpp"
#include "firmware-sim/crypto/file_util.hpp"
#include "firmware-sim/crypto/keys.hpp"

namespace tessera::sim {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSubject = "Tessera Simulated Manufacturer CA";
constexpr mode_t kKeyMode = 0600;
constexpr mode_t kCertMode = 0644;

Result<ossl::X509Ptr> ParseCert(ByteView der, const fs::path& path) {
  const unsigned char* p = der.data();
  ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != der.data() + der.size()) {
    ossl::DrainErrors();
    return Status::Corrupt(path.string() + " is not a DER certificate");
  }
  return cert;
}

Result<bool> Exists(const fs::path& path) {
  std::error_code ec;
  bool exists = fs::exists(path, ec);
  if (ec) return Status::IoError("stat " + path.string() + ": " + ec.message());
  return exists;
}

// Key first, certificate last: the certificate's presence marks a complete CA.
Status Store(const ManufacturerCa& ca, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("create " + dir.string() + ": " + ec.message());
  TESSERA_ASSIGN_OR_RETURN(SecureBytes key_der, SerializePrivateKey(ca.key()));
  TESSERA_RETURN_IF_ERROR(
      internal::WriteFileAtomically(dir / ManufacturerCa::kKeyFile, key_der.view(), kKeyMode));
  TESSERA_ASSIGN_OR_RETURN(Bytes cert_der, ossl::CertToDer(ca.cert()));
  return internal::WriteFileAtomically(dir / ManufacturerCa::kCertFile, cert_der, kCertMode);
}

}  // namespace

Result<ManufacturerCa> ManufacturerCa::Create(Rng& rng, const Clock& clock) {
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, GenerateKey(piv::Algorithm::kEccP256, rng));
  CertSpec spec;
  spec.subject_cn = kSubject;
  // A day of slack so that hosts whose clocks lag still accept the chain.
  spec.not_before = clock.Now() - std::chrono::days(1);
  spec.not_after =
      spec.not_before +
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::years(20));
  spec.is_ca = true;
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr cert,
                           IssueCertificate(spec, key.get(), key.get(), nullptr, rng));
  return ManufacturerCa(std::move(key), std::move(cert));
}

Result<ManufacturerCa> ManufacturerCa::Load(const fs::path& dir) {
  const fs::path cert_path = dir / kCertFile;
  const fs::path key_path = dir / kKeyFile;
  TESSERA_ASSIGN_OR_RETURN(SecureBytes cert_der, internal::ReadWholeFile(cert_path));
  TESSERA_ASSIGN_OR_RETURN(ossl::X509Ptr cert, ParseCert(cert_der.view(), cert_path));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes key_der, internal::ReadWholeFile(key_path));
  Result<ossl::PkeyPtr> key = DeserializePrivateKey(key_der.view());
  if (!key.ok()) return Status::Corrupt(key_path.string() + ": " + key.status().message());
  if (X509_check_private_key(cert.get(), key->get()) != 1) {
    ossl::DrainErrors();
    return Status::Corrupt(key_path.string() + " does not match " + cert_path.string());
  }
  return ManufacturerCa(std::move(key).value(), std::move(cert));
}

Result<ManufacturerCa> ManufacturerCa::LoadOrCreate(const fs::path& dir, Rng& rng,
                                                    const Clock& clock) {
  TESSERA_ASSIGN_OR_RETURN(bool have_cert, Exists(dir / kCertFile));
  if (have_cert) {
    TESSERA_ASSIGN_OR_RETURN(bool have_key, Exists(dir / kKeyFile));
    // Store writes the key before the certificate, so this is damage, not
    // an interrupted first run; a new CA would orphan every token's chain.
    if (!have_key) {
      return Status::Corrupt((dir / kKeyFile).string() + " is missing beside " +
                             (dir / kCertFile).string());
    }
    return Load(dir);
  }
  TESSERA_ASSIGN_OR_RETURN(ManufacturerCa ca, Create(rng, clock));
  TESSERA_RETURN_IF_ERROR(Store(ca, dir));
  return ca;
}

}  // namespace tessera::sim
