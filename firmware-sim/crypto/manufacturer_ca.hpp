// ManufacturerCa: the simulated manufacturer's certificate authority. It signs
// each token's attestation certificate at manufacture, so ATTEST output
// chains token -> attestation key -> manufacturer CA, as on a YubiKey.
//
// tessera-sim keeps it in the state directory: "manufacturer-ca.der" (the
// certificate, DER, mode 0644) and "manufacturer-ca.key" (PKCS#8 DER, mode
// 0600), and creates it on first run. Each file is written to a temporary
// name and renamed into place, the key first, so a present certificate means
// a complete CA. Immutable after loading; safe to share between threads.
#pragma once

#include <filesystem>

#include "common/ossl.hpp"
#include "firmware-sim/os/clock.hpp"
#include "firmware-sim/os/rng.hpp"

namespace tessera::sim {

class ManufacturerCa {
 public:
  static constexpr const char* kCertFile = "manufacturer-ca.der";
  static constexpr const char* kKeyFile = "manufacturer-ca.key";

  // A new CA in memory: a P-256 key from `rng` and a self-signed certificate
  // "Tessera Simulated Manufacturer CA", valid from a day before clock.Now()
  // for 20 years.
  static Result<ManufacturerCa> Create(Rng& rng, const Clock& clock);
  // The CA stored in `dir`. kNotFound when a file is missing, kCorrupt
  // (naming the file) when one is damaged or the key does not match.
  static Result<ManufacturerCa> Load(const std::filesystem::path& dir);
  // Load, or on first run Create and store in `dir` (created if needed). A
  // key left without its certificate by an interrupted first run is replaced.
  static Result<ManufacturerCa> LoadOrCreate(const std::filesystem::path& dir, Rng& rng,
                                             const Clock& clock);

  EVP_PKEY* key() const { return key_.get(); }
  X509* cert() const { return cert_.get(); }

 private:
  ManufacturerCa(ossl::PkeyPtr key, ossl::X509Ptr cert)
      : key_(std::move(key)), cert_(std::move(cert)) {}
  ossl::PkeyPtr key_;
  ossl::X509Ptr cert_;
};

}  // namespace tessera::sim
