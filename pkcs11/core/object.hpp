// Object: one PKCS#11 object as the module presents it — its class, its
// attributes in their C encodings, and where it lives on the card. Drivers
// build objects from what the card holds; the core finds, reads and edits
// them. Secret attributes (key material) are listed but never hold a value:
// reading one is CKR_ATTRIBUTE_SENSITIVE (PKCS#11 2.40 §5.7, C_GetAttributeValue).
// Plain values; no locking of their own.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "pkcs11/core/attributes.hpp"

namespace tessera::p11 {

using ObjectHandle = std::uint64_t;

// Where an object lives on the card, in the driver's terms.
struct CardLocation {
  std::uint8_t key_ref = 0;     // PIV key reference of a key or its certificate
  std::uint32_t container = 0;  // data object tag holding it, if any
  std::uint8_t algorithm = 0;   // the card's algorithm byte for keys
};

struct Object {
  Object() = default;
  Object(const Object&) = default;
  Object(Object&&) noexcept = default;
  Object& operator=(const Object&) = default;
  Object& operator=(Object&&) noexcept = default;
  // A derived secret (ECDH) lives in CKA_VALUE: every copy wipes its own.
  ~Object();

  ObjectHandle handle = 0;    // assigned by the token cache
  std::uint64_t session = 0;  // owning session of a session object; 0: a token object
  ObjectClass cls = ObjectClass::kData;
  CardLocation where;
  std::map<Attr, Bytes> attrs;
  // The key objects' public key, decoded once: decoding it for every
  // operation cost more than the signature itself (docs/pkcs11-bench.md).
  std::shared_ptr<EVP_PKEY> public_key;

  bool Has(Attr a) const { return attrs.count(a) != 0; }
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
// The value of `attr` in a template, if given.
std::optional<ByteView> FindIn(const Template& tmpl, Attr attr);

// How one attribute reads (PKCS#11 2.40 §5.7 C_GetAttributeValue, cases 1–2).
enum class AttrRead { kValue, kSensitive, kInvalid };
AttrRead ReadAttribute(const Object& object, Attr attr, ByteView* value);

}  // namespace tessera::p11
