#include "hsm/ceremony.hpp"

#include <string>
#include <utility>

#include "hsm/key_object.hpp"
#include "hsm/key_ops.hpp"
#include "hsm/key_templates.hpp"
#include "hsm/mechanism.hpp"
#include "hsm/version_objects.hpp"

namespace tessera::hsm {
namespace {

Result<KeyObject> GenerateBlock(HsmToken& hsm, const std::string& label, std::string what) {
  AttributeTemplate t = BlockTemplate(label, Residence::kKeyManagement);
  t.Add(Attr::kValueLen, kAesKeyBytes);
  return GenerateKey(hsm.session(), MechanismSpec::Plain(Mechanism::kAesKeyGen), std::move(t),
                     std::move(what) + " '" + label + "'");
}

Result<KeyPair> GenerateCryptogramPair(HsmToken& hsm, const std::string& label) {
  AttributeTemplate public_template = CryptogramPublicTemplate(label);
  const Bytes exponent = {0x01, 0x00, 0x01};
  public_template.Add(Attr::kModulusBits, kRsaBits).Add(Attr::kPublicExponent, exponent);
  return GenerateKeyPair(hsm.session(), MechanismSpec::Plain(Mechanism::kRsaKeyPairGen),
                         std::move(public_template),
                         CryptogramPrivateTemplate(label, Residence::kKeyManagement),
                         "cryptogram key pair '" + label + "'");
}

}  // namespace

Result<VersionRecord> GenerateVersion(HsmToken& hsm, std::uint8_t version) {
  TESSERA_RETURN_IF_ERROR(CheckVersion(version));
  TESSERA_ASSIGN_OR_RETURN(VersionObjects held, FindVersion(hsm.session(), version));
  if (!held.empty()) {
    return Status::ConditionsNotSatisfied("HSM token '" + hsm.label() + "' already holds key " +
                                          VersionName(version) + " (" + held.Describe() +
                                          "); a version is generated once and never overwritten");
  }
  // Until Keep() below, a failure destroys what was made.
  TESSERA_ASSIGN_OR_RETURN(KeyObject mk, GenerateBlock(hsm, MkBlockLabel(version), "MK block"));
  TESSERA_ASSIGN_OR_RETURN(KeyObject krk, GenerateBlock(hsm, KrkBlockLabel(version), "KRK block"));
  TESSERA_ASSIGN_OR_RETURN(KeyPair pair, GenerateCryptogramPair(hsm, CryptogramKeyLabel(version)));
  TESSERA_ASSIGN_OR_RETURN(VersionRecord record, ReadVersionRecord(hsm, version));
  (void)std::move(mk).Keep();
  (void)std::move(krk).Keep();
  (void)std::move(pair.public_key).Keep();
  (void)std::move(pair.private_key).Keep();
  return record;
}

Result<ImportResult> Transfer(HsmToken& from, HsmToken& to, std::uint8_t version) {
  TESSERA_ASSIGN_OR_RETURN(VersionRecord source_record, ReadVersionRecord(from, version));
  // Before any key is made: a finished transfer is reported, a broken one refused.
  TESSERA_ASSIGN_OR_RETURN(ImportResult held, CheckDestination(to, source_record));
  if (held.already_present) return held;
  TESSERA_ASSIGN_OR_RETURN(RsaPublicKey transport, TransportPublicKey(to));
  TESSERA_ASSIGN_OR_RETURN(
      TransferPackage package,
      ExportVersion(from, transport, version, TransportOaepHash(from.quirks(), to.quirks())));
  TESSERA_ASSIGN_OR_RETURN(ImportResult result, ImportVersion(to, package));
  if (result.record != source_record) {
    return Status::Corrupt("HSM token '" + to.label() + "' holds " + VersionName(version) +
                           " with a record that differs from the source's");
  }
  return result;
}

}  // namespace tessera::hsm
