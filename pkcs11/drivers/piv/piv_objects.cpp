#include "pkcs11/drivers/piv/piv_objects.hpp"

#include <string>

#include "common/piv/cert_container.hpp"
#include "common/piv/public_key.hpp"
#include "common/tlv.hpp"
#include "pkcs11/drivers/piv/piv_key_slots.hpp"
#include "pkcs11/model/key_attributes.hpp"

namespace tessera::p11::piv {
namespace {

namespace tp = tessera::piv;

constexpr std::uint32_t kTagLrc = 0xFE;
constexpr std::uint32_t kTagOnCardCerts = 0xC1;
constexpr std::uint32_t kTagOffCardCerts = 0xC2;
constexpr std::uint32_t kTagOffCardUrl = 0xF3;
// CKM_RSA_PKCS_KEY_PAIR_GEN, CKM_EC_KEY_PAIR_GEN, CKM_EC_EDWARDS_KEY_PAIR_GEN,
// CKM_EC_MONTGOMERY_KEY_PAIR_GEN.
unsigned long KeyGenMechanism(KeyType type) {
  switch (type) {
    case KeyType::kRsa: return 0x0;
    case KeyType::kEc: return 0x1040;
    case KeyType::kEcEdwards: return 0x1055;
    case KeyType::kEcMontgomery: return 0x1056;
    default: break;
  }
  return kUnavailable;
}

std::string SlotName(std::uint8_t key_ref) {
  const PivKeySlot* slot = AnyKeySlot(key_ref);
  return slot != nullptr ? slot->name : "key " + std::to_string(key_ref);
}

Bytes Text(const std::string& s) { return {s.begin(), s.end()}; }

Object Base(ObjectClass cls, std::uint8_t key_ref, const std::string& label_prefix) {
  Object o;
  o.cls = cls;
  o.where.key_ref = key_ref;
  const PivKeySlot* slot = AnyKeySlot(key_ref);
  o.where.container = slot != nullptr ? slot->cert_tag : 0;
  o.Set(Attr::kClass, UlongValue(static_cast<unsigned long>(cls)));
  o.Set(Attr::kToken, BoolValue(true));
  o.Set(Attr::kPrivate, BoolValue(cls == ObjectClass::kPrivateKey));
  o.Set(Attr::kModifiable, BoolValue(true));
  o.Set(Attr::kCopyable, BoolValue(false));
  o.Set(Attr::kDestroyable, BoolValue(cls == ObjectClass::kCertificate));
  o.Set(Attr::kLabel, Text(label_prefix + SlotName(key_ref)));
  o.Set(Attr::kId, Bytes{slot != nullptr ? slot->id : key_ref});
  return o;
}

void KeyCommon(Object& o, KeyType type, ByteView subject) {
  o.Set(Attr::kSubject, Bytes(subject.begin(), subject.end()));
  o.Set(Attr::kStartDate, {});
  o.Set(Attr::kEndDate, {});
  o.Set(Attr::kDerive, BoolValue(type == KeyType::kEc || type == KeyType::kEcMontgomery));
  o.Set(Attr::kLocal, BoolValue(false));
  o.Set(Attr::kKeyGenMechanism, UlongValue(kUnavailable));
}

Object PrivateKey(std::uint8_t key_ref, KeyType type, ByteView subject) {
  Object o = Base(ObjectClass::kPrivateKey, key_ref, "Private key for ");
  KeyCommon(o, type, subject);
  const bool rsa = type == KeyType::kRsa;
  o.Set(Attr::kSensitive, BoolValue(true));
  o.Set(Attr::kExtractable, BoolValue(false));
  o.Set(Attr::kAlwaysSensitive, BoolValue(true));
  o.Set(Attr::kNeverExtractable, BoolValue(true));
  o.Set(Attr::kSign, BoolValue(type != KeyType::kEcMontgomery));
  o.Set(Attr::kSignRecover, BoolValue(false));
  o.Set(Attr::kDecrypt, BoolValue(rsa));
  o.Set(Attr::kUnwrap, BoolValue(false));
  o.Set(Attr::kWrapWithTrusted, BoolValue(false));
  o.Set(Attr::kAlwaysAuthenticate, BoolValue(key_ref == tp::key::kSignature));
  // Key material: listed, never readable (RuleFor marks these secret).
  if (rsa) {
    for (Attr a : {Attr::kPrivateExponent, Attr::kPrime1, Attr::kPrime2, Attr::kExponent1,
                   Attr::kExponent2, Attr::kCoefficient}) {
      o.Set(a, {});
    }
  } else {
    o.Set(Attr::kValue, {});
  }
  return o;
}

Object PublicKey(std::uint8_t key_ref, KeyType type, ByteView subject) {
  Object o = Base(ObjectClass::kPublicKey, key_ref, "Public key for ");
  KeyCommon(o, type, subject);
  const bool rsa = type == KeyType::kRsa;
  o.Set(Attr::kVerify, BoolValue(type != KeyType::kEcMontgomery));
  o.Set(Attr::kVerifyRecover, BoolValue(false));
  o.Set(Attr::kEncrypt, BoolValue(rsa));
  o.Set(Attr::kWrap, BoolValue(false));
  o.Set(Attr::kTrusted, BoolValue(false));
  return o;
}

// How many retired slots hold on-card certificates (key history, SP 800-73-4
// Part 1 Appendix A, tag C1); 0 when the object is absent.
Result<int> RetiredCertificateCount(host::PivClient& client) {
  auto history = client.GetData(tp::tag::kKeyHistory);
  if (!history.ok()) {
    if (history.status().code() == Code::kNotFound) return 0;
    return history.status();
  }
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> fields, ParseTlvs(*history));
  auto on_card = FindTag(fields, kTagOnCardCerts);
  if (!on_card || on_card->size() != 1) return 0;
  return std::min<int>((*on_card)[0], 20);
}

// Reads one certificate container; appends its key pair's objects.
Status ReadCertifiedSlot(host::PivClient& client, const PivKeySlot& slot,
                         std::vector<Object>& out) {
  auto container = client.GetData(slot.cert_tag);
  if (!container.ok()) {
    return container.status().code() == Code::kNotFound ? Status::Ok() : container.status();
  }
  auto der = tp::DecodeCertContainer(*container);
  if (!der.ok() || der->empty()) return Status::Ok();  // an unreadable container is no cert
  Object probe;
  ossl::PkeyPtr key;
  if (!AddCertificateAttributes(probe, *der, &key).ok()) return Status::Ok();
  auto objects = KeySlotObjects(slot.key_ref, key.get(), *der, KeyFacts{});
  if (!objects.ok()) return Status::Ok();  // a certificate for a key PIV cannot hold
  for (auto& o : *objects) out.push_back(std::move(o));
  return Status::Ok();
}

}  // namespace

bool NeedsKeyFacts(Attr attr) {
  switch (attr) {
    case Attr::kLocal:
    case Attr::kKeyGenMechanism:
    case Attr::kAlwaysAuthenticate:
    case Attr::kAlwaysSensitive:
    case Attr::kNeverExtractable: return true;
    default: return false;
  }
}

void ApplyKeyFacts(Object& key, const KeyFacts& facts) {
  if (!facts.known) return;
  const bool generated = facts.origin == tp::KeyOrigin::kGenerated;
  auto type = key.key_type();
  key.Set(Attr::kLocal, BoolValue(generated));
  key.Set(Attr::kKeyGenMechanism,
          UlongValue(generated && type ? KeyGenMechanism(*type) : kUnavailable));
  if (key.cls != ObjectClass::kPrivateKey) return;
  // An imported key was once outside the card (PKCS#11 2.40 §4.9 table 35).
  key.Set(Attr::kAlwaysSensitive, BoolValue(generated));
  key.Set(Attr::kNeverExtractable, BoolValue(generated));
  bool always =
      facts.pin_policy == tp::PinPolicy::kAlways ||
      (facts.pin_policy == tp::PinPolicy::kDefault && key.where.key_ref == tp::key::kSignature);
  key.Set(Attr::kAlwaysAuthenticate, BoolValue(always));
}

Result<std::vector<Object>> KeySlotObjects(std::uint8_t key_ref, EVP_PKEY* public_key,
                                           ByteView cert_der, const KeyFacts& facts) {
  TESSERA_ASSIGN_OR_RETURN(KeyType type, KeyTypeOf(public_key));
  TESSERA_ASSIGN_OR_RETURN(tp::Algorithm alg, tp::AlgorithmOf(public_key));
  Bytes subject;
  std::vector<Object> out;
  if (!cert_der.empty()) {
    Object cert = Base(ObjectClass::kCertificate, key_ref, "X.509 Certificate for ");
    TESSERA_RETURN_IF_ERROR(AddCertificateAttributes(cert, cert_der, nullptr));
    cert.Set(Attr::kTrusted, BoolValue(false));
    cert.Set(Attr::kCertificateCategory, UlongValue(0));
    cert.Set(Attr::kStartDate, {});
    cert.Set(Attr::kEndDate, {});
    ByteView s = *cert.Get(Attr::kSubject);
    subject.assign(s.begin(), s.end());
    out.push_back(std::move(cert));
  }
  Object pub = PublicKey(key_ref, type, subject);
  Object priv = PrivateKey(key_ref, type, subject);
  for (Object* o : {&pub, &priv}) {
    TESSERA_RETURN_IF_ERROR(AddPublicKeyAttributes(*o, public_key));
    o->where.algorithm = static_cast<std::uint8_t>(alg);
    o->KeepPublicKey(public_key);
    ApplyKeyFacts(*o, facts);
  }
  out.push_back(std::move(pub));
  out.push_back(std::move(priv));
  return out;
}

Result<std::vector<Object>> ReadCertifiedKeys(host::PivClient& client) {
  std::vector<Object> out;
  for (const PivKeySlot& slot : StandardKeySlots()) {
    TESSERA_RETURN_IF_ERROR(ReadCertifiedSlot(client, slot, out));
  }
  TESSERA_ASSIGN_OR_RETURN(int retired, RetiredCertificateCount(client));
  auto all = AllKeySlots();
  for (int i = 0; i < retired; ++i) {
    TESSERA_RETURN_IF_ERROR(ReadCertifiedSlot(client, all[4 + i], out));
  }
  return out;
}

Result<KeyFacts> ReadKeyFacts(host::PivClient& client, std::uint8_t key_ref) {
  TESSERA_ASSIGN_OR_RETURN(host::PivKeyMetadata m, client.GetKeyMetadata(key_ref));
  KeyFacts facts;
  facts.pin_policy = m.pin_policy;
  facts.origin = m.origin;
  facts.known = true;
  return facts;
}

Result<std::vector<Object>> ReadUncertifiedKeys(host::PivClient& client,
                                                const std::set<std::uint8_t>& certified) {
  std::vector<Object> out;
  for (const PivKeySlot& slot : AllKeySlots()) {
    if (certified.count(slot.key_ref) != 0) continue;
    auto m = client.GetKeyMetadata(slot.key_ref);
    if (!m.ok()) {
      const Code c = m.status().code();
      if (c == Code::kReferenceNotFound || c == Code::kNotFound) continue;  // empty slot
      return m.status();
    }
    KeyFacts facts{m->pin_policy, m->origin, true};
    auto objects = KeySlotObjects(slot.key_ref, m->public_key.get(), {}, facts);
    if (!objects.ok()) continue;
    for (auto& o : *objects) out.push_back(std::move(o));
  }
  return out;
}

Result<std::vector<Object>> ReadTokenKeys(host::PivClient& client) {
  const PivKeySlot& token = TokenKeySlot();
  std::vector<Object> out;
  auto m = client.GetKeyMetadata(token.key_ref);
  if (!m.ok()) {
    // A card without a token key (not a Tessera token) shows none.
    const Code c = m.status().code();
    return c == Code::kReferenceNotFound || c == Code::kIncorrectP1P2 || c == Code::kNotFound
               ? Result<std::vector<Object>>(std::move(out))
               : Result<std::vector<Object>>(m.status());
  }
  Bytes statement;
  if (auto attested = client.Attest(token.key_ref); attested.ok()) statement = std::move(*attested);
  KeyFacts facts{m->pin_policy, m->origin, true};
  TESSERA_ASSIGN_OR_RETURN(std::vector<Object> made,
                           KeySlotObjects(token.key_ref, m->public_key.get(), statement, facts));
  for (Object& o : made) {
    o.where.token_key = true;
    o.Set(Attr::kDestroyable, BoolValue(false));
    if (o.cls == ObjectClass::kPrivateKey) {
      o.Set(Attr::kSign, BoolValue(false));
      o.Set(Attr::kDecrypt, BoolValue(false));
      o.Set(Attr::kUnwrap, BoolValue(true));
      o.Set(Attr::kDerive, BoolValue(true));
      o.Set(Attr::kAlwaysAuthenticate, BoolValue(false));
    } else if (o.cls == ObjectClass::kPublicKey) {
      o.Set(Attr::kVerify, BoolValue(false));
      o.Set(Attr::kWrap, BoolValue(true));
    } else {
      o.Set(Attr::kLabel, Text("Attestation of Token Key"));
    }
    out.push_back(std::move(o));
  }
  const PivKeySlot& attestation = AttestationKeySlot();
  auto container = client.GetData(attestation.cert_tag);
  if (container.ok()) {
    auto der = tp::DecodeCertContainer(*container);
    Object cert = Base(ObjectClass::kCertificate, attestation.key_ref, "X.509 Certificate for ");
    if (der.ok() && !der->empty() && AddCertificateAttributes(cert, *der, nullptr).ok()) {
      cert.where.token_key = true;
      cert.Set(Attr::kDestroyable, BoolValue(false));
      cert.Set(Attr::kTrusted, BoolValue(false));
      cert.Set(Attr::kCertificateCategory, UlongValue(0));
      cert.Set(Attr::kStartDate, {});
      cert.Set(Attr::kEndDate, {});
      out.push_back(std::move(cert));
    }
  } else if (container.status().code() != Code::kNotFound) {
    return container.status();
  }
  return out;
}

namespace {

struct DataContainer {
  std::uint32_t tag;
  const char* label;
  Bytes oid;  // DER
};

// SP 800-73-4 Part 1 Table 3: OIDs 2.16.840.1.101.3.7.1.219.0 (CCC),
// .2.48.0 (CHUID), .2.144.0 (Security Object), .2.96.80 (Discovery),
// .2.96.96 (Key History). The biometric and printed-information containers
// need the PIN and are not listed.
const std::vector<DataContainer>& DataContainers() {
  static const std::vector<DataContainer> kContainers = {
      {tp::tag::kCardCapabilityContainer,
       "Card Capability Container",
       {0x06, 0x0B, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x07, 0x01, 0x81, 0x5B, 0x00}},
      {tp::tag::kChuid,
       "Card Holder Unique Identifier",
       {0x06, 0x0A, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x07, 0x02, 0x30, 0x00}},
      {tp::tag::kSecurityObject,
       "Security Object",
       {0x06, 0x0B, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x07, 0x02, 0x81, 0x10, 0x00}},
      {tp::tag::kDiscovery,
       "Discovery Object",
       {0x06, 0x0A, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x07, 0x02, 0x60, 0x50}},
      {tp::tag::kKeyHistory,
       "Key History Object",
       {0x06, 0x0A, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x07, 0x02, 0x60, 0x60}},
  };
  return kContainers;
}

}  // namespace

Result<std::vector<Object>> ReadDataObjects(host::PivClient& client) {
  std::vector<Object> out;
  for (const DataContainer& c : DataContainers()) {
    auto value = client.GetData(c.tag);
    if (!value.ok()) {
      if (value.status().code() == Code::kNotFound) continue;
      return value.status();
    }
    Object o;
    o.cls = ObjectClass::kData;
    o.where.container = c.tag;
    o.Set(Attr::kClass, UlongValue(static_cast<unsigned long>(ObjectClass::kData)));
    o.Set(Attr::kToken, BoolValue(true));
    o.Set(Attr::kPrivate, BoolValue(false));
    o.Set(Attr::kModifiable, BoolValue(false));
    o.Set(Attr::kCopyable, BoolValue(false));
    o.Set(Attr::kDestroyable, BoolValue(false));
    o.Set(Attr::kLabel, Text(c.label));
    o.Set(Attr::kApplication, Text("PIV"));
    o.Set(Attr::kObjectId, c.oid);
    o.Set(Attr::kValue, std::move(*value));
    out.push_back(std::move(o));
  }
  return out;
}

Status WriteRetiredCertificateCount(host::PivClient& client, int count) {
  std::vector<Tlv> fields;
  auto history = client.GetData(tp::tag::kKeyHistory);
  if (history.ok()) {
    auto parsed = ParseTlvs(*history);
    if (parsed.ok()) fields = std::move(*parsed);
  } else if (history.status().code() != Code::kNotFound) {
    return history.status();
  }
  // SP 800-73-4 Part 1 Appendix A: C1 keysWithOnCardCerts, C2
  // keysWithOffCardCerts, F3 offCardCertURL (when C2 > 0), FE error detection.
  auto off_card = FindTag(fields, kTagOffCardCerts);
  auto url = FindTag(fields, kTagOffCardUrl);
  Bytes value = EncodeTlv(kTagOnCardCerts, Bytes{static_cast<std::uint8_t>(count)});
  Append(value, EncodeTlv(kTagOffCardCerts,
                          off_card ? Bytes(off_card->begin(), off_card->end()) : Bytes{0x00}));
  if (url) Append(value, EncodeTlv(kTagOffCardUrl, *url));
  Append(value, EncodeTlv(kTagLrc, Bytes{}));
  return client.PutData(tp::tag::kKeyHistory, value);
}

}  // namespace tessera::p11::piv
