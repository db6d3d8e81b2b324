// Object: one PKCS#11 object as the module presents it — its class, its
// attributes in their C encodings, and where it lives: on the card (a PIV key
// reference or container, drivers/piv) or in host memory as a session object
// (drivers/soft). Drivers build objects; the core finds, reads and edits them.
// Key material of a card key is listed but holds no value; key material of a
// sensitive or unextractable key reads as CKR_ATTRIBUTE_SENSITIVE (PKCS#11 3.0
// §5.7 C_GetAttributeValue). Plain values; no locking of their own.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "pkcs11/model/attributes.hpp"

namespace tessera::p11 {

using ObjectHandle = std::uint64_t;

// Where an object lives on the card, in the driver's terms.
struct CardLocation {
  std::uint8_t key_ref = 0;  // PIV key reference (or secret-key slot) of a key or its certificate
  std::uint32_t container = 0;  // data object tag holding it, if any
  std::uint8_t algorithm = 0;   // the card's algorithm byte for keys
  // The token's own keys (F0 and the attestation F9): read, never written,
  // and what F0 derives or unwraps stays on the card.
  bool token_key = false;
};

struct Object {
  Object() = default;
  Object(const Object&) = default;
  Object(Object&&) noexcept = default;
  Object& operator=(const Object&) = default;
  Object& operator=(Object&&) noexcept = default;
  // Key material in attributes (a session key's CKA_VALUE, CKA_PRIME_1 ...)
  // is wiped by every copy when it goes.
  ~Object();

  ObjectHandle handle = 0;    // assigned by the token cache
  std::uint64_t session = 0;  // owning session of a session object; 0: a token object
  ObjectClass cls = ObjectClass::kData;
  CardLocation where;
  std::map<Attr, Bytes> attrs;
  // The key objects' public key, decoded once: decoding it for every
  // operation cost more than the signature itself (docs/pkcs11-bench.md).
  std::shared_ptr<EVP_PKEY> public_key;
  // A session private key's key, for host operations (drivers/soft).
  std::shared_ptr<EVP_PKEY> private_key;

  bool Has(Attr a) const { return attrs.count(a) != 0; }
  bool is_session_object() const { return session != 0; }
  bool is_key() const {
    return cls == ObjectClass::kPublicKey || cls == ObjectClass::kPrivateKey ||
           cls == ObjectClass::kSecretKey;
  }
  void Set(Attr a, Bytes v) { attrs[a] = std::move(v); }
  std::optional<ByteView> Get(Attr a) const;
  bool Flag(Attr a) const;  // a CK_BBOOL attribute, false when absent
  std::optional<KeyType> key_type() const;
  // Keeps a reference to `key` as the object's public key.
  void KeepPublicKey(EVP_PKEY* key);
};

using Template = std::vector<std::pair<Attr, Bytes>>;

// C_FindObjects matching: every template attribute is present with exactly
// these bytes. Secret attributes never match.
bool Matches(const Object& object, const Template& tmpl);
// The value of `attr` in a template, if given (the last, if given twice).
std::optional<ByteView> FindIn(const Template& tmpl, Attr attr);

// How one attribute reads (PKCS#11 3.0 §5.7 C_GetAttributeValue, cases 1–2).
enum class AttrRead { kValue, kSensitive, kInvalid };
AttrRead ReadAttribute(const Object& object, Attr attr, ByteView* value);
// Key material that must not be revealed: a secret attribute of a key that
// is sensitive or unextractable (§5.7 case 1).
bool IsHidden(const Object& object, Attr attr);

}  // namespace tessera::p11
