// PivApplet::Manufacture: the factory state of a new token.
#include "common/piv/cert_container.hpp"
#include "firmware-sim/applets/piv/attestation.hpp"
#include "firmware-sim/applets/piv/data_objects.hpp"
#include "firmware-sim/applets/piv/factory.hpp"
#include "firmware-sim/applets/piv/piv_applet.hpp"
#include "firmware-sim/applets/piv/slot_keys.hpp"
#include "firmware-sim/crypto/keys.hpp"

namespace tessera::sim {

using piv_applet::KeyRecord;

namespace {

// The token's own keys (F9, F0) are P-256, usable without PIN or touch.
Status PutTokenKey(Transaction& txn, std::uint8_t slot, EVP_PKEY* key) {
  TESSERA_ASSIGN_OR_RETURN(
      KeyRecord record,
      piv_applet::MakeKeyRecord(key, slot, piv::PinPolicy::kNever, piv::TouchPolicy::kNever,
                                piv::KeyOrigin::kGenerated));
  piv_applet::PutKey(txn, slot, record);
  return Status::Ok();
}

}  // namespace

Status PivApplet::Manufacture(TokenContext& ctx, const ManufacturerCa& ca, Transaction& txn) {
  // Draw order is fixed so a seeded Rng gives the same token every time.
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr attestation_key,
                           GenerateKey(piv::Algorithm::kEccP256, *ctx.rng));
  TESSERA_ASSIGN_OR_RETURN(Bytes attestation_cert,
                           piv_applet::IssueAttestationCertificate(ctx, ca, attestation_key.get()));
  // Seed 000: the token key pair whose public key the CMS records.
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr token_key,
                           GenerateKey(piv::Algorithm::kEccP256, *ctx.rng));

  TESSERA_RETURN_IF_ERROR(PutTokenKey(txn, piv::key::kAttestation, attestation_key.get()));
  piv_applet::PutObject(txn, piv::tag::kYubicoAttestationCert,
                        piv::EncodeCertContainer(attestation_cert));
  TESSERA_RETURN_IF_ERROR(PutTokenKey(txn, piv::key::kTokenKey, token_key.get()));
  piv_applet::PutFactoryDefaults(*ctx.rng, txn);
  return Status::Ok();
}

}  // namespace tessera::sim
