#include "services/runtime/hsm_access.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace tessera::runtime {

Status PrepareEmbeddedSoftHsm(const Home& home) {
  std::error_code ec;
  std::filesystem::create_directories(home.softhsm_tokens(), ec);
  if (ec) {
    return Status::IoError("cannot create " + home.softhsm_tokens().string() + ": " + ec.message());
  }
  ::chmod(home.softhsm_tokens().c_str(), 0700);
  if (!std::filesystem::exists(home.softhsm_conf())) {
    std::ofstream conf(home.softhsm_conf());
    conf << "# SoftHSM2 of the Tessera embedded default (written by tessera).\n"
         << "directories.tokendir = " << home.softhsm_tokens().string() << "\n"
         << "objectstore.backend = file\n"
         << "log.level = ERROR\n";
    if (!conf) return Status::IoError("cannot write " + home.softhsm_conf().string());
  }
  // NOLINTNEXTLINE(concurrency-mt-unsafe): set before any thread or module exists
  if (::setenv("SOFTHSM2_CONF", home.softhsm_conf().c_str(), 1) != 0) {
    return Status::Internal("setenv SOFTHSM2_CONF failed");
  }
  return Status::Ok();
}

Result<HsmAccess> HsmAccess::Load(const Home& home, const Settings& settings) {
  if (settings.embedded_softhsm()) TESSERA_RETURN_IF_ERROR(PrepareEmbeddedSoftHsm(home));
  TESSERA_ASSIGN_OR_RETURN(auto library, hsm::Pkcs11Library::Load(settings.hsm_module));
  return HsmAccess(home, std::move(library));
}

hsm::PinSource HsmAccess::PinFor(const std::string& name) const {
  const char* env = ::secure_getenv("TESSERA_HSM_PIN");  // NOLINT(concurrency-mt-unsafe)
  if (env != nullptr && *env != '\0') return hsm::PinSource::FromEnvironment("TESSERA_HSM_PIN");
  return hsm::PinSource::FromFile(home_.pin_file(name));
}

Result<hsm::HsmToken> HsmAccess::Open(const std::string& name) const {
  TESSERA_RETURN_IF_ERROR(CheckHsmName(name));
  return hsm::HsmToken::Open(library_, name, PinFor(name));
}

}  // namespace tessera::runtime
