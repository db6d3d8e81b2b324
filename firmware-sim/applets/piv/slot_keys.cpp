#include "firmware-sim/applets/piv/slot_keys.hpp"

#include "firmware-sim/applets/piv/factory.hpp"
#include "firmware-sim/crypto/keys.hpp"

namespace tessera::sim::piv_applet {

bool IsUserSlot(std::uint8_t slot) { return piv::IsAsymmetricKeyRef(slot); }

bool IsDescribableSlot(std::uint8_t slot) {
  return IsUserSlot(slot) || slot == piv::key::kAttestation || slot == piv::key::kTokenKey;
}

bool IsAsymmetricAlgorithm(piv::Algorithm alg) {
  return piv::IsRsa(alg) || piv::IsEcdsaCurve(alg) || alg == piv::Algorithm::kEd25519 ||
         alg == piv::Algorithm::kX25519;
}

Result<ossl::PkeyPtr> GenerateSlotKey(PivContext& c, piv::Algorithm alg) {
  if (piv::IsRsa(alg)) {
    c.Charge(Cost::kRsaGenerate, piv::RsaBits(alg));
  } else {
    c.Charge(Cost::kEcGenerate, alg == piv::Algorithm::kEccP384 ? 384 : 256);
  }
  return GenerateKey(alg, c.rng());
}

Result<KeyRecord> MakeKeyRecord(EVP_PKEY* key, std::uint8_t slot, piv::PinPolicy pin,
                                piv::TouchPolicy touch, piv::KeyOrigin origin) {
  KeyRecord r;
  TESSERA_ASSIGN_OR_RETURN(r.algorithm, piv::AlgorithmOf(key));
  r.pin_policy = ResolvePinPolicy(slot, pin);
  r.touch_policy = ResolveTouchPolicy(touch);
  r.origin = origin;
  TESSERA_ASSIGN_OR_RETURN(r.private_key, SerializePrivateKey(key));
  return r;
}

Result<ossl::PkeyPtr> PrivateKeyOf(const KeyRecord& record) {
  auto key = DeserializePrivateKey(record.private_key.view());
  if (!key.ok()) return Status::Corrupt("piv: stored private key unreadable");
  return key;
}

Result<piv::PinPolicy> ParsePinPolicy(ByteView value) {
  if (value.size() != 1 || value[0] > 3) return Status::InvalidArgument("bad PIN policy");
  return static_cast<piv::PinPolicy>(value[0]);
}

Result<piv::TouchPolicy> ParseTouchPolicy(ByteView value) {
  if (value.size() != 1 || value[0] > 3) return Status::InvalidArgument("bad touch policy");
  return static_cast<piv::TouchPolicy>(value[0]);
}

}  // namespace tessera::sim::piv_applet
