#include "hsm/key_transfer.hpp"

#include <optional>
#include <string>
#include <utility>

#include "hsm/crypto_ops.hpp"
#include "hsm/key_object.hpp"
#include "hsm/key_ops.hpp"
#include "hsm/key_templates.hpp"
#include "hsm/mechanism.hpp"
#include "hsm/version_objects.hpp"

namespace tessera::hsm {
namespace {

constexpr std::size_t kMinTransportModulusBytes = kRsaBits / 8;

MechanismSpec KeyWrap() { return MechanismSpec::Plain(Mechanism::kAesKeyWrap); }

std::string On(const HsmToken& token) { return "HSM token '" + token.label() + "'"; }

Result<KeyPair> GenerateTransportPair(HsmToken& to) {
  AttributeTemplate public_template = TransportPublicTemplate(kTransportLabel, /*token=*/true);
  const Bytes exponent = {0x01, 0x00, 0x01};
  public_template.Add(Attr::kModulusBits, kRsaBits).Add(Attr::kPublicExponent, exponent);
  return GenerateKeyPair(to.session(), MechanismSpec::Plain(Mechanism::kRsaKeyPairGen),
                         std::move(public_template), TransportPrivateTemplate(kTransportLabel),
                         "transport key pair '" + std::string(kTransportLabel) + "'");
}

// The source's KEK, made the first time a version leaves this HSM.
Result<CK_OBJECT_HANDLE> SourceKek(HsmToken& from) {
  TESSERA_ASSIGN_OR_RETURN(std::optional<CK_OBJECT_HANDLE> kek,
                           FindTokenObject(from.session(), ObjectClass::kSecretKey, kKekLabel));
  if (kek) return *kek;
  AttributeTemplate kek_template = KekSourceTemplate(kKekLabel);
  kek_template.Add(Attr::kValueLen, kAesKeyBytes);
  TESSERA_ASSIGN_OR_RETURN(
      KeyObject made, GenerateKey(from.session(), MechanismSpec::Plain(Mechanism::kAesKeyGen),
                                  std::move(kek_template), "KEK '" + std::string(kKekLabel) + "'"));
  return std::move(made).Keep();
}

Result<KeyObject> ImportTransportKey(HsmToken& from, const RsaPublicKey& transport) {
  if (transport.modulus.size() < kMinTransportModulusBytes) {
    return Status::InvalidArgument("transport key is " +
                                   std::to_string(transport.modulus.size() * 8) +
                                   " bits; a KEK travels only under RSA-3072 or larger");
  }
  AttributeTemplate t = TransportPublicTemplate(kTransportLabel, /*token=*/false);
  t.Add(Attr::kModulus, ByteView(transport.modulus))
      .Add(Attr::kPublicExponent, ByteView(transport.public_exponent));
  return CreateObject(from.session(), std::move(t), "destination's transport public key");
}

// The four unwrapped objects of a version, destroyed unless all are kept.
struct Unwrapped {
  KeyObject mk_block;
  KeyObject krk_block;
  KeyObject private_key;
  KeyObject public_key;
};

Result<Unwrapped> UnwrapVersion(HsmToken& to, const TransferPackage& p, const KeyObject& kek) {
  const std::uint8_t v = p.version;
  HsmSession& s = to.session();
  TESSERA_ASSIGN_OR_RETURN(KeyObject mk,
                           UnwrapKey(s, KeyWrap(), kek.handle(), p.wrapped_mk_block,
                                     BlockTemplate(MkBlockLabel(v), Residence::kAccessServer),
                                     "MK block '" + MkBlockLabel(v) + "'"));
  TESSERA_ASSIGN_OR_RETURN(KeyObject krk,
                           UnwrapKey(s, KeyWrap(), kek.handle(), p.wrapped_krk_block,
                                     BlockTemplate(KrkBlockLabel(v), Residence::kAccessServer),
                                     "KRK block '" + KrkBlockLabel(v) + "'"));
  const std::string pair = CryptogramKeyLabel(v);
  TESSERA_ASSIGN_OR_RETURN(
      KeyObject private_key,
      UnwrapKey(s, MechanismSpec::Plain(Mechanism::kAesKeyWrapPad), kek.handle(),
                p.wrapped_private_key, CryptogramPrivateTemplate(pair, Residence::kAccessServer),
                "private key '" + pair + "'"));
  AttributeTemplate public_template = CryptogramPublicTemplate(pair);
  public_template.Add(Attr::kModulus, ByteView(p.record.cryptogram_key.modulus))
      .Add(Attr::kPublicExponent, ByteView(p.record.cryptogram_key.public_exponent));
  TESSERA_ASSIGN_OR_RETURN(KeyObject public_key, CreateObject(s, std::move(public_template),
                                                              "public key '" + pair + "'"));
  return Unwrapped{std::move(mk), std::move(krk), std::move(private_key), std::move(public_key)};
}

// The unwrapped keys against the record: block check values, and one
// RSA-OAEP round trip through the new pair.
Status Verify(HsmToken& to, const Unwrapped& keys, const VersionRecord& record) {
  const std::string v = VersionName(record.version);
  TESSERA_ASSIGN_OR_RETURN(
      Bytes mk_check, BlockCheckValue(to, keys.mk_block.handle(), keys.mk_block.description()));
  TESSERA_ASSIGN_OR_RETURN(
      Bytes krk_check, BlockCheckValue(to, keys.krk_block.handle(), keys.krk_block.description()));
  if (mk_check != record.mk_block_check || krk_check != record.krk_block_check) {
    return Status::Corrupt("the blocks of " + v + " unwrapped on " + On(to) +
                           " do not match the record: check values MK " + ToHex(mk_check) +
                           " KRK " + ToHex(krk_check) + ", expected MK " +
                           ToHex(record.mk_block_check) + " KRK " + ToHex(record.krk_block_check));
  }
  TESSERA_ASSIGN_OR_RETURN(SecureBytes probe, GenerateRandom(to.session(), 32));
  TESSERA_ASSIGN_OR_RETURN(
      Bytes sealed, Encrypt(to.session(), MechanismSpec::RsaOaep(OaepHash::kSha1),
                            keys.public_key.handle(), probe.view(), keys.public_key.description()));
  Result<SecureBytes> opened =
      Decrypt(to.session(), MechanismSpec::RsaOaep(OaepHash::kSha1), keys.private_key.handle(),
              sealed, keys.private_key.description());
  if (!opened.ok() || !ConstantTimeEqual(opened->view(), probe.view())) {
    return Status::Corrupt("the cryptogram private key of " + v + " unwrapped on " + On(to) +
                           " does not match its public key");
  }
  return Status::Ok();
}

}  // namespace

OaepHash TransportOaepHash(const HsmQuirks& source, const HsmQuirks& destination) {
  return source.supports_rsa_oaep_sha256 && destination.supports_rsa_oaep_sha256 ? OaepHash::kSha256
                                                                                 : OaepHash::kSha1;
}

Result<RsaPublicKey> TransportPublicKey(HsmToken& to) {
  HsmSession& s = to.session();
  TESSERA_ASSIGN_OR_RETURN(std::optional<CK_OBJECT_HANDLE> public_key,
                           FindTokenObject(s, ObjectClass::kPublicKey, kTransportLabel));
  TESSERA_ASSIGN_OR_RETURN(std::optional<CK_OBJECT_HANDLE> private_key,
                           FindTokenObject(s, ObjectClass::kPrivateKey, kTransportLabel));
  if (public_key.has_value() != private_key.has_value()) {
    return Status::ConditionsNotSatisfied(On(to) + " holds half of the transport pair '" +
                                          std::string(kTransportLabel) +
                                          "': delete it so that a new pair can be made");
  }
  if (!public_key) {
    TESSERA_ASSIGN_OR_RETURN(KeyPair made, GenerateTransportPair(to));
    public_key = made.public_key.handle();
    (void)std::move(made.private_key).Keep();
    (void)std::move(made.public_key).Keep();
  }
  return ReadRsaPublicKey(s, *public_key, "transport public key on " + On(to));
}

Result<TransferPackage> ExportVersion(HsmToken& from, const RsaPublicKey& transport,
                                      std::uint8_t version, OaepHash kek_hash) {
  TESSERA_ASSIGN_OR_RETURN(VersionHandles handles, RequireVersion(from.session(), version));
  TESSERA_ASSIGN_OR_RETURN(KeyObject transport_key, ImportTransportKey(from, transport));
  TESSERA_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE kek, SourceKek(from));
  TransferPackage p;
  p.version = version;
  p.kek_hash = kek_hash;
  HsmSession& s = from.session();
  TESSERA_ASSIGN_OR_RETURN(p.wrapped_kek, WrapKey(s, MechanismSpec::RsaOaep(kek_hash),
                                                  transport_key.handle(), kek, kKekLabel));
  TESSERA_ASSIGN_OR_RETURN(p.wrapped_mk_block,
                           WrapKey(s, KeyWrap(), kek, handles.mk_block, MkBlockLabel(version)));
  TESSERA_ASSIGN_OR_RETURN(p.wrapped_krk_block,
                           WrapKey(s, KeyWrap(), kek, handles.krk_block, KrkBlockLabel(version)));
  TESSERA_ASSIGN_OR_RETURN(p.wrapped_private_key,
                           WrapKey(s, MechanismSpec::Plain(Mechanism::kAesKeyWrapPad), kek,
                                   handles.private_key, CryptogramKeyLabel(version)));
  TESSERA_ASSIGN_OR_RETURN(p.record, ReadVersionRecord(from, version));
  return p;
}

Result<ImportResult> CheckDestination(HsmToken& to, const VersionRecord& expected) {
  const std::uint8_t v = expected.version;
  TESSERA_ASSIGN_OR_RETURN(VersionObjects held, FindVersion(to.session(), v));
  if (held.empty()) return ImportResult{};
  if (!held.complete()) {
    return Status::ConditionsNotSatisfied(
        On(to) + " holds part of key " + VersionName(v) + " (" + held.Describe() +
        "), left by an interrupted transfer: delete those objects and transfer again");
  }
  TESSERA_ASSIGN_OR_RETURN(VersionRecord record, ReadVersionRecord(to, v));
  if (record != expected) {
    return Status::ConditionsNotSatisfied(
        On(to) + " already holds a different key " + VersionName(v) + " (MK block check " +
        ToHex(record.mk_block_check) + ", expected " + ToHex(expected.mk_block_check) +
        "): it will not be overwritten");
  }
  return ImportResult{std::move(record), true};
}

Result<ImportResult> ImportVersion(HsmToken& to, const TransferPackage& p) {
  TESSERA_RETURN_IF_ERROR(CheckVersion(p.version));
  if (p.record.version != p.version) {
    return Status::InvalidArgument("transfer package for " + VersionName(p.version) +
                                   " carries the record of " + VersionName(p.record.version));
  }
  TESSERA_ASSIGN_OR_RETURN(ImportResult held, CheckDestination(to, p.record));
  if (held.already_present) return held;
  TESSERA_ASSIGN_OR_RETURN(
      CK_OBJECT_HANDLE transport,
      RequireTokenObject(to.session(), ObjectClass::kPrivateKey, kTransportLabel));
  TESSERA_ASSIGN_OR_RETURN(KeyObject kek,
                           UnwrapKey(to.session(), MechanismSpec::RsaOaep(p.kek_hash), transport,
                                     p.wrapped_kek, KekDestinationTemplate(), "KEK"));
  TESSERA_ASSIGN_OR_RETURN(Unwrapped keys, UnwrapVersion(to, p, kek));
  TESSERA_RETURN_IF_ERROR(Verify(to, keys, p.record));
  (void)std::move(keys.mk_block).Keep();
  (void)std::move(keys.krk_block).Keep();
  (void)std::move(keys.private_key).Keep();
  (void)std::move(keys.public_key).Keep();
  return ImportResult{p.record, false};
}

}  // namespace tessera::hsm
