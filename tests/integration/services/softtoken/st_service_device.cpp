#include "tests/integration/services/softtoken/st_service_device.hpp"

#include <openssl/sha.h>

#include "common/ossl.hpp"
#include "common/piv/cert_container.hpp"
#include "common/piv/piv_constants.hpp"
#include "services/jose/jws.hpp"

namespace tessera::softtoken::testing {

Result<std::unique_ptr<SimDevice>> SimDevice::Open(const tessera::testing::SimProcess& sim,
                                                   std::uint32_t serial) {
  std::unique_ptr<SimDevice> device(new SimDevice());
  device->serial_ = serial;
  TESSERA_ASSIGN_OR_RETURN(device->transport_, sim.Connect(serial));
  device->channel_ = std::make_unique<host::ApduChannel>(*device->transport_);
  device->piv_ = std::make_unique<host::PivClient>(*device->channel_);
  TESSERA_RETURN_IF_ERROR(device->piv_->Select().status());
  TESSERA_RETURN_IF_ERROR(
      device->piv_->AuthenticateManagementKey(piv::Algorithm::kTdes, piv::kDefaultManagementKey));
  return device;
}

Result<Bytes> SimDevice::Generate(std::uint8_t slot) {
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, piv_->GenerateKey(slot, piv::Algorithm::kEccP256));
  return ossl::PublicKeyToDer(key.get());
}

Result<Bytes> SimDevice::Attest(std::uint8_t slot) { return piv_->Attest(slot); }

Result<Bytes> SimDevice::AttestationCa() {
  TESSERA_ASSIGN_OR_RETURN(Bytes container, piv_->GetData(piv::tag::kYubicoAttestationCert));
  return piv::DecodeCertContainer(container);
}

Result<Bytes> SimDevice::SignEs256(std::uint8_t slot, ByteView message) {
  Bytes digest(SHA256_DIGEST_LENGTH);
  SHA256(message.data(), message.size(), digest.data());
  TESSERA_ASSIGN_OR_RETURN(SecureBytes der,
                           piv_->PrivateKeyOperation(slot, piv::Algorithm::kEccP256, 0x81, digest));
  return jose::EcdsaDerToJose(der.view(), 32);
}

}  // namespace tessera::softtoken::testing
