// ApiTest: the fixture of the api_*_test.cpp files. It starts tessera-sim in
// a temporary directory (SimTest), dlopens tessera-pkcs11.so (LoadedModule),
// initializes it on the simulator's only token, and offers the C calls the
// tests repeat: sessions, logins, key generation, searches, attribute reads,
// signing. Helpers report failures through GoogleTest; wrap the ones a test
// cannot go on without in ASSERT_NO_FATAL_FAILURE.
//
// AttrList is a CK_ATTRIBUTE array that owns its values, so a template
// outlives the statement that builds it. One test thread; nothing shared.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "pkcs11/api/pkcs11_3_0.h"
#include "tests/integration/pkcs11/module_harness.hpp"
#include "tests/integration/sim_test_fixture.hpp"

namespace tessera::testing {

// The factory SO PIN: the management key in hex (docs/pkcs11-module.md).
inline constexpr std::string_view kSoPin = "010203040506070801020304050607080102030405060708";
inline constexpr std::string_view kUserPin = "123456";

// CKA_EC_PARAMS: the DER OIDs of the curves a PIV token holds.
Bytes P256Params();     // 06082A8648CE3D030107
Bytes P384Params();     // 06052B81040022
Bytes Ed25519Params();  // 06032B6570
Bytes X25519Params();   // 06032B656E

class AttrList {
 public:
  AttrList() = default;
  AttrList(const AttrList&) = delete;
  AttrList& operator=(const AttrList&) = delete;
  AttrList(AttrList&&) = default;
  AttrList& operator=(AttrList&&) = default;

  AttrList& Ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value);
  AttrList& Bool(CK_ATTRIBUTE_TYPE type, bool value);
  AttrList& Value(CK_ATTRIBUTE_TYPE type, ByteView value);
  AttrList& Text(CK_ATTRIBUTE_TYPE type, std::string_view value) {
    return Value(type, AsBytes(value));
  }
  CK_ATTRIBUTE* data() { return attrs_.empty() ? nullptr : attrs_.data(); }
  CK_ULONG size() const { return attrs_.size(); }

 private:
  std::deque<Bytes> values_;  // a deque never moves what it holds
  std::vector<CK_ATTRIBUTE> attrs_;
};

// The token's own objects (docs/pkcs11-module.md "The token key"): F0's
// private and public key, F0's attestation statement and the F9 certificate.
struct TokenKeyObjects {
  CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE attestation = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE attestation_certificate = CK_INVALID_HANDLE;
};

struct KeyPair {
  CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
};

class ApiTest : public SimTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts the simulator with `sim_args` and initializes the module on it.
  void StartWith(const std::vector<std::string>& sim_args);
  // C_Finalize then C_Initialize: every session and cached object is gone.
  void Reinitialize();

  CK_SESSION_HANDLE Open(bool read_write = true);
  CK_RV Login(CK_SESSION_HANDLE session, CK_USER_TYPE type, std::string_view pin);
  // A read-write session with the user logged in.
  CK_SESSION_HANDLE UserSession();

  // C_GenerateKeyPair on the token with CKA_ID `id`; `public_template` adds
  // the mechanism's parameters (CKA_EC_PARAMS, CKA_MODULUS_BITS).
  KeyPair Generate(CK_SESSION_HANDLE session, CK_MECHANISM_TYPE mechanism, AttrList public_template,
                   std::uint8_t id);
  KeyPair GenerateEc(CK_SESSION_HANDLE session, const Bytes& params, std::uint8_t id);
  KeyPair GenerateRsa(CK_SESSION_HANDLE session, CK_ULONG bits, std::uint8_t id);

  std::vector<CK_OBJECT_HANDLE> Find(CK_SESSION_HANDLE session, AttrList tmpl);
  // The token's own objects, found by CKA_ID F0 and F9 (the private key only
  // while the user is logged in).
  TokenKeyObjects TokenKey(CK_SESSION_HANDLE session);
  // One attribute by the two-call pattern (size query, then the value).
  Bytes Attribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
  CK_ULONG UlongAttribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                          CK_ATTRIBUTE_TYPE type);
  bool BoolAttribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
  // The key's CKA_PUBLIC_KEY_INFO as an OpenSSL key.
  ossl::PkeyPtr PublicKey(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key);

  // Sign in one call (size query first) or in `chunk`-byte C_SignUpdate parts.
  Bytes Sign(CK_SESSION_HANDLE session, CK_MECHANISM* mechanism, CK_OBJECT_HANDLE key,
             ByteView data);
  Bytes SignInParts(CK_SESSION_HANDLE session, CK_MECHANISM* mechanism, CK_OBJECT_HANDLE key,
                    ByteView data, std::size_t chunk);
  // The module's host-side verification, single-part or in parts.
  CK_RV Verify(CK_SESSION_HANDLE session, CK_MECHANISM* mechanism, CK_OBJECT_HANDLE key,
               ByteView data, ByteView signature);
  CK_RV VerifyInParts(CK_SESSION_HANDLE session, CK_MECHANISM* mechanism, CK_OBJECT_HANDLE key,
                      ByteView data, ByteView signature, std::size_t chunk);

  LoadedModule module_;
  CK_SLOT_ID slot_ = 0;
};

}  // namespace tessera::testing
