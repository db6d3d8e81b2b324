// PIV slots and containers as PKCS#11 objects (SP 800-73-4 Part 1 §3):
// each key slot with a key gives a private key, a public key and, when its
// container holds one, an X.509 certificate, all sharing the slot's CKA_ID.
//
// Reading is shaped by the APDU budget: the four standard certificate
// containers are read once per insertion; retired ones only when the key
// history object counts on-card certificates; GET METADATA only for key
// slots without a certificate, and only when a search asks for keys.
// Stateless functions over a PivClient; the caller serializes card access.
#pragma once

#include <cstdint>
#include <set>
#include <vector>

#include "common/piv/piv_constants.hpp"
#include "host/card/piv_client.hpp"
#include "pkcs11/model/object.hpp"

namespace tessera::p11::piv {

// What GET METADATA adds to a key that a certificate cannot tell.
struct KeyFacts {
  tessera::piv::PinPolicy pin_policy = tessera::piv::PinPolicy::kDefault;
  tessera::piv::KeyOrigin origin{};
  bool known = false;  // false: only the slot's defaults are known
};

// The objects of one key slot: certificate (when `cert_der` is not empty),
// public key and private key.
Result<std::vector<Object>> KeySlotObjects(std::uint8_t key_ref, EVP_PKEY* public_key,
                                           ByteView cert_der, const KeyFacts& facts);
// Applies GET METADATA facts to a key object built without them: CKA_LOCAL,
// CKA_KEY_GEN_MECHANISM, CKA_ALWAYS_AUTHENTICATE, CKA_ALWAYS_SENSITIVE,
// CKA_NEVER_EXTRACTABLE.
void ApplyKeyFacts(Object& key, const KeyFacts& facts);
// Attributes that only GET METADATA can settle for a key built from its certificate.
bool NeedsKeyFacts(Attr attr);

// Every certificate the card holds, with its key pair's objects.
Result<std::vector<Object>> ReadCertifiedKeys(host::PivClient& client);
// Keys in slots outside `certified` (by key reference), from GET METADATA.
Result<std::vector<Object>> ReadUncertifiedKeys(host::PivClient& client,
                                                const std::set<std::uint8_t>& certified);
Result<KeyFacts> ReadKeyFacts(host::PivClient& client, std::uint8_t key_ref);

// The token's own keys as objects (seed 000): the token key F0 as a private
// key that unwraps and derives but never signs (CKA_UNWRAP and CKA_DERIVE
// true, CKA_SIGN false), its public key (CKA_WRAP true, so a host can wrap
// keys to it with CKM_ECDH_AES_KEY_WRAP), the F0 attestation statement as
// F0's certificate (ATTEST F0), and the attestation certificate F9 (5FFF01)
// that signs it. Three APDUs: GET METADATA F0, ATTEST F0, GET DATA 5FFF01.
Result<std::vector<Object>> ReadTokenKeys(host::PivClient& client);

// The public data containers (CCC, CHUID, Security Object, Discovery, Key
// History) as CKO_DATA objects: CKA_APPLICATION "PIV", CKA_OBJECT_ID the
// container's OID (SP 800-73-4 Part 1 Table 3), CKA_VALUE its contents.
// One GET DATA each; absent containers give no object.
Result<std::vector<Object>> ReadDataObjects(host::PivClient& client);

// Sets the key history's count of retired slots with on-card certificates
// (tag C1), keeping its other fields; creates the object when absent.
Status WriteRetiredCertificateCount(host::PivClient& client, int count);

}  // namespace tessera::p11::piv
