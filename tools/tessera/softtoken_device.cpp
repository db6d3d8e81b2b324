#include "tools/tessera/softtoken_device.hpp"

#include <openssl/sha.h>

#include "common/ossl.hpp"
#include "common/piv/cert_container.hpp"
#include "common/piv/piv_constants.hpp"
#include "services/jose/jws.hpp"
#include "services/keyman/token_access.hpp"

namespace tessera::cli::softtoken {
namespace {

Status Prefixed(const std::string& what, const Status& s) {
  return s.ok() ? s : s.Prefixed(what + ": ");
}

// The management key's algorithm by its length: 3DES and AES-192 are both
// 24 bytes, so the token's own word (GET METADATA 9B) decides those.
Result<piv::Algorithm> ManagementAlgorithm(host::PivClient& piv, ByteView key) {
  if (key.size() == 16) return piv::Algorithm::kAes128;
  if (key.size() == 32) return piv::Algorithm::kAes256;
  if (key.size() != 24) {
    return Status::InvalidArgument("a management key of " + std::to_string(key.size()) +
                                   " bytes (16, 24 or 32 expected)");
  }
  Result<piv::Algorithm> stored = piv.GetManagementKeyAlgorithm();
  return stored.ok() ? *stored : piv::Algorithm::kTdes;
}

}  // namespace

Result<std::uint8_t> SlotReference(const std::string& slot) {
  Result<Bytes> raw = FromHex(slot);
  if (raw.ok() && raw->size() == 1) {
    const std::uint8_t r = (*raw)[0];
    if (r == piv::key::kAuthentication || r == piv::key::kSignature ||
        r == piv::key::kKeyManagement || r == piv::key::kCardAuthentication ||
        (r >= 0x82 && r <= 0x95)) {
      return r;
    }
  }
  return Status::InvalidArgument("'" + slot + "' is not a PIV key slot (9a, 9c, 9d, 9e, 82..95)");
}

Result<std::unique_ptr<DeviceToken>> DeviceToken::Open(const runtime::Settings& settings,
                                                       std::uint32_t serial) {
  // FindToken asks the token's own reader first: selecting on every token
  // would log a browser out of the user's card (token_access.hpp).
  Result<keyman::TokenSummary> found = keyman::FindToken(settings, serial);
  if (!found.ok()) return found.status();
  keyman::TokenSummary& token = *found;
  auto out = std::unique_ptr<DeviceToken>(new DeviceToken());
  out->serial_ = serial;
  Result<std::unique_ptr<host::Transport>> transport = token.reader->Connect();
  if (!transport.ok())
    return Prefixed("connecting to token " + std::to_string(serial), transport.status());
  out->transport_ = std::move(*transport);
  host::ApduChannel::Options options;
  options.extended_length = out->transport_->SupportsExtendedLength();
  out->channel_ = std::make_unique<host::ApduChannel>(*out->transport_, options);
  out->piv_ = std::make_unique<host::PivClient>(*out->channel_);
  Result<Bytes> selected = out->piv_->Select();
  if (!selected.ok()) return Prefixed("selecting PIV", selected.status());
  return out;
}

Result<DeviceKey> DeviceToken::EnsureKey(const std::string& slot, ByteView management_key) {
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t ref, SlotReference(slot));
  DeviceKey out;
  Result<host::PivKeyMetadata> meta = piv_->GetKeyMetadata(ref);
  if (!meta.ok() && meta.status().code() != Code::kReferenceNotFound) {
    return Prefixed("reading slot " + slot + "'s key (GET METADATA)", meta.status());
  }
  ossl::PkeyPtr key;
  if (meta.ok()) {
    if (meta->algorithm != piv::Algorithm::kEccP256) {
      return Status::ConditionsNotSatisfied("slot " + slot +
                                            " holds a key that is not P-256; choose another "
                                            "--slot or empty this one");
    }
    out.needs_pin = meta->pin_policy != piv::PinPolicy::kNever;
    key = std::move(meta->public_key);
  } else {
    if (management_key.empty()) return Status::NotFound("slot " + slot + " holds no key");
    TESSERA_ASSIGN_OR_RETURN(piv::Algorithm alg, ManagementAlgorithm(*piv_, management_key));
    TESSERA_RETURN_IF_ERROR(Prefixed("authenticating with the management key",
                                     piv_->AuthenticateManagementKey(alg, management_key)));
    Result<ossl::PkeyPtr> made = piv_->GenerateKey(ref, piv::Algorithm::kEccP256);
    if (!made.ok()) return Prefixed("generating a P-256 key in slot " + slot, made.status());
    key = std::move(*made);
    out.generated = true;
    // The slot's default policy: only 9E's is "never" (docs/piv-applet.md).
    out.needs_pin = ref != piv::key::kCardAuthentication;
  }
  TESSERA_ASSIGN_OR_RETURN(out.spki, ossl::PublicKeyToDer(key.get()));
  return out;
}

Result<Bytes> DeviceToken::Attest(const std::string& slot) {
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t ref, SlotReference(slot));
  Result<Bytes> statement = piv_->Attest(ref);
  if (!statement.ok()) return Prefixed("ATTEST " + slot, statement.status());
  return statement;
}

Result<Bytes> DeviceToken::AttestationCertificate() {
  Result<Bytes> container = piv_->GetData(piv::tag::kYubicoAttestationCert);
  if (!container.ok()) {
    return Prefixed("reading the attestation certificate (5FFF01)", container.status());
  }
  TESSERA_ASSIGN_OR_RETURN(Bytes der, piv::DecodeCertContainer(*container));
  if (der.empty()) return Status::NotFound("the token has no attestation certificate (5FFF01)");
  return der;
}

Status DeviceToken::UsePin(SecureBytes pin) {
  TESSERA_RETURN_IF_ERROR(Prefixed("verifying the PIN", piv_->VerifyPin(pin.view())));
  pin_ = std::move(pin);
  return Status::Ok();
}

Result<Bytes> DeviceToken::SignEs256(const std::string& slot, ByteView data) {
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t ref, SlotReference(slot));
  Bytes digest(SHA256_DIGEST_LENGTH);
  SHA256(data.data(), data.size(), digest.data());
  // A key whose policy is "always" takes the PIN before each signature.
  if (!pin_.empty()) {
    TESSERA_RETURN_IF_ERROR(Prefixed("verifying the PIN", piv_->VerifyPin(pin_.view())));
  }
  Result<SecureBytes> der = piv_->PrivateKeyOperation(ref, piv::Algorithm::kEccP256, 0x81, digest);
  if (!der.ok()) return Prefixed("signing with slot " + slot, der.status());
  return jose::EcdsaDerToJose(der->view(), 32);
}

}  // namespace tessera::cli::softtoken
