// HsmAccess: the CLI's way to its HSMs. One PKCS#11 module per process
// (PKCS#11 3.0 §5.4), loaded once; each HSM name is a token label on it.
// For the embedded SoftHSM2 default, SOFTHSM2_CONF is pointed at
// TESSERA_HOME/softhsm2.conf before the module loads, so the tokens live in
// TESSERA_HOME. The user PIN comes from TESSERA_HSM_PIN when set, else from
// TESSERA_HOME/hsm/NAME.pin (mode 0600), never from argv.
//
// Thread-safe: Open may be called from several threads; each HsmToken (one
// session) is then used by one thread.
#pragma once

#include <memory>
#include <string>

#include "hsm/hsm_token.hpp"
#include "hsm/pin_source.hpp"
#include "hsm/pkcs11_library.hpp"
#include "services/runtime/home.hpp"

namespace tessera::runtime {

class HsmAccess {
 public:
  static Result<HsmAccess> Load(const Home& home, const Settings& settings);

  // Opens a logged-in session on the HSM token `name`.
  Result<hsm::HsmToken> Open(const std::string& name) const;
  hsm::PinSource PinFor(const std::string& name) const;
  const std::shared_ptr<const hsm::Pkcs11Library>& library() const { return library_; }

 private:
  HsmAccess(Home home, std::shared_ptr<const hsm::Pkcs11Library> library)
      : home_(std::move(home)), library_(std::move(library)) {}

  Home home_;
  std::shared_ptr<const hsm::Pkcs11Library> library_;
};

// Points SOFTHSM2_CONF at TESSERA_HOME's configuration, writing it (and the
// token directory) when missing. Call before loading the module.
Status PrepareEmbeddedSoftHsm(const Home& home);

}  // namespace tessera::runtime
