// ManufacturerCa: the simulated manufacturer's certificate authority. It signs
// each token's attestation certificate at manufacture, so ATTEST output
// chains token -> attestation key -> manufacturer CA, as on a YubiKey.
//
// tessera-sim keeps it in the state directory ("manufacturer-ca.der" and
// "manufacturer-ca.key", mode 0600) and creates it on first run. Immutable
// after loading; safe to share between threads.
#pragma once

#include <filesystem>

#include "common/ossl.hpp"
#include "firmware-sim/os/clock.hpp"
#include "firmware-sim/os/rng.hpp"

namespace tessera::sim {

class ManufacturerCa {
 public:
  static Result<ManufacturerCa> Create(Rng& rng, const Clock& clock);
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
