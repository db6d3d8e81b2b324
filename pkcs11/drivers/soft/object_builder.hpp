// Session objects from templates (PKCS#11 3.0 §4 and §5.7 C_CreateObject;
// §5.14 for keys made by generation, unwrapping and derivation): every
// attribute the application gives is checked against the one rule table
// (model/attribute_rules.hpp), every attribute the class carries and the
// application left out gets its default, and what the token computes
// (CKA_LOCAL, CKA_ALWAYS_SENSITIVE, CKA_PUBLIC_KEY_INFO, CKA_CHECK_VALUE ...)
// is set here. Objects come back without a handle or owner; the slot gives
// them those.
//
// Refusals, as §5.1 and §5.7 name them: a class the template lacks is
// CKR_TEMPLATE_INCOMPLETE, as is a missing required attribute; an attribute
// the class does not carry is CKR_ATTRIBUTE_TYPE_INVALID; a badly encoded
// value is CKR_ATTRIBUTE_VALUE_INVALID; an attribute only the token sets is
// CKR_ATTRIBUTE_READ_ONLY; values that contradict each other are
// CKR_TEMPLATE_INCONSISTENT. Stateless; thread-safe.
#pragma once

#include <openssl/evp.h>

#include <optional>

#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "pkcs11/model/mechanism.hpp"
#include "pkcs11/model/object.hpp"

namespace tessera::p11::soft {

// How a key came to be, for CKA_LOCAL, CKA_KEY_GEN_MECHANISM,
// CKA_ALWAYS_SENSITIVE and CKA_NEVER_EXTRACTABLE (§4.9, §4.10).
struct Provenance {
  bool generated = false;                // made by C_GenerateKey(Pair) here
  std::optional<Mech> mechanism;         // the generating mechanism
  bool always_sensitive_source = false;  // derived from a key that always was
  bool never_extractable_source = false;
};

// C_CreateObject of a session object: data, certificate, public, private or
// secret key. `so` says whether the security officer is logged in (only the
// SO may set CKA_TRUSTED).
[[nodiscard]] Result<Object> BuildObject(const Template& tmpl, bool so);

// Key objects from key material the module made or opened (generation,
// unwrapping, derivation): the template may not carry key material.
[[nodiscard]] Result<Object> SecretKeyObject(const Template& tmpl, ByteView value,
                                             std::optional<KeyType> default_type,
                                             const Provenance& provenance);
[[nodiscard]] Result<Object> PrivateKeyObject(const Template& tmpl, EVP_PKEY* key,
                                              const Provenance& provenance);
[[nodiscard]] Result<Object> PublicKeyObject(const Template& tmpl, EVP_PKEY* key,
                                             const Provenance& provenance);

// The key type a template names, if it names one (CKA_KEY_TYPE).
[[nodiscard]] Result<std::optional<KeyType>> TemplateKeyType(const Template& tmpl);
// CKA_VALUE_LEN of a template, if given.
[[nodiscard]] Result<std::optional<std::size_t>> TemplateValueLen(const Template& tmpl);

}  // namespace tessera::p11::soft
