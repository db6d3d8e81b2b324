// Key management (PKCS#11 3.0 §5.14) and random numbers (§5.15). The routing
// is core/key_requests.hpp's; these check pointers and map.
#include <openssl/rand.h>
#include <p11-kit/pkcs11.h>

#include "pkcs11/api/copy_out.hpp"
#include "pkcs11/api/export.hpp"
#include "pkcs11/api/mechanism_params.hpp"
#include "pkcs11/api/rv_map.hpp"
#include "pkcs11/api/session_access.hpp"
#include "pkcs11/core/key_requests.hpp"
#include "pkcs11/core/object_requests.hpp"

using tessera::ByteView;
using tessera::p11::Mechanism;
using tessera::p11::Template;
using tessera::p11::WipeTemplate;
using tessera::p11::api::AccessSession;
using tessera::p11::api::CopyOut;
using tessera::p11::api::Guard;
using tessera::p11::api::ReadMechanism;
using tessera::p11::api::ReadTemplate;
using tessera::p11::api::SessionAccess;
using tessera::p11::api::ToRv;

TESSERA_P11_EXPORT CK_RV C_GenerateKeyPair(CK_SESSION_HANDLE handle, CK_MECHANISM_PTR mechanism,
                                           CK_ATTRIBUTE_PTR pub, CK_ULONG pub_count,
                                           CK_ATTRIBUTE_PTR priv, CK_ULONG priv_count,
                                           CK_OBJECT_HANDLE_PTR pub_key,
                                           CK_OBJECT_HANDLE_PTR priv_key) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    Mechanism m;
    if (CK_RV rv = ReadMechanism(mechanism, &m); rv != CKR_OK) return rv;
    Template pub_tmpl;
    Template priv_tmpl;
    if (CK_RV rv = ReadTemplate(pub, pub_count, &pub_tmpl); rv != CKR_OK) return rv;
    if (CK_RV rv = ReadTemplate(priv, priv_count, &priv_tmpl); rv != CKR_OK) return rv;
    if (pub_key == nullptr || priv_key == nullptr) return CKR_ARGUMENTS_BAD;
    auto made = tessera::p11::GenerateKeyPair(*s.session, m, pub_tmpl, priv_tmpl);
    if (!made.ok()) return ToRv(made.status());
    *pub_key = made->public_key;
    *priv_key = made->private_key;
    return CKR_OK;
  });
}

TESSERA_P11_EXPORT CK_RV C_GenerateKey(CK_SESSION_HANDLE handle, CK_MECHANISM_PTR mechanism,
                                       CK_ATTRIBUTE_PTR tmpl, CK_ULONG count,
                                       CK_OBJECT_HANDLE_PTR key) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    Mechanism m;
    if (CK_RV rv = ReadMechanism(mechanism, &m); rv != CKR_OK) return rv;
    Template given;
    if (CK_RV rv = ReadTemplate(tmpl, count, &given); rv != CKR_OK) return rv;
    if (key == nullptr) return CKR_ARGUMENTS_BAD;
    auto made = tessera::p11::GenerateKey(*s.session, m, given);
    if (!made.ok()) return ToRv(made.status());
    *key = *made;
    return CKR_OK;
  });
}

TESSERA_P11_EXPORT CK_RV C_DeriveKey(CK_SESSION_HANDLE handle, CK_MECHANISM_PTR mechanism,
                                     CK_OBJECT_HANDLE base, CK_ATTRIBUTE_PTR tmpl, CK_ULONG count,
                                     CK_OBJECT_HANDLE_PTR key) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    Mechanism m;
    if (CK_RV rv = ReadMechanism(mechanism, &m); rv != CKR_OK) return rv;
    Template given;
    if (CK_RV rv = ReadTemplate(tmpl, count, &given); rv != CKR_OK) return rv;
    if (key == nullptr) return CKR_ARGUMENTS_BAD;
    auto made = tessera::p11::DeriveKey(*s.session, m, base, given);
    if (!made.ok()) return ToRv(made.status());
    *key = *made;
    return CKR_OK;
  });
}

// §5.2 buffer rules; the wrapping is done again for each call, which is
// cheap on the host and keeps no state between a size query and the call.
TESSERA_P11_EXPORT CK_RV C_WrapKey(CK_SESSION_HANDLE handle, CK_MECHANISM_PTR mechanism,
                                   CK_OBJECT_HANDLE wrapping_key, CK_OBJECT_HANDLE key,
                                   CK_BYTE_PTR wrapped, CK_ULONG_PTR wrapped_len) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    Mechanism m;
    if (CK_RV rv = ReadMechanism(mechanism, &m); rv != CKR_OK) return rv;
    if (wrapped_len == nullptr) return CKR_ARGUMENTS_BAD;
    auto made = tessera::p11::WrapKey(*s.session, m, wrapping_key, key);
    if (!made.ok()) return ToRv(made.status());
    return CopyOut(ByteView(made->data(), made->size()), wrapped, wrapped_len);
  });
}

TESSERA_P11_EXPORT CK_RV C_UnwrapKey(CK_SESSION_HANDLE handle, CK_MECHANISM_PTR mechanism,
                                     CK_OBJECT_HANDLE unwrapping_key, CK_BYTE_PTR wrapped,
                                     CK_ULONG wrapped_len, CK_ATTRIBUTE_PTR tmpl, CK_ULONG count,
                                     CK_OBJECT_HANDLE_PTR key) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    Mechanism m;
    if (CK_RV rv = ReadMechanism(mechanism, &m); rv != CKR_OK) return rv;
    Template given;
    if (CK_RV rv = ReadTemplate(tmpl, count, &given); rv != CKR_OK) return rv;
    if (key == nullptr || (wrapped == nullptr && wrapped_len > 0)) return CKR_ARGUMENTS_BAD;
    if (wrapped_len == 0) return CKR_WRAPPED_KEY_LEN_RANGE;
    auto made = tessera::p11::UnwrapKey(*s.session, m, unwrapping_key,
                                        ByteView(wrapped, wrapped_len), given);
    WipeTemplate(given);
    if (!made.ok()) return ToRv(made.status());
    *key = *made;
    return CKR_OK;
  });
}

// Random bytes from the host's OpenSSL DRBG: one APDU per request on a
// smart card would cost more than it gives (docs/pkcs11-module.md).
TESSERA_P11_EXPORT CK_RV C_GenerateRandom(CK_SESSION_HANDLE handle, CK_BYTE_PTR out, CK_ULONG len) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    if (out == nullptr && len > 0) return CKR_ARGUMENTS_BAD;
    if (len == 0) return CKR_OK;
    if (len > (1UL << 30)) return CKR_ARGUMENTS_BAD;
    return RAND_bytes(out, static_cast<int>(len)) == 1 ? CKR_OK : CKR_FUNCTION_FAILED;
  });
}

TESSERA_P11_EXPORT CK_RV C_SeedRandom(CK_SESSION_HANDLE handle, CK_BYTE_PTR seed, CK_ULONG len) {
  return Guard([&]() -> CK_RV {
    SessionAccess s = AccessSession(handle);
    if (s.rv != CKR_OK) return s.rv;
    if (seed == nullptr && len > 0) return CKR_ARGUMENTS_BAD;
    return CKR_RANDOM_SEED_NOT_SUPPORTED;
  });
}
